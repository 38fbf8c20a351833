@testable import KdumpBakeCore
import Testing

extension PatchText {
    @Suite("ManagedBlock")
    struct ManagedBlockTests {
        static let begin = ManagedBlock.beginMarker
        static let end = ManagedBlock.endMarker
        static let note = ManagedBlock.supersededPrefix
        static let panic = ManagedBlock(lines: ["kernel.panic = 5"], keys: ["kernel.panic"], syntax: .sysctl)

        /// An abridged stock CentOS/RHEL 6 /etc/sysctl.conf.
        static let rhel6 = """
        # Kernel sysctl configuration file for Red Hat Linux
        #
        # For binary values, 0 is disabled, 1 is enabled.  See sysctl(8) and
        # sysctl.conf(5) for more details.

        # Controls IP packet forwarding
        net.ipv4.ip_forward = 0

        # Controls whether core dumps will append the PID to the core filename.
        # Useful for debugging multi-threaded applications.
        kernel.core_uses_pid = 1

        # Controls the maximum number of shared memory segments, in pages
        kernel.shmall = 4294967296

        """

        /// The file with the managed block removed and superseded notes stripped: what must equal
        /// the original byte for byte, proving nothing else was touched.
        static func rest(_ edited: [UInt8]) -> [UInt8] {
            var result: [UInt8] = []
            var inBlock = false
            for line in ByteLines.split(edited) {
                let content = String(decoding: line.content, as: UTF8.self)
                if content == begin { inBlock = true; continue }
                if inBlock { if content == end { inBlock = false }; continue }
                let raw = line.bytes
                result += raw.starts(with: bytes(note)) ? Array(raw.dropFirst(note.utf8.count)) : raw
            }
            return result
        }

        @Test func appendsToStockSysctlConf() throws {
            let edited = try Self.panic.apply(to: bytes(Self.rhel6))
            #expect(edited == bytes(Self.rhel6 + "\(Self.begin)\nkernel.panic = 5\n\(Self.end)\n"))
            #expect(Self.rest(edited) == bytes(Self.rhel6))
        }

        @Test func idempotent() throws {
            let inputs = [Self.rhel6, "", "kernel.panic = 0", "a\r\nkernel.panic=1\r\n",
                          "x\n\(Self.begin)\nold\n\(Self.end)\ny\n\(Self.begin)\n\(Self.end)\nkernel/panic=0\n"]
            for input in inputs {
                let once = try Self.panic.apply(to: bytes(input))
                #expect(try Self.panic.apply(to: once) == once, "\(input.debugDescription)")
                #expect(Self.panic.isApplied(in: once))
            }
        }

        @Test func replacesExistingBlockInPlace() throws {
            let original = "a = 1\n\(Self.begin)\nkernel.panic = 10\nvm.x = 2\n\(Self.end)\nb = 2\n"
            let edited = try Self.panic.apply(to: bytes(original))
            #expect(edited == bytes("a = 1\n\(Self.begin)\nkernel.panic = 5\n\(Self.end)\nb = 2\n"))
        }

        @Test func keepsFirstBlockAndRemovesLaterOnes() throws {
            let original = "a\n\(Self.begin)\nold 1\n\(Self.end)\nb\n\(Self.begin)\nold 2\n\(Self.end)\nc\n"
            let edited = try Self.panic.apply(to: bytes(original))
            #expect(edited == bytes("a\n\(Self.begin)\nkernel.panic = 5\n\(Self.end)\nb\nc\n"))
        }

