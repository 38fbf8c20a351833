import Foundation
import KdumpBakeCommandSupport

/// Writes a report to stdout or, atomically, to a file (`audit --output FILE`).
enum ReportOutput {
    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure.environment("\(path): cannot write the report: \(error.localizedDescription)")
        }
    }
}
