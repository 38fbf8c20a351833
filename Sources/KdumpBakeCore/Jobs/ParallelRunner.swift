import Foundation
import Synchronization

/// Runs work items on `jobs` dedicated threads (not Swift's cooperative pool: every libguestfs
/// call blocks for seconds) and returns the results in input order, so a parallel run reports
/// exactly what a sequential one does.
public enum ParallelRunner {
    public static func map<Item: Sendable, Result: Sendable>(_ items: [Item], jobs: Int, _ body: @escaping @Sendable (Item) -> Result) -> [Result] {
        guard jobs > 1, items.count > 1 else { return items.map(body) }
        let results = ResultSlots<Result>(count: items.count)
        let next = NextIndex()
        let group = DispatchGroup()
        for _ in 0..<min(jobs, items.count) {
            group.enter()
            let thread = Thread {
                while let index = next.take(below: items.count) {
                    results.set(index, body(items[index]))
                }
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        return results.all()
    }

    /// A default for `--jobs`: one appliance per core, as many as memory allows (each appliance
    /// needs its memsize plus qemu's overhead; ~700 MiB measured peak RSS under TCG).
    public static func defaultJobs() -> Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let perAppliance: UInt64 = 1 << 30
        let byMemory = Int(ProcessInfo.processInfo.physicalMemory / perAppliance) - 1
        return max(1, min(cores, byMemory))
    }
}

/// The results written by the worker threads, by input position.
private final class ResultSlots<Result: Sendable>: Sendable {
    private let slots: Mutex<[Result?]>
    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }
    func set(_ index: Int, _ value: Result) { slots.withLock { $0[index] = value } }
    func all() -> [Result] { slots.withLock { $0.map { $0! } } }
}

/// The next input position a worker thread takes.
private final class NextIndex: Sendable {
    private let value = Mutex(0)
    func take(below limit: Int) -> Int? {
        value.withLock { next in
            guard next < limit else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
