@testable import KdumpBakeCore
import Testing

extension Checks {
    @Suite("sysctl.kernel_panic")
    struct SysctlCheckTests {
        @Test func el6AbsentMeansKernelDefaultZero() {
            let finding = SysctlCheck.run(Fixture.el6.file("/etc/sysctl.conf", "kernel.sysrq = 0\n").context("el6-hyperv"))
            #expect(finding.check.rawValue == "sysctl.kernel_panic")
            #expect(finding.status == .fail)
            #expect(finding.actual == "0 (kernel default)")
            #expect(finding.expected == "5")
            #expect(finding.path == "/etc/sysctl.conf")
            #expect(finding.message.contains("kernel.panic is not set"))
            #expect(finding.message.contains("never reboots"))
        }

        @Test func el6MissingSysctlConf() {
            let finding = SysctlCheck.run(Fixture.el6.without("/etc/sysctl.conf").context("el6-hyperv"))
            #expect(finding.status == .fail)
            #expect(finding.actual == "0 (kernel default)")
        }

        @Test func el6LastAssignmentWins() {
            let zeroLast = SysctlCheck.run(Fixture.el6.file("/etc/sysctl.conf", "kernel.panic = 5\nkernel.panic = 0\n").context("el6-hyperv"))
            #expect(zeroLast.status == .fail)
            #expect(zeroLast.actual == "0")
            #expect(zeroLast.message == "kernel.panic = 0 (set at /etc/sysctl.conf:2), expected 5")

            let fiveLast = SysctlCheck.run(Fixture.el6.file("/etc/sysctl.conf", "kernel.panic = 0\n# later\nkernel/panic=5\n").context("el6-hyperv"))
            #expect(fiveLast.status == .pass)
            #expect(fiveLast.actual == "5")
            #expect(fiveLast.message == "kernel.panic = 5 (set at /etc/sysctl.conf:3)")
            #expect(fiveLast.path == "/etc/sysctl.conf")
        }

        @Test func el6WrongValue() {
            let finding = SysctlCheck.run(Fixture.el6.file("/etc/sysctl.conf", "kernel.panic = 10\n").context("el6-hyperv"))
            #expect(finding.status == .fail)
            #expect(finding.message.contains("kernel.panic = 10"))
            #expect(finding.message.contains("expected 5"))
        }

        @Test func el6IgnoresSysctlD() {
            // el6 has no systemd-sysctl: /etc/sysctl.d does not count.
            let facts = Fixture.el6.file("/etc/sysctl.conf", "kernel.sysrq = 0\n").file("/etc/sysctl.d/90-panic.conf", "kernel.panic = 5\n")
            let finding = SysctlCheck.run(facts.context("el6-hyperv"))
            #expect(finding.status == .fail)
            #expect(finding.actual == "0 (kernel default)")
        }

        @Test func el7ValueInSysctlD() {
            let facts = FactsBuilder.el7().file("/etc/sysctl.d/90-x.conf", "# panic\nkernel.panic = 5\n")
            let finding = SysctlCheck.run(facts.context("el7-azure"))
            #expect(finding.status == .pass)
            #expect(finding.message == "kernel.panic = 5 (set at /etc/sysctl.d/90-x.conf:2)")
            #expect(finding.path == "/etc/sysctl.d/90-x.conf")
        }

        @Test func el7SysctlConfThroughTheCentOSSymlink() {
            let text = "# sysctl settings\nkernel.sysrq = 0\nkernel.panic = 5\n"
            let facts = FactsBuilder.el7()
                .file("/etc/sysctl.conf", text)
                // What the reader records for CentOS 7's 99-sysctl.conf -> ../sysctl.conf: the link's path, resolved.
                .file("/etc/sysctl.d/99-sysctl.conf", text, resolvedPath: "/etc/sysctl.conf")
                .file("/usr/lib/sysctl.d/50-default.conf", "kernel.sysrq = 16\n")
            let finding = SysctlCheck.run(facts.context("el7-azure"))
            #expect(finding.status == .pass)
            #expect(finding.message == "kernel.panic = 5 (set at /etc/sysctl.d/99-sysctl.conf:3)")
            #expect(finding.path == "/etc/sysctl.d/99-sysctl.conf")
        }

