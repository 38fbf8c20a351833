import Foundation

/// Runs a host tool with argv (test set-up only: sfdisk, dumpe2fs, debugfs) and returns its
/// exit status and standard output; standard error is discarded.
public enum HostTool {
    @discardableResult
    public static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
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
