import Foundation
import HostProcess

/// What "byte-identical" means in these tests: same SHA-256 of the whole file and same mtime.
public struct FileFingerprint: Equatable, CustomStringConvertible {
    public let sha256: String
    public let mtime: Date
    public let size: UInt64

    /// Hashed by OpenSSL, which uses the CPU's SHA extensions: 1 s per GiB here against 7 s for
    /// coreutils' sha256sum, and the tests fingerprint tens of GiB of images per run.
    public init(_ path: String) throws {
        let output = try ChildProcess("/usr/bin/openssl", ["dgst", "-sha256", "-r", path], standardOutput: .captureAll, standardError: .inherit).run()
        guard output.termination == .exited(0) else { throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path]) }
        sha256 = output.standardOutputText.split(separator: " ").first.map(String.init) ?? ""
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

    /// Runs any executable with exactly `environment`, capturing both pipes. `status` is the
    /// exit status, or the signal number if a signal killed it.
    public static func run(executable: String, _ arguments: [String], environment: [String: String]) throws -> CLIRun {
        let outcome = try ChildProcess(executable, arguments, environment: environment,
                                       standardOutput: .captureAll, standardError: .captureAll).run()
        return CLIRun(status: outcome.termination.statusOrSignal, stdout: outcome.standardOutputText, stderr: outcome.standardErrorText)
    }
}
