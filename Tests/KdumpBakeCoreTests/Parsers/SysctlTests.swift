import KdumpBakeCore
import Testing

extension Parsers {
    @Suite("sysctl")
    struct SysctlTests {
        @Test func parsesAssignments() {
            let list = SysctlConf.parse("""
            # comment
            ; also a comment
            kernel.panic = 10
              kernel/sysrq=1
            -kernel.panic_on_oops = 1
            no equals sign here
             = orphan value
            vm.swappiness =
            net/ipv4/conf/eth0.100/forwarding = 1\r
            kernel.panic = 20 # not a comment
            """, file: "/etc/sysctl.conf")
            #expect(list.map(\.key) == ["kernel.panic", "kernel.sysrq", "kernel.panic_on_oops", "vm.swappiness",
                                        "net.ipv4.conf.eth0/100.forwarding", "kernel.panic"])
            #expect(list.map(\.value) == ["10", "1", "1", "", "1", "20 # not a comment"])
            #expect(list.map(\.line) == [3, 4, 5, 8, 9, 10])
            #expect(list.allSatisfy { $0.file == "/etc/sysctl.conf" })
        }

        @Test func invalidUTF8AndEmpty() {
            #expect(SysctlConf.parse(bytes: [0xFF, 0x3D, 0x31, 0x0A] + Array("kernel.panic=5".utf8), file: "f").map(\.value) == ["1", "5"])
            #expect(SysctlConf.parse("", file: "f").isEmpty)
            #expect(SysctlConf.parse("=\n-\n-=1\n", file: "f").isEmpty)
        }

        @Test func el6UsesOnlySysctlConf() {
            let sources = [
                SysctlSource(path: "/etc/sysctl.conf", contents: "kernel.panic = 0\nkernel.panic = 10\n"),
                SysctlSource(path: "/etc/sysctl.d/99-x.conf", contents: "kernel.panic = 99\n"),
            ]
            let winner = SysctlPrecedence.effective("kernel.panic", in: sources, family: .el6)
            #expect(winner == SysctlAssignment(key: "kernel.panic", value: "10", file: "/etc/sysctl.conf", line: 2))
            #expect(SysctlPrecedence.orderedFiles(sources, family: .el6).map(\.path) == ["/etc/sysctl.conf"])
            #expect(SysctlPrecedence.searchDirectories(.el6).isEmpty)
            #expect(SysctlPrecedence.effective("kernel.panic", in: [], family: .el6) == nil)
        }

        @Test func el7LexicalOrderAndMasking() {
            let sources = [
                SysctlSource(path: "/usr/lib/sysctl.d/50-default.conf", contents: "kernel.panic = 1\nkernel.sysrq = 16\n"),
                SysctlSource(path: "/usr/lib/sysctl.d/60-vendor.conf", contents: "kernel.panic = 2\n"),
                SysctlSource(path: "/etc/sysctl.d/60-vendor.conf", contents: "kernel.panic = 3\n"),
                SysctlSource(path: "/run/sysctl.d/10-run.conf", contents: "kernel.panic = 4\n"),
                SysctlSource(path: "/etc/sysctl.d/50-default.conf", contents: nil, isMasked: true),
                SysctlSource(path: "/etc/sysctl.d/README", contents: "kernel.panic = 5\n"),
                SysctlSource(path: "/etc/sysctl.d/sub/70.conf", contents: "kernel.panic = 6\n"),
            ]
            #expect(SysctlPrecedence.orderedFiles(sources, family: .el7).map(\.path) == ["/run/sysctl.d/10-run.conf", "/etc/sysctl.d/60-vendor.conf"])
            #expect(SysctlPrecedence.effective("kernel.panic", in: sources, family: .el7)?.value == "3")
            // The masked file contributes nothing, and hides the /usr/lib file of the same name.
            #expect(SysctlPrecedence.effective("kernel.sysrq", in: sources, family: .el7) == nil)
        }

        @Test func centos7SymlinkNamesTheFileThroughWhichTheValueWasSet() {
            let sysctlConf = "kernel.panic = 10\n"
            let sources = [
                SysctlSource(path: "/usr/lib/sysctl.d/50-default.conf", contents: "kernel.panic = 0\n"),
                SysctlSource(path: "/etc/sysctl.d/99-sysctl.conf", contents: sysctlConf),
                SysctlSource(path: "/etc/sysctl.conf", contents: sysctlConf),
            ]
            let winner = SysctlPrecedence.effective("kernel/panic", in: sources, family: .el7)
            #expect(winner == SysctlAssignment(key: "kernel.panic", value: "10", file: "/etc/sysctl.d/99-sysctl.conf", line: 1))
        }

        @Test func bootIgnoresSysctlConfWithoutTheSymlinkButProcpsDoesNot() {
            let sources = [
                SysctlSource(path: "/usr/lib/sysctl.d/50-default.conf", contents: "kernel.panic = 0\n"),
                SysctlSource(path: "/etc/sysctl.conf", contents: "kernel.panic = 10\n"),
            ]
            #expect(SysctlPrecedence.effective("kernel.panic", in: sources, family: .el8)?.file == "/usr/lib/sysctl.d/50-default.conf")
            let procps = SysctlPrecedence.effective("kernel.panic", in: sources, family: .el8, applier: .procpsSystem)
            #expect(procps?.file == "/etc/sysctl.conf")
            #expect(procps?.value == "10")
        }

        @Test func laterFileWinsOverSymlinkedSysctlConfAtBoot() {
            let sources = [
                SysctlSource(path: "/etc/sysctl.d/99-sysctl.conf", contents: "kernel.panic = 10\n"),
                SysctlSource(path: "/etc/sysctl.d/99-zz-tuning.conf", contents: "kernel.panic = 0\n"),
                SysctlSource(path: "/etc/sysctl.conf", contents: "kernel.panic = 10\n"),
            ]
            #expect(SysctlPrecedence.effective("kernel.panic", in: sources, family: .el7)?.value == "0")
            #expect(SysctlPrecedence.effective("kernel.panic", in: sources, family: .el7, applier: .procpsSystem)?.value == "10")
        }

        @Test func pathsAreNormalisedAndUnreadableWinnersKept() {
            let sources = [
                SysctlSource(path: "/etc//sysctl.d/", contents: "kernel.panic = 1\n"),
                SysctlSource(path: "/etc//sysctl.d//80-a.conf", contents: nil),
                SysctlSource(path: "relative.conf", contents: "kernel.panic = 2\n"),
                SysctlSource(path: "/usr/lib/sysctl.d/.conf", contents: "kernel.panic = 3\n"),
                SysctlSource(path: "", contents: "kernel.panic = 4\n"),
            ]
            let ordered = SysctlPrecedence.orderedFiles(sources, family: .el7)
            #expect(ordered.map(\.path) == ["/etc//sysctl.d//80-a.conf"])
            #expect(SysctlPrecedence.effective("kernel.panic", in: sources, family: .el7) == nil)
        }

        @Test func searchDirectoriesInPriorityOrder() {
            #expect(SysctlPrecedence.searchDirectories(.el7) == ["/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d"])
            #expect(SysctlPrecedence.searchDirectories(.el8) == SysctlPrecedence.searchDirectories(.el7))
        }
    }
}
