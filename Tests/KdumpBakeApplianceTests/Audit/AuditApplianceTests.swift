import Foundation
import Guestfs
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages
import TestSupport
import Testing

/// The audit against real appliances. Stock look-alikes are non-compliant for the reasons a stock
/// CentOS image is; hand-edited ones are compliant; nothing is ever written to any image.
@Suite struct AuditApplianceTests {
    static let environment = ProcessInfo.processInfo.environment

    /// Seven images in one audit, hence one appliance.
    @Test func stockAndHandEditedImagesInOneAppliance() throws {
        let images = try [
            TestImageBuilder.image(.centos64, format: .raw),
            TestImageBuilder.image(.centos64, format: .vhd),
            TestImageBuilder.image(.centos79, format: .raw),
            TestImageBuilder.image(.centos79, format: .vhd),
            TestImageBuilder.image(CompliantRecipes.centos64, format: .vhd),
            TestImageBuilder.image(CompliantRecipes.centos79, format: .raw),
            TestImageBuilder.image(try CompliantRecipes.centos64UpdatedKexecTools(), format: .raw),
        ]
        let before = try images.map { try FileFingerprint($0.path) }
        var logged: [String] = []
        let reports = AuditRunner.audit(images.map(\.path), options: AuditOptions(manifest: .builtin(), launchPolicy: .fromEnvironment(Self.environment))) {
            logged.append($0)
        }
        #expect(try images.map { try FileFingerprint($0.path) } == before, "audit changed an image")
        #expect(!logged.contains { $0.contains("separate appliances") })
        try #require(reports.count == 7)

        func status(_ report: ImageReport, _ check: String) -> FindingStatus? {
            report.findings.first { $0.check.rawValue == check }?.status
        }
        for report in reports {
            #expect(report.findings.map(\.check) == CheckID.audit, "\(report.path)")
        }
        // Stock el6: kernel.panic unset and kdump.conf untouched; no kdump initrd yet.
        for report in reports[0...1] {
            #expect(report.profile == "el6-hyperv")
            #expect(report.os?.distro == "centos" && report.os?.version == "6.4" && report.os?.arch == "x86_64")
            #expect(!report.compliant)
            #expect(status(report, "sysctl.kernel_panic") == .fail)
            #expect(status(report, "kdump.config") == .fail)
            #expect(status(report, "kdump.installed") == .pass)
            #expect(status(report, "kdump.initrd") == .warn)
            #expect(status(report, "boot.crashkernel") == .pass)
            #expect(status(report, "kdump.enabled") == .pass)
        }
        #expect(status(reports[0], "vhd.format") == .skip)
        #expect(status(reports[1], "vhd.format") == .pass)
        // Stock el7: the same two failures, read through xfs and the usrmerge symlinks.
        for report in reports[2...3] {
            #expect(report.profile == "el7-azure")
            #expect(report.os?.version == "7.9")
            #expect(status(report, "sysctl.kernel_panic") == .fail)
            #expect(status(report, "kdump.config") == .fail)
            #expect(report.findings.first { $0.check.rawValue == "kdump.config" }?.message.contains("--add-drivers lacks hv_vmbus hv_storvsc") == true)
            #expect(status(report, "kdump.enabled") == .pass)
        }
        // Hand-edited: compliant, initrd modules read (the el7 one is xz behind early microcode).
        for report in reports[4...5] {
            let problems = report.findings.filter { $0.status != .pass && $0.status != .skip }
            #expect(report.compliant, "\(report.path): \(problems)")
            #expect(status(report, "kdump.initrd_modules") == .pass)
            #expect(status(report, "sysctl.kernel_panic") == .pass)
        }
        #expect(reports[5].findings.first { $0.check.rawValue == "sysctl.kernel_panic" }?.path == "/etc/sysctl.d/90-panic.conf")
        // Rules come from the guest's rpm database when it records kexec-tools, else from the distro version.
        #expect(reports[4].findings.first { $0.check.rawValue == "kdump.config" }?.rules?.hasPrefix("kexec-tools ≈2.0.0-258 as shipped with release 6.4") == true)
        let updated = reports[6]
        #expect(updated.compliant, "\(updated.findings.filter { $0.status.breaksCompliance })")
        #expect(updated.findings.first { $0.check.rawValue == "kdump.config" }?.rules == "kexec-tools 2.0.0-310 (from the guest's rpm database)")
    }
}
