import Foundation

/// The JSON report of `kdumpbake patch --format json`: `{tool, version, images: [...], summary}`.
public struct PatchDocument: Encodable, Sendable {
    public var tool = "kdumpbake"
    public var version = KdumpBakeVersion.current
    public var images: [PatchReport]
    public var summary: Summary

    public init(reports: [PatchReport]) {
        images = reports
        summary = Summary(reports)
    }

    public func json() -> String {
        String(decoding: JSONOutput.encode(self, pretty: true) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }
}

extension PatchDocument {
    /// `{"images": N, "patched": N, …}`: how many images, and how many ended with each status.
    /// A status no image ended with is left out, so the keys say at a glance what happened.
    public struct Summary: Encodable, Sendable, Equatable {
        public var images: Int
        public var statuses: [PatchReport.Status: Int]

        init(_ reports: [PatchReport]) {
            images = reports.count
            statuses = Dictionary(reports.map { ($0.status, 1) }, uniquingKeysWith: +)
        }

        /// How many images ended with `status`.
        public func count(_ status: PatchReport.Status) -> Int { statuses[status] ?? 0 }

        public func encode(to encoder: Encoder) throws {
            try FlatCounts(images: images, counts: statuses).encode(to: encoder)
        }
    }
}

/// The human report of `kdumpbake patch`: per image, its verdict, what changed, and diffs.
/// Every line quotes guest text (file names, kernel versions, file contents in the diffs), so
/// all of it goes through `TerminalText` — diffs keeping their line breaks.
public enum PatchTextReport {
    public static func render(_ reports: [PatchReport]) -> String {
        var out = ""
        func line(_ text: String) { out += TerminalText.escape(text) + "\n" }
        for report in reports {
            line(report.message)
            for change in report.changes { line("  \(change)") }
            for rebuild in report.rebuilds { line("  \(rebuild.summary)") }
            for note in report.notes { line("  note: \(note)") }
            if report.status == .failed {
                for finding in report.findings where finding.status.breaksCompliance {
                    line("  \(finding.status.rawValue.uppercased()) \(finding.check.rawValue): \(finding.message)")
                }
            }
            if report.status == .wouldPatch, let diff = report.diff, !diff.isEmpty { out += TerminalText.escape(diff, allowingNewlines: true) }
        }
        return out
    }
}