        @Test func el7SysctlConfWithoutTheSymlinkIsNotAppliedAtBoot() {
            // systemd-sysctl (el7+) reads only sysctl.d; /etc/sysctl.conf counts only through 99-sysctl.conf.
            let facts = FactsBuilder.el7().file("/etc/sysctl.conf", "kernel.panic = 5\n")
            let finding = SysctlCheck.run(facts.context("el7-azure"))
            #expect(finding.status == .fail)
            #expect(finding.actual == "0 (kernel default)")
            #expect(finding.path == "/etc/sysctl.d")
        }

        @Test func el7LaterFileNameWinsAcrossDirectories() {
            let facts = FactsBuilder.el7()
                .file("/etc/sysctl.d/90-panic.conf", "kernel.panic = 5\n")
                .file("/usr/lib/sysctl.d/95-vendor.conf", "kernel.panic = 0\n")
            let finding = SysctlCheck.run(facts.context("el7-azure"))
            #expect(finding.status == .fail)
            #expect(finding.message == "kernel.panic = 0 (set at /usr/lib/sysctl.d/95-vendor.conf:1), expected 5")
        }

        @Test func el7EtcOverridesSameNamedVendorFile() {
            let facts = FactsBuilder.el7()
                .file("/usr/lib/sysctl.d/90-panic.conf", "kernel.panic = 0\n")
                .file("/etc/sysctl.d/90-panic.conf", "kernel.panic = 5\n")
            let finding = SysctlCheck.run(facts.context("el7-azure"))
            #expect(finding.status == .pass)
            #expect(finding.path == "/etc/sysctl.d/90-panic.conf")
        }

        @Test func maskedFileDoesNotCount() {
            // The /etc mask hides the vendor file of the same name; nothing else sets kernel.panic.
            let facts = FactsBuilder.el7()
                .file("/usr/lib/sysctl.d/90-panic.conf", "kernel.panic = 5\n")
                .file("/etc/sysctl.d/90-panic.conf", state: .masked, resolvedPath: "/dev/null")
            let finding = SysctlCheck.run(facts.context("el7-azure"))
            #expect(finding.status == .fail)
            #expect(finding.actual == "0 (kernel default)")
            #expect(finding.message.contains("not set"))

            let el6 = Fixture.el6.file("/etc/sysctl.conf", state: .masked, resolvedPath: "/dev/null")
            #expect(SysctlCheck.run(el6.context("el6-hyperv")).status == .fail)
        }

        @Test func nonNumericValueFails() {
            // No trailing comments in sysctl files: the value is "10 # reboot", which the kernel rejects.
            let facts = Fixture.el6.file("/etc/sysctl.conf", "kernel.panic = 10 # reboot\n")
            let finding = SysctlCheck.run(facts.context("el6-hyperv"))
            #expect(finding.status == .fail)
            #expect(finding.actual == "10 # reboot")
            #expect(finding.message == "kernel.panic = \"10 # reboot\" at /etc/sysctl.conf:1 is not a number")
        }

        @Test func positivePolicyAcceptsAnyPositiveValue() {
            let profile = Profiles.named("el7-azure") { $0.values.panicTimeoutPolicy = .positive }
            let ten = SysctlCheck.run(FactsBuilder.el7().file("/etc/sysctl.d/90-x.conf", "kernel.panic = 10\n").context(profile))
            #expect(ten.status == .pass)
            #expect(ten.expected == "> 0")
            #expect(ten.message == "kernel.panic = 10 (set at /etc/sysctl.d/90-x.conf:1)")

            let zero = SysctlCheck.run(FactsBuilder.el7().file("/etc/sysctl.d/90-x.conf", "kernel.panic = 0\n").context(profile))
            #expect(zero.status == .fail)
            #expect(zero.message.hasSuffix("expected > 0"))

            let unset = SysctlCheck.run(FactsBuilder.el7().context(profile))
            #expect(unset.status == .fail)
            #expect(unset.expected == "> 0")
        }

        @Test func exactPolicyRejectsOtherPositiveValues() {
            let finding = SysctlCheck.run(FactsBuilder.el7().file("/etc/sysctl.d/90-x.conf", "kernel.panic = 10\n").context("el7-azure"))
            #expect(finding.status == .fail)
            #expect(finding.expected == "5")
        }

        @Test func skippedWithoutPanicTimeout() {
            let profile = Profiles.named("el7-azure") { $0.values.panicTimeout = nil }
            let finding = SysctlCheck.run(FactsBuilder.el7().context(profile))
            #expect(finding.status == .skip)
            #expect(finding.message.contains("no panic_timeout"))
        }
    }
}
