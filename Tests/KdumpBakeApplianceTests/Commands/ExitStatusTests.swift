import KdumpBakeCommandSupport
import KdumpBakeCore
import Testing

/// The exit status of a run over many images, computed in the one place every command uses
/// (`FailureClass`): the README's "Exit status" table, from reports alone (no appliance).
@Suite struct ExitStatusTests {
    static func image(_ path: String, _ findings: [(CheckID, FindingStatus)]) -> ImageReport {
        ImageReport(path: path, findings: findings.map { Finding(check: $0.0, status: $0.1, message: "msg") })
    }
    static let compliant = image("/images/good.vhd", [(.vhdFormat, .pass), (.osSupported, .pass), (.kdumpInitrd, .warn), (.kdumpInitrdModules, .skip)])
    static let failing = image("/images/bad.qcow2", [(.vhdFormat, .skip), (.sysctlKernelPanic, .fail)])
    static let broken = image("/images/broken.raw", [(.imageOpen, .error)])

    func auditStatus(_ images: [ImageReport]) -> Int32 {
        FailureClass.exitStatus(for: FailureClass.verdict(of: AuditDocument(images: images)))
    }

    func patchStatus(_ statuses: [PatchReport.Status]) -> Int32 {
        FailureClass.exitStatus(for: FailureClass.verdict(of: statuses.map { PatchReport(path: "/i", status: $0, message: "") }))
    }

    @Test func auditWorstImageDecides() {
        #expect(auditStatus([Self.compliant]) == 0)
        #expect(auditStatus([]) == 0)
        #expect(auditStatus([Self.compliant, Self.failing]) == 1)
        #expect(auditStatus([Self.compliant, Self.broken]) == 2)
        #expect(auditStatus([Self.failing, Self.broken]) == 2)
        // warn and skip alone never fail an image.
        #expect(auditStatus([Self.image("/w", [(.kdumpInitrd, .warn), (.kdumpInitrdModules, .skip)])]) == 0)
    }

    @Test func patchWorstImageDecides() {
        #expect(patchStatus([.patched, .alreadyCompliant, .skipped]) == 0)
        #expect(patchStatus([.patched, .failed]) == 1)
        #expect(patchStatus([.failed, .invalid]) == 2)
        #expect(patchStatus([]) == 0)
    }

    @Test func classesMapToTheDocumentedStatuses() {
        #expect(FailureClass.exitStatus(for: nil) == 0)
        #expect(FailureClass.exitStatus(for: .guest) == 1)
        #expect(FailureClass.exitStatus(for: .internal) == 1)
        #expect(FailureClass.exitStatus(for: .input) == 2)
        #expect(FailureClass.exitStatus(for: .environment) == 2)
    }
}