        @Test func commentsConflictsBeforeAndAfterTheBlock() throws {
            let original = """
            kernel.panic = 0
            kernel.panic_on_oops = 1
            \(Self.begin)
            kernel.panic = 5
            \(Self.end)
            # kernel.panic = 1
              kernel.panic=30

            """
            let edited = try Self.panic.apply(to: bytes(original))
            #expect(edited == bytes("""
            \(Self.note)kernel.panic = 0
            kernel.panic_on_oops = 1
            \(Self.begin)
            kernel.panic = 5
            \(Self.end)
            # kernel.panic = 1
            \(Self.note)  kernel.panic=30

            """))
            #expect(Self.rest(edited) == Self.rest(bytes(original)))
            #expect(!Self.panic.isApplied(in: bytes(original)))
            #expect(Self.panic.isApplied(in: edited))
        }

        @Test("sysctl spellings of the same key", arguments: [
            "kernel/panic=0", "-kernel.panic = 0", "  - kernel.panic\t=\t0", "kernel.panic=", "kernel.panic = 0 \t",
        ])
        func recognisesSysctlSpellings(line: String) throws {
            let edited = try Self.panic.apply(to: bytes("\(line)\n"))
            #expect(edited == bytes("\(Self.note)\(line)\n\(Self.begin)\nkernel.panic = 5\n\(Self.end)\n"))
        }

        @Test("not assignments of kernel.panic", arguments: [
            "kernel.panic_on_oops = 1", "; kernel.panic = 0", "#kernel.panic = 0", "kernel.panicky = 1",
            "xkernel.panic = 0", "kernel.panic", "kernel.sysrq = kernel.panic",
        ])
        func leavesOtherLinesAlone(line: String) throws {
            let edited = try Self.panic.apply(to: bytes("\(line)\n"))
            #expect(edited == bytes("\(line)\n\(Self.begin)\nkernel.panic = 5\n\(Self.end)\n"))
        }

        @Test func blockKeysInPathFormMatchToo() throws {
            let block = ManagedBlock(lines: ["kernel/panic = 5"], keys: ["kernel/panic"], syntax: .sysctl)
            let edited = try block.apply(to: bytes("kernel.panic = 0\n"))
            #expect(edited.starts(with: bytes("\(Self.note)kernel.panic = 0\n")))
        }

        @Test func alreadySupersededLineIsLeftAsIs() throws {
            let original = "\(Self.note)kernel.panic = 0\n\(Self.begin)\nkernel.panic = 5\n\(Self.end)\n"
            #expect(try Self.panic.apply(to: bytes(original)) == bytes(original))
            #expect(Self.panic.isApplied(in: bytes(original)))
        }

        @Test func crlfFileKeepsCRLF() throws {
            let original = "# comment\r\nkernel.panic = 0\r\nvm.swappiness = 10\r\n"
            let edited = try Self.panic.apply(to: bytes(original))
            #expect(edited == bytes("# comment\r\n\(Self.note)kernel.panic = 0\r\nvm.swappiness = 10\r\n"
                + "\(Self.begin)\r\nkernel.panic = 5\r\n\(Self.end)\r\n"))
            #expect(Self.rest(edited) == bytes(original))
        }

        @Test func mixedLineEndingsGetAnLFBlock() throws {
            let original = "a = 1\r\nb = 2\n"
            let edited = try Self.panic.apply(to: bytes(original))
            #expect(edited == bytes(original + "\(Self.begin)\nkernel.panic = 5\n\(Self.end)\n"))
        }

        @Test func nonUTF8BytesArePreserved() throws {
            // Latin-1 "é" (0xE9) in a comment, a lone continuation byte, and a conflicting line
            // carrying invalid bytes in its value.
            let original: [UInt8] = bytes("# caf") + [0xE9] + bytes("\nvm.x = ") + [0x80, 0xFF]
                + bytes("\nkernel.panic = 0 ") + [0xC3] + bytes("\n")
            let edited = try Self.panic.apply(to: original)
            let expected: [UInt8] = bytes("# caf") + [0xE9] + bytes("\nvm.x = ") + [0x80, 0xFF]
                + bytes("\n\(Self.note)kernel.panic = 0 ") + [0xC3] + bytes("\n")
                + bytes("\(Self.begin)\nkernel.panic = 5\n\(Self.end)\n")
            #expect(edited == expected)
            #expect(Self.rest(edited) == original)
            #expect(try Self.panic.apply(to: edited) == edited)
        }

        @Test func fileWithoutFinalNewline() throws {
            let edited = try Self.panic.apply(to: bytes("vm.x = 1"))
            #expect(edited == bytes("vm.x = 1\n\(Self.begin)\nkernel.panic = 5\n\(Self.end)\n"))
            let conflicting = try Self.panic.apply(to: bytes("kernel.panic = 0"))
            #expect(conflicting == bytes("\(Self.note)kernel.panic = 0\n\(Self.begin)\nkernel.panic = 5\n\(Self.end)\n"))
        }

        @Test func emptyFileGetsJustTheBlock() throws {
            #expect(try Self.panic.apply(to: []) == bytes("\(Self.begin)\nkernel.panic = 5\n\(Self.end)\n"))
            let empty = ManagedBlock(lines: [], keys: [], syntax: .sysctl)
            #expect(try empty.apply(to: []) == bytes("\(Self.begin)\n\(Self.end)\n"))
        }

        @Test func blockAtEndWithoutFinalNewlineIsCompleted() throws {
            let original = "a\n\(Self.begin)\nkernel.panic = 5\n\(Self.end)"
            #expect(!Self.panic.isApplied(in: bytes(original)))
            #expect(try Self.panic.apply(to: bytes(original)) == bytes(original + "\n"))
        }

        @Test func unterminatedBeginThrows() {
            let original = "a\nb\n\(Self.begin)\nkernel.panic = 5\n"
            #expect(throws: ManagedBlockError.unterminatedBlock(line: 3)) {
                try Self.panic.apply(to: bytes(original))
            }
            #expect(!Self.panic.isApplied(in: bytes(original)))
            #expect(ManagedBlockError.unterminatedBlock(line: 3).description
                .hasPrefix("line 3: \"# BEGIN kdumpbake managed block: do not edit, kdumpbake rewrites it\" has no matching END"))
            // A complete block followed by a stray BEGIN is still refused.
            let stray = "\(Self.begin)\n\(Self.end)\nx\n\(Self.begin)\n"
            #expect(throws: ManagedBlockError.unterminatedBlock(line: 4)) { try Self.panic.apply(to: bytes(stray)) }
        }

        @Test func markersMustBeExactLines() throws {
            // Indented or decorated markers are ordinary comments: a new block is appended.
            let original = "  \(Self.begin)\n\(Self.end) \n"
            let edited = try Self.panic.apply(to: bytes(original))
            #expect(edited == bytes(original + "\(Self.begin)\nkernel.panic = 5\n\(Self.end)\n"))
        }

        @Test func invalidBlockLinesThrow() {
            for lines in [["a\nb"], ["a\r"], [ManagedBlock.endMarker], ["x", ManagedBlock.beginMarker]] {
                let block = ManagedBlock(lines: lines, keys: [], syntax: .sysctl)
                #expect(throws: ManagedBlockError.self) { try block.apply(to: []) }
                #expect(!block.isApplied(in: []))
            }
        }

        @Test func isApplied() {
            let applied = "a\n\(Self.begin)\nkernel.panic = 5\n\(Self.end)\n"
            #expect(Self.panic.isApplied(in: bytes(applied)))
            #expect(!Self.panic.isApplied(in: bytes("a\n")))
            #expect(!Self.panic.isApplied(in: []))
            #expect(!Self.panic.isApplied(in: bytes("a\n\(Self.begin)\nkernel.panic = 10\n\(Self.end)\n")))
            #expect(!Self.panic.isApplied(in: bytes(applied + "kernel.panic = 0\n")))
            #expect(!Self.panic.isApplied(in: bytes(applied + applied)))
            #expect(Self.panic.isApplied(in: bytes(applied + "kernel.panic_on_oops = 1\n")))
        }
    }
}
