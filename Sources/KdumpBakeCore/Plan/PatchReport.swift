import Foundation

/// What happened to one image in `kdumpbake patch`.
public struct PatchReport: Encodable, Sendable {
    public enum Status: String, Encodable, Sendable {
        /// Changed and verified; the new bytes are in place (`output` says where).
        case patched
        /// The audit already passed: nothing was written.
        case alreadyCompliant = "already-compliant"
        /// Dry run: what would change is in `diff` and `commands`; nothing was written.
        case wouldPatch = "would-patch"
        /// No profile matches and the manifest says `unmatched: skip`.
        case skipped
        /// A step or the verification failed: the image is byte-identical to before.
        case failed
        /// The image could not be opened or is not patchable as it is (exit 2).
        case invalid
    }

    public var path: String
    /// Where the patched image is: the same path with --in-place, a new file with --output.
    public var output: String?
    public var status: Status
    public var message: String
    public var profile: String?
    /// Files written (with their strategy) and guest commands run, in order.
    public var changes: [String] = []
    /// Unified diffs of every file the patch writes (or, in a dry run, would write).
    public var diff: String?
    public var notes: [String] = []
    /// How each kdump initrd build ended (exit status, seconds, the end of its output), in the
    /// plan's order; empty when nothing was built.
    public var rebuilds: [InitrdRebuildResult] = []
    /// The verifying audit after patching (or the audit that found the image compliant).
    public var findings: [Finding] = []

    public init(path: String, output: String? = nil, status: Status, message: String, profile: String? = nil) {
        self.path = path
        self.output = output
        self.status = status
        self.message = message
        self.profile = profile
    }
}

extension PatchPlan {
    /// The report's `changes`: one line per operation, in the order they run.
    package var descriptions: [String] { operations.map(\.reportLine) }

    /// The report's `diff`: the unified diff of every file write, in the order they run.
    package var diff: String { operations.compactMap(\.diff).joined() }
}

/// Quotes words for *display* (dry-run output, reports). Nothing kdumpbake runs goes through a shell.
enum ShellQuoting {
    static func quote(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_./=:,+@".unicodeScalars.contains($0)) }
        return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
