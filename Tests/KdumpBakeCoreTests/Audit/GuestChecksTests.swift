import Foundation
@testable import KdumpBakeCore
import Testing

extension Checks {
    @Suite("GuestChecks")
    struct GuestChecksTests {
        @Test func runsEveryGuestCheckInReportOrder() {
            let findings = GuestChecks.run(Fixture.el6.context("el6-hyperv"))
            #expect(findings.map(\.check) == CheckID.guestChecks)
            #expect(findings.map(\.check.rawValue) == ["sysctl.kernel_panic", "kdump.installed", "kdump.config", "kdump.initrd",
                                              "kdump.initrd_modules", "boot.crashkernel", "kdump.enabled"])
        }

        @Test(arguments: [
            ("el6-hyperv", Fixture.el6),
            ("el7-azure", Fixture.el7),
            ("el8-azure", Fixture.el8),
        ])
        func compliantGuestsPassEverything(profile: String, facts: FactsBuilder) {
            let findings = GuestChecks.run(facts.context(profile))
            for finding in findings {
                #expect(finding.status == .pass, "\(profile) \(finding.check): \(finding.message)")
            }
            #expect(ImageReport(path: "x.vhd", findings: findings).compliant)
        }

        @Test func emptyGuestFailsWithoutCrashing() {
            let findings = GuestChecks.run(FactsBuilder.el7().context("el7-azure"))
            #expect(findings.count == 7)
            let byCheck = Dictionary(uniqueKeysWithValues: findings.map { ($0.check.rawValue, $0.status) })
            #expect(byCheck == [
                "sysctl.kernel_panic": .fail, "kdump.installed": .fail, "kdump.config": .fail, "kdump.initrd": .fail,
                "kdump.initrd_modules": .skip, "boot.crashkernel": .fail, "kdump.enabled": .fail,
            ])
        }

        @Test func notRunCoversTheSameChecks() {
            let findings = GuestChecks.notRun(.skip, because: "not audited")
            #expect(findings.map(\.check) == CheckID.guestChecks)
            #expect(findings.allSatisfy { $0.status == .skip && $0.message == "not audited" })
        }

        @Test func checkIDsAreTheTextReportsWrite() {
            // Pipelines match on these: a rename here is a breaking change of every report.
            #expect(CheckID.allCases.map(\.rawValue) == [
                "image.open", "vhd.format", "os.supported", "sysctl.kernel_panic", "kdump.installed", "kdump.config",
                "kdump.initrd", "kdump.initrd_modules", "boot.crashkernel", "kdump.enabled", "patch",
            ])
            #expect(CheckID.audit.map(\.rawValue) == [
                "vhd.format", "os.supported", "sysctl.kernel_panic", "kdump.installed", "kdump.config",
                "kdump.initrd", "kdump.initrd_modules", "boot.crashkernel", "kdump.enabled",
            ])
            #expect(Array(CheckID.audit.dropFirst(2)) == CheckID.guestChecks)
            // Interpolated (messages, the patch error's text), an id reads as the reports write it.
            #expect("\(CheckID.kdumpInitrdModules)" == "kdump.initrd_modules")
        }

        @Test func compliance() {
            let pass = Finding(check: .vhdFormat, status: .pass, message: "")
            let warn = Finding(check: .osSupported, status: .warn, message: "")
            let skip = Finding(check: .kdumpInitrd, status: .skip, message: "")
            let fail = Finding(check: .kdumpConfig, status: .fail, message: "")
            let error = Finding(check: .imageOpen, status: .error, message: "")
            #expect(ImageReport(path: "i", findings: [pass, warn, skip]).compliant)
            #expect(!ImageReport(path: "i", findings: [pass, warn, skip]).hasErrors)
            #expect(!ImageReport(path: "i", findings: [pass, fail, warn]).compliant)
            #expect(!ImageReport(path: "i", findings: [pass, error]).compliant)
            #expect(ImageReport(path: "i", findings: [pass, error]).hasErrors)
            #expect(ImageReport(path: "i", findings: []).compliant)
            #expect(FindingStatus.allCases.filter(\.breaksCompliance) == [.fail, .error])
        }

        @Test func selectedKernels() {
            let older = "3.10.0-1127.el7.x86_64"
            let facts = Fixture.el7.kernels(older, Fixture.el7Kernel)
            #expect(facts.context("el7-azure").selectedKernels == [older, Fixture.el7Kernel])
            let onlyDefault = Profiles.named("el7-azure") { $0.kernels = .default }
            #expect(facts.context(onlyDefault).selectedKernels == [Fixture.el7Kernel])
            // A default entry whose kernel is not installed: fall back to every kernel.
            let stray = facts.file("/boot/grub2/grubenv", Fixture.grubEnv(["saved_entry=gnulinux-0-rescue-abc-advanced-1234"]))
            #expect(stray.context(onlyDefault).selectedKernels == [older, Fixture.el7Kernel])
        }
    }

    @Suite("ReleaseFiles and fstab")
    struct ReleaseFilesTests {
        @Test(arguments: [
            ("CentOS release 6.4 (Final)\n", "centos", 6, 4),
            ("CentOS release 6.0 (Final)", "centos", 6, 0),
            ("CentOS Linux release 7.9.2009 (Core)\n", "centos", 7, 9),
            ("Red Hat Enterprise Linux Server release 7.9 (Maipo)\n", "rhel", 7, 9),
            ("Red Hat Enterprise Linux release 8.8 (Ootpa)\n", "rhel", 8, 8),
            ("Rocky Linux release 8.8 (Green Obsidian)\n", "rocky", 8, 8),
            ("Rocky Linux release 9.3 (Blue Onyx)\n", "rocky", 9, 3),
            ("AlmaLinux release 8.9 (Midnight Oncilla)\n", "almalinux", 8, 9),
            ("AlmaLinux release 9.2 (Turquoise Kodkod)\n", "almalinux", 9, 2),
            ("Oracle Linux Server release 8.7\n", "oraclelinux", 8, 7),
            ("Oracle Linux Server release 9.1\n", "oraclelinux", 9, 1),
            ("Scientific Linux release 6.10 (Carbon)\n", "scientificlinux", 6, 10),
            ("CentOS Stream release 9\n", "centos", 9, 0),
        ])
        func redHatRelease(text: String, distro: String, major: Int, minor: Int) {
            let identity = ReleaseFiles.parseRedHatRelease(text)
            #expect(identity?.distro == distro)
            #expect(identity?.version == DistroVersion(major, minor))
            #expect(identity?.productName == text.trimmingCharacters(in: .newlines))
        }

        @Test(arguments: ["", "\n", "hello world", "Debian GNU/Linux 12", "CentOS without a version", "CentOS release x.y (Final)",
                          "Fedora", String(repeating: "CentOS release 7.9 ", count: 40)])
        func garbageIsNil(text: String) {
            #expect(ReleaseFiles.parseRedHatRelease(text) == nil)
            #expect(ReleaseFiles.identify(redhatRelease: text, osRelease: nil) == nil)
        }

        @Test func osReleaseOnly() {
            let el7 = ReleaseFiles.identify(redhatRelease: nil, osRelease: """
                NAME="CentOS Linux"
                VERSION="7 (Core)"
                ID="centos"
                ID_LIKE="rhel fedora"
                VERSION_ID="7"
                PRETTY_NAME="CentOS Linux 7 (Core)"

                """)
            #expect(el7?.distro == "centos")
            #expect(el7?.version == DistroVersion(7, 0))
            #expect(el7?.productName == "CentOS Linux 7 (Core)")

            let oracle = ReleaseFiles.parseOSRelease("ID=\"ol\"\nVERSION_ID=\"8.7\"\n")
            #expect(oracle?.distro == "oraclelinux")
            #expect(oracle?.version == DistroVersion(8, 7))
            #expect(oracle?.productName == "ol")

            #expect(ReleaseFiles.parseOSRelease("ID=rocky\nVERSION_ID=9.3\n")?.version == DistroVersion(9, 3))
            #expect(ReleaseFiles.parseOSRelease("NAME=x\nVERSION_ID=7\n") == nil)
            #expect(ReleaseFiles.parseOSRelease("garbage") == nil)
        }

        /// Reports show the version as the guest writes it (`22.04`, not `22.4`); matching compares
        /// the release line, so `22.04` is still 22.4 to a range.
        @Test func versionsAreShownAsWritten() {
            let jammy = ReleaseFiles.parseOSRelease("ID=ubuntu\nVERSION_ID=\"22.04\"\n")
            #expect(jammy?.version.description == "22.04")
            #expect(jammy?.version == DistroVersion(22, 4))
            #expect(VersionRange(parsing: ">=22.4, <24")?.contains(jammy!.version) == true)
            #expect(ReleaseFiles.parseOSRelease("ID=debian\nVERSION_ID=\"12\"\n")?.version.description == "12")
            #expect(ReleaseFiles.parseRedHatRelease("CentOS Linux release 7.9.2009 (Core)")?.version.description == "7.9")
            #expect(ReleaseFiles.parseRedHatRelease("CentOS Stream release 9")?.version.description == "9")
            // Guest text that is not a plain version is not echoed: major.minor stands in.
            #expect(ReleaseFiles.parseOSRelease("ID=x\nVERSION_ID=\"12 (evil\u{1B}[31m)\"\n")?.version.description == "0.0")
            #expect(ReleaseFiles.parseOSRelease("ID=x\nVERSION_ID=\"12.\(String(repeating: "0", count: 40))\"\n")?.version.description == "12.0")
        }

        @Test func redHatReleaseWinsForItsMinorVersion() {
            let identity = ReleaseFiles.identify(redhatRelease: "CentOS Linux release 7.9.2009 (Core)\n", osRelease: "ID=centos\nVERSION_ID=7\n")
            #expect(identity?.version == DistroVersion(7, 9))
            // An unparseable release file falls back to os-release.
            let fallback = ReleaseFiles.identify(redhatRelease: "garbage", osRelease: "ID=almalinux\nVERSION_ID=\"9.2\"\n")
            #expect(fallback?.distro == "almalinux")
            #expect(fallback?.version == DistroVersion(9, 2))
        }

        @Test func fstab() {
            let entries = FstabEntry.parse("""
                #
                # /etc/fstab
                # Created by anaconda
                UUID=1234-abcd /                       xfs     defaults        0 0
                UUID=5678 /boot ext4 defaults,nodev 1 2   # boot
                /dev/mapper/rl-swap     swap    swap    defaults        0 0
                tmpfs /dev/shm tmpfs
                short line
                   # indented comment
                \t/dev/sdb1\t/data\text4\tnoatime\t0 0
                /dev/sdc1 /x#y ext4
                """)
            #expect(entries.map(\.spec) == ["UUID=1234-abcd", "UUID=5678", "/dev/mapper/rl-swap", "tmpfs", "/dev/sdb1"])
            #expect(entries.map(\.mountpoint) == ["/", "/boot", "swap", "/dev/shm", "/data"])
            #expect(entries.map(\.type) == ["xfs", "ext4", "swap", "tmpfs", "ext4"])
            #expect(entries.map(\.options) == ["defaults", "defaults,nodev", "defaults", "defaults", "noatime"])
            #expect(FstabEntry.parse("").isEmpty)
        }
    }
}
