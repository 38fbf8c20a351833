import Foundation
import Synchronization

/// What "byte-identical" means in these tests: same SHA-256 of the whole file and same mtime.
public struct FileFingerprint: Equatable, CustomStringConvertible {
    public let sha256: String
    public let mtime: Date
    public let size: UInt64

    public init(_ path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        sha256 = String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        mtime = attributes[.modificationDate] as? Date ?? .distantPast
        size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
    }

    public var description: String { "\(sha256) \(size) bytes, mtime \(mtime.timeIntervalSince1970)" }
}

/// Runs the built kdumpbake binary (next to the test bundle) and captures its output.
public struct CLIRun {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    public static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kdumpbake").path
    }

    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIRun {
        try run(executable: binary, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
    }

    /// Runs any executable with exactly `environment`, capturing both pipes.
    public static func run(executable: String, _ arguments: [String], environment: [String: String]) throws -> CLIRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently so neither fills up and blocks the child; the semaphore
        // orders the reader thread's write before the read here (ThreadSanitizer checks this).
        let errData = Mutex(Data())
        let drained = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            errData.withLock { $0 = data }
            drained.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        drained.wait()
        return CLIRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.withLock { $0 }, as: UTF8.self))
    }
}
