import ArgumentParser
import Foundation
import KdumpBakeCore
import KdumpBakeAppliance
import Logging

/// Options for running in pipelines: parallelism, fleet sharding, report files.
struct PipelineOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Appliances to run at once (default: one per core, as memory allows).", valueName: "n"))
    var jobs: Int?

    @Option(name: .long, help: ArgumentHelp("Take only shard K of N of the images (by path hash: stable across machines and manifest order).", valueName: "K/N"))
    var shard: String?

    @Flag(name: .long, help: "Print the selected image paths, one a line, and exit without opening them.")
    var list = false

    @Option(name: .long, help: ArgumentHelp("Write one JSON report per image and junit.xml for the run into this directory.", valueName: "dir"))
    var report: String?

    enum EventFormat: String, ExpressibleByArgument, CaseIterable { case json }

    @Option(name: .long, help: "Write one JSON object per progress event to standard output (which then carries nothing else).")
    var events: EventFormat?

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Add libguestfs's own log messages to the progress output.")
    var verbose = false

    /// The progress display for this run.
    func progress() -> ProgressRenderer { .choose(events: events, quiet: quiet) }

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let shard, Shard(parsing: shard) == nil { throw ValidationError("--shard \(shard): expected K/N with 1 <= K <= N, e.g. 2/4") }
    }

    var effectiveJobs: Int { jobs ?? ParallelRunner.defaultJobs() }

    /// The images this run covers after sharding; with --list, prints them and exits 0.
    func select(_ paths: [String]) throws -> [String] {
        let selected = shard.flatMap(Shard.init(parsing:)).map { $0.select(paths) } ?? paths
        if list {
            for path in selected { print(path) }
            throw ExitCode.success
        }
        return selected
    }
}

/// A swift-log handler writing whole `kdumpbake: message` lines to stderr under a lock, so
/// parallel jobs never interleave mid-line. Messages only: no timestamps or levels, which the
/// progress lines already carry.
struct LineLogHandler: LogHandler {
    private static let lock = NSLock()
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        Self.lock.withLock { FileHandle.standardError.write(Data("kdumpbake: \(message)\n".utf8)) }
    }
}
