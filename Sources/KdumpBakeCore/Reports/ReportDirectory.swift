import Foundation

/// `--report DIR`: one JSON report per image and one JUnit XML for the run, for pipeline UIs
/// and CI systems. File names come from the image's name plus a hash of its full path, so two
/// `centos.vhd` from different folders do not overwrite each other.
public enum ReportDirectory {
    public static func write(audit document: AuditDocument, to directory: String) throws {
        try prepare(directory)
        for image in document.images {
            try write(AuditDocument(images: [image]).json(), to: directory, name: fileName(for: image.path))
        }
        try write(JUnitReport.render(document), to: directory, name: "junit.xml")
    }

    public static func write(patch reports: [PatchReport], to directory: String) throws {
        try prepare(directory)
        for report in reports {
            try write(PatchDocument(reports: [report]).json(), to: directory, name: fileName(for: report.path))
        }
        // JUnit: per image, a "patch" test case for the outcome, then the verifying audit's checks.
        let images = reports.map { report in
            let outcome = Finding(check: .patch, status: report.status.junitStatus, message: report.message)
            return ImageReport(path: report.path, profile: report.profile, findings: [outcome] + report.findings)
        }
        try write(JUnitReport.render(AuditDocument(images: images)), to: directory, name: "junit.xml")
    }

    /// `drill --report DIR`: the whole drill document (its timelines are per image already) and its JUnit.
    public static func write(drill document: DrillDocument, to directory: String) throws {
        try prepare(directory)
        try write(document.json(), to: directory, name: "drill.json")
        try write(DrillJUnitReport.render(document), to: directory, name: "junit.xml")
    }

    static func fileName(for path: String) -> String {
        let name = (path as NSString).lastPathComponent.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" }
        return "\(String(name))-\(String(Shard.hash(path), radix: 16).suffix(8)).json"
    }

    private static func prepare(_ directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DiskImageError(path: directory, message: "cannot create the report directory: \(error.localizedDescription)")
        }
    }

    private static func write(_ text: String, to directory: String, name: String) throws {
        let path = (directory as NSString).appendingPathComponent(name)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DiskImageError(path: path, message: "cannot write the report: \(error.localizedDescription)")
        }
    }
}

extension PatchReport.Status {
    /// The patch outcome as a JUnit test case: a failed patch fails, an image that could not be
    /// patched is an error, and everything else (patched, already compliant, a dry run, a
    /// skipped guest) passes.
    fileprivate var junitStatus: FindingStatus {
        switch self {
        case .failed: .fail
        case .invalid: .error
        case .patched, .alreadyCompliant, .wouldPatch, .skipped: .pass
        }
    }
}
