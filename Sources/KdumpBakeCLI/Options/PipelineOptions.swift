import ArgumentParser
import KdumpBakeCommandSupport
import KdumpBakeCore

/// Options for running in pipelines: parallelism, fleet sharding, report files, progress.
struct PipelineOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Appliances to run at once (default: one per core, as memory allows).", valueName: "n"))
    var jobs: Int?

    @Option(name: .long, help: ArgumentHelp("Take only shard K of N of the images (by path hash: stable across machines and manifest order).", valueName: "K/N"))
    var shard: ParsedArgument<Shard>?

    @Flag(name: .long, help: "Print the selected image paths, one a line, and exit without opening them.")
    var list = false

    @Option(name: .long, help: ArgumentHelp("Write one JSON report per image and junit.xml for the run into this directory.", valueName: "dir"),
            completion: .directory)
    var report: String?

    enum EventFormat: String, ExpressibleByArgument, CaseIterable { case json }

    @Option(name: .long, help: "Write one JSON object per progress event to standard output (which then carries nothing else).")
    var events: EventFormat?

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Add libguestfs's own log messages to the progress output.")
    var verbose = false

    /// The progress display for this run (the process's one writer of stderr, in this run's mode).
    func progress() -> ProgressRenderer { ProgressRenderer.shared.show(jsonEvents: events == .json, quiet: quiet) }

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let shard, shard.value == nil { throw ValidationError("--shard \(shard.text): expected K/N with 1 <= K <= N, e.g. 2/4") }
    }

    var effectiveJobs: Int { jobs ?? ParallelRunner.defaultJobs() }

    /// The images this run covers after sharding; nil with --list, which prints them instead
    /// (the command then ends, successfully, without opening any).
    func select(_ paths: [String]) -> [String]? {
        let selected = shard?.value.map { $0.select(paths) } ?? paths
        if list {
            for path in selected { print(path) }
            return nil
        }
        return selected
    }
}
