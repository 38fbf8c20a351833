import Foundation

/// Files of this repository that tests read (the built-in manifest, the Packer example), found
/// from this file's own place rather than from each test's, so moving a test file never breaks
/// a path. This file is `<root>/Tests/TestSupport/Repository.swift`.
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The absolute path of `relative` (say `Templates/manifest.yaml`) in the repository.
    public static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).standardized.path
    }
}
