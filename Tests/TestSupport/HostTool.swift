import Foundation
import HostProcess

/// Runs a host tool with argv (test set-up only: sfdisk, dumpe2fs, debugfs) and returns its
/// exit status and standard output; standard error is discarded.
public enum HostTool {
    @discardableResult
    public static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let outcome = try ChildProcess("/usr/bin/env", arguments, standardOutput: .captureAll).run()
        return (outcome.termination.statusOrSignal, outcome.standardOutputText)
    }

    /// `image?offset=N` for partition `number` (1-based) of a raw image: the form e2fsprogs opens
    /// a filesystem inside a disk image with, found with `sfdisk -J`.
    public static func partition(_ number: Int, of image: String) throws -> String {
        let json = try run(["sfdisk", "-J", image]).output
        let table = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let partitions = (table?["partitiontable"] as? [String: Any])?["partitions"] as? [[String: Any]] ?? []
        guard partitions.count >= number, let start = partitions[number - 1]["start"] as? Int else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: image])
        }
        return "\(image)?offset=\(start * 512)"
    }
}
