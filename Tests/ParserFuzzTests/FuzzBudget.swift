import Foundation

/// How many cases each fuzz property runs.
///
/// Every property has a fixed base count, chosen so that the whole target stays well under a
/// minute in a debug build on two cores (CI runs plain `swift test`). For a longer local
/// hunt, `KDUMPBAKE_FUZZ_ITERATIONS=N` multiplies every base count by N:
///
///     KDUMPBAKE_FUZZ_ITERATIONS=200 swift test --filter ParserFuzzTests
///
/// A multiplier rather than one absolute count, because the properties differ in cost by two
/// orders of magnitude (a YAML manifest against a one-line kernel command line), and "the same
/// number for all" would either starve the cheap ones or stall on the expensive ones.
enum FuzzBudget {
    static let variable = "KDUMPBAKE_FUZZ_ITERATIONS"

    /// The multiplier from the environment: 1 when unset, empty, not a positive integer.
    static let multiplier: Int = {
        guard let text = ProcessInfo.processInfo.environment[variable],
              let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0 else { return 1 }
        return value
    }()

    /// `base` scaled by the multiplier (saturating, so a silly value cannot overflow).
    static func cases(_ base: Int) -> Int {
        let (product, overflow) = base.multipliedReportingOverflow(by: multiplier)
        return overflow ? Int.max : product
    }
}
