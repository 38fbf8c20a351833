import Testing

/// Namespace for the managed-block and unified-diff tests, so `swift test --filter PatchText`
/// selects exactly them (the filter matches `KdumpBakeCoreTests.PatchText/…`).
@Suite("PatchText") enum PatchText {}

extension PatchText {
    /// The UTF-8 bytes of `text`; tests state files as text and compare bytes.
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}
