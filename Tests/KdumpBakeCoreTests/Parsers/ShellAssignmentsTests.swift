import KdumpBakeCore
import Testing

extension Parsers {
    @Suite("shell assignments")
    struct ShellAssignmentsTests {
        @Test func sysconfigKdump() {
            let file = ShellAssignments.parse("""
            # Kernel Version string for the -kdump kernel
            KDUMP_KERNELVER=""
            KDUMP_COMMANDLINE_REMOVE="hugepages hugepagesz slub_debug quiet"
            KDUMP_COMMANDLINE_APPEND="irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=off numa=off udev.children-max=2 panic=10"
            KEXEC_ARGS="--elf32-core-headers"
            KDUMP_IMG=vmlinuz
            export KDUMP_IMG_EXT='.img'  # comment
            """)
            #expect(file.value("KDUMP_KERNELVER") == "")
            #expect(file.value("KDUMP_COMMANDLINE_APPEND")?.hasSuffix("panic=10") == true)
            #expect(file["KDUMP_COMMANDLINE_APPEND"]?.line == 4)
            #expect(file.value("KDUMP_IMG") == "vmlinuz")
            #expect(file.value("KDUMP_IMG_EXT") == ".img")
            #expect(file["KDUMP_IMG_EXT"]?.line == 7)
            #expect(file.value("MISSING") == nil)
            #expect(file.assignments.count == 6)
        }

        @Test func lastAssignmentWins() {
            let file = ShellAssignments.parse("A=1\nA=2\nB=x\nA=3\n")
            #expect(file.value("A") == "3")
            #expect(file["A"]?.line == 4)
            #expect(file.effective.count == 2)
            #expect(file.assignments.filter { $0.name == "A" }.count == 3)
        }

        @Test func quotingAndEscapes() {
            let file = ShellAssignments.parse(#"""
            A="a \"b\" \$c"
            B='single $literal "x"'
            C=x"y z"'w'
            D=a\ b
            E=value#hash
            F=#notcomment
            G=unquoted trailing words
            """#)
            #expect(file.value("A") == #"a "b" $c"#)
            #expect(file["A"]?.hasExpansion == false)
            #expect(file.value("B") == #"single $literal "x""#)
            #expect(file["B"]?.hasExpansion == false)
            #expect(file.value("C") == "xy zw")
            #expect(file.value("D") == "a b")
            #expect(file.value("E") == "value#hash")
            #expect(file.value("F") == "#notcomment")
            #expect(file.value("G") == "unquoted")
        }

        @Test func expansionIsLeftLiteralAndReported() {
            let file = ShellAssignments.parse("""
            GRUB_DISTRIBUTOR="$(sed 's, release .*$,,g' /etc/system-release)"
            GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} crashkernel=auto"
            PLAIN="no expansion"
            """)
            #expect(file["GRUB_DISTRIBUTOR"]?.hasExpansion == true)
            #expect(file.value("GRUB_DISTRIBUTOR") == "$(sed 's, release .*$,,g' /etc/system-release)")
            #expect(file.value("GRUB_CMDLINE_LINUX") == "${GRUB_CMDLINE_LINUX} crashkernel=auto")
            #expect(file["GRUB_CMDLINE_LINUX"]?.hasExpansion == true)
            #expect(file["PLAIN"]?.hasExpansion == false)
        }

        @Test func multiLineQuotedValueKeepsLineNumbers() {
            let file = ShellAssignments.parse("A=\"one\ntwo\"\nB=3\r\nC='x\r\ny'\nD=4\n")
            #expect(file.value("A") == "one\ntwo")
            #expect(file["A"]?.line == 1)
            #expect(file.value("B") == "3")
            #expect(file["B"]?.line == 3)
            #expect(file["C"]?.line == 4)
            #expect(file["D"]?.line == 6)
            #expect(file.value("D") == "4")
        }

        @Test func nonAssignmentsAreSkipped() {
            let file = ShellAssignments.parse("""
            if [ -f /x ]; then
                INSIDE=1
            fi
            echo A=1
            1BAD=2
            export
            exportX=5
            NAME =6
            -X=1
            """)
            #expect(file.assignments.map(\.name) == ["INSIDE", "exportX"])
        }

        @Test func hostileInput() {
            #expect(ShellAssignments.parse("").assignments.isEmpty)
            #expect(ShellAssignments.parse("A=\"unterminated\nB=1\n").value("A") == "unterminated\nB=1\n")
            #expect(ShellAssignments.parse("A=\\").value("A") == "\\")
            #expect(ShellAssignments.parse("A=").value("A") == "")
            #expect(ShellAssignments.parse("export A").assignments.isEmpty)
            let bytes = Array("A=\"".utf8) + [0xFF, 0xFE] + Array("\"\n".utf8)
            #expect(ShellAssignments.parse(bytes: bytes).value("A") == "\u{FFFD}\u{FFFD}")
            let big = String(repeating: "A='", count: 20_000)
            #expect(ShellAssignments.parse(big).assignments.count == 1)
        }
    }
}
