import KdumpBakeCore

/// The class of a run's result over many images: the worst image decides, an image that could
/// not be processed before one that was found or left non-compliant.
extension FailureClass {
    /// An audit: an image that could not be audited is `input`, a non-compliant one `guest`;
    /// nil when every image is compliant.
    package static func verdict(of audit: AuditDocument) -> FailureClass? {
        if audit.summary.errors > 0 { return .input }
        return audit.summary.nonCompliant > 0 ? .guest : nil
    }

    /// A patch: an image refused as it is (`invalid`) is `input`, one whose patch failed inside
    /// the guest `guest`; nil when every image was patched, already compliant or skipped.
    package static func verdict(of patch: [PatchReport]) -> FailureClass? {
        if patch.contains(where: { $0.status == .invalid }) { return .input }
        return patch.contains { $0.status == .failed } ? .guest : nil
    }
}
