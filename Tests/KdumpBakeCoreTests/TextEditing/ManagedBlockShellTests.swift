import Foundation
@testable import KdumpBakeCore
import Testing

extension PatchText {
    @Suite("ManagedBlock, shell syntax")
    struct ManagedBlockShellTests {
        static let begin = ManagedBlock.beginMarker
        static let end = ManagedBlock.endMarker
        static let note = ManagedBlock.supersededPrefix
        static let append = ManagedBlock(
            lines: [#"KDUMP_COMMANDLINE_APPEND="irqpoll nr_cpus=1 reset_devices""#],
            keys: ["KDUMP_COMMANDLINE_APPEND"], syntax: .shell)
        static let blockText = "\(begin)\nKDUMP_COMMANDLINE_APPEND=\"irqpoll nr_cpus=1 reset_devices\"\n\(end)\n"

        /// An abridged stock CentOS 7 /etc/sysconfig/kdump.
        static let sysconfig = """
        # Kernel Version string for the -kdump kernel, such as 2.6.13-1544.FC5kdump
        KDUMP_KERNELVER=""

        # This variable lets us append arguments to the current kdump commandline
        # after processed by KDUMP_COMMANDLINE_REMOVE
        KDUMP_COMMANDLINE_APPEND="irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=0 udev.children-max=2"

        # Any additional kexec arguments required.
        KEXEC_ARGS="--elf32-core-headers"

        #What is the image type used for kdump
        KDUMP_IMG="vmlinuz"

        """

        @Test func commentsStockAssignmentOnly() throws {
            let edited = try Self.append.apply(to: bytes(Self.sysconfig))
            let expected = Self.sysconfig.replacingOccurrences(
                of: "\nKDUMP_COMMANDLINE_APPEND=", with: "\n\(Self.note)KDUMP_COMMANDLINE_APPEND=") + Self.blockText
            #expect(edited == bytes(expected))
            #expect(try Self.append.apply(to: edited) == edited)
            #expect(Self.append.isApplied(in: edited))
        }

        @Test("assignments of the key", arguments: [
            "KDUMP_COMMANDLINE_APPEND=irqpoll", "export KDUMP_COMMANDLINE_APPEND=\"irqpoll\"",
            "  export\tKDUMP_COMMANDLINE_APPEND='x y'", "KDUMP_COMMANDLINE_APPEND=", "\tKDUMP_COMMANDLINE_APPEND=a # note",
        ])
        func commentsAssignments(line: String) throws {
            let edited = try Self.append.apply(to: bytes("\(line)\n"))
            #expect(edited == bytes("\(Self.note)\(line)\n" + Self.blockText))
        }

        @Test("other keys and non-assignments", arguments: [
            "KDUMP_COMMANDLINE_APPEND_X=1", "KDUMP_COMMANDLINE=1", "#KDUMP_COMMANDLINE_APPEND=1",
            "KDUMP_COMMANDLINE_APPEND = 1", "exportKDUMP_COMMANDLINE_APPEND=1", "export KDUMP_COMMANDLINE_APPEND",
            "echo KDUMP_COMMANDLINE_APPEND=1", "kdump_commandline_append=1",
        ])
        func leavesOthersAlone(line: String) throws {
            let edited = try Self.append.apply(to: bytes("\(line)\n"))
            #expect(edited == bytes("\(line)\n" + Self.blockText))
        }

        /// Commenting only the first line of a multi-line value would leave `nr_cpus=1"` behind
        /// as a command with an unterminated quote, breaking the whole file.
        @Test func commentsEveryLineOfAMultiLineAssignment() throws {
            let original = """
            A="one
            KDUMP_COMMANDLINE_APPEND=not-an-assignment"
            KDUMP_COMMANDLINE_APPEND="irqpoll
              nr_cpus=1 'x'"
            B=1
            KDUMP_COMMANDLINE_APPEND=a\\
            b
            C=2

            """
            let edited = try Self.append.apply(to: bytes(original))
            #expect(edited == bytes("""
            A="one
            KDUMP_COMMANDLINE_APPEND=not-an-assignment"
            \(Self.note)KDUMP_COMMANDLINE_APPEND="irqpoll
            \(Self.note)  nr_cpus=1 'x'"
            B=1
            \(Self.note)KDUMP_COMMANDLINE_APPEND=a\\
            \(Self.note)b
            C=2

            """ + Self.blockText))
            #expect(try Self.append.apply(to: edited) == edited)
        }

        @Test func quotesInCommentsDoNotOpenStrings() throws {
            let original = "# don't panic\nKDUMP_COMMANDLINE_APPEND=x # it's fine\nB=\"a#b\"\nKDUMP_COMMANDLINE_APPEND=y\n"
            let edited = try Self.append.apply(to: bytes(original))
            #expect(edited == bytes("# don't panic\n\(Self.note)KDUMP_COMMANDLINE_APPEND=x # it's fine\nB=\"a#b\"\n"
                + "\(Self.note)KDUMP_COMMANDLINE_APPEND=y\n" + Self.blockText))
        }

        @Test func unterminatedUserQuoteDoesNotSwallowTheBlock() throws {
            // The quote opened before the block is the user's problem; the assignment after the
            // block is still found, and the block itself is replaced normally.
            let original = "A=\"open\n\(Self.begin)\nold\n\(Self.end)\nKDUMP_COMMANDLINE_APPEND=1\n"
            let edited = try Self.append.apply(to: bytes(original))
            #expect(edited == bytes("A=\"open\n" + Self.blockText + "\(Self.note)KDUMP_COMMANDLINE_APPEND=1\n"))
        }

        @Test func crlfShellFile() throws {
            let original = "KDUMP_COMMANDLINE_APPEND=\"a\r\n b\"\r\nX=1\r\n"
            let edited = try Self.append.apply(to: bytes(original))
            #expect(edited == bytes("\(Self.note)KDUMP_COMMANDLINE_APPEND=\"a\r\n\(Self.note) b\"\r\nX=1\r\n"
                + Self.blockText.replacingOccurrences(of: "\n", with: "\r\n")))
        }

        @Test func sysctlSpellingsAreNotShellKeys() throws {
            let block = ManagedBlock(lines: ["kernel.panic=5"], keys: ["kernel.panic"], syntax: .shell)
            let edited = try block.apply(to: bytes("kernel.panic=0\n"))
            #expect(edited.starts(with: bytes("kernel.panic=0\n")))
        }
    }
}
