import Foundation
import Testing

/// Leaves the case about to run on disk, so a trap, which kills the test process before
/// PropertyBased can print the failing input, still leaves that input behind.
///
/// Off by default (a write per case is wasted work in CI). For a long local hunt:
///
///     KDUMPBAKE_FUZZ_LAST_CASE_DIR=/tmp/fuzz KDUMPBAKE_FUZZ_ITERATIONS=200 swift test --filter ParserFuzzTests
///
/// After a crash, `/tmp/fuzz/<test name>.txt` of the crashed test holds the case as its seed,
/// its mutations and its bytes as a Swift literal: the makings of an entry in Regressions.swift.
/// Tests run in parallel, so each test writes its own file. Best effort: a property drawing
/// two cases (a BLS entry and a grubenv) leaves only the second.
enum CrashTrail {
    static let variable = "KDUMPBAKE_FUZZ_LAST_CASE_DIR"

    static let directory: String? = {
        guard let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty else { return nil }
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static func record(_ fuzzCase: FuzzCase) {
        guard let directory else { return }
        let name = (Test.current?.name ?? "unknown").filter { $0.isLetter || $0.isNumber }
        try? Data(fuzzCase.description.utf8).write(to: URL(fileURLWithPath: directory + "/" + name + ".txt"))
    }
}
