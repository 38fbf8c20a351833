/// How long the next mkdumprd run of an image may take: `--rebuild-timeout` per run, but never
/// past what is left of `--rebuild-budget` for all of them together. Pure, so the arithmetic is
/// tested without an appliance; `PlanApplier` arms the watchdog with the result.
package struct RebuildLimits {
    let perRun: Duration
    let budget: Duration
    let start: ContinuousClock.Instant

    package init(perRun: Duration, budget: Duration, start: ContinuousClock.Instant) {
        self.perRun = perRun
        self.budget = budget
        self.start = start
    }

    package struct Limit: Equatable, CustomStringConvertible {
        package var duration: Duration
        /// True when the rest of the budget, not the per-run timeout, is the bound.
        var byBudget: Bool

        package var description: String {
            byBudget ? "the rest of --rebuild-budget (\(duration.components.seconds) s)" : "\(duration.components.seconds) s"
        }
    }

    /// What is left of the budget at `now` (zero once spent).
    package func remaining(at now: ContinuousClock.Instant) -> Duration {
        max(.zero, budget - start.duration(to: now))
    }

    /// The bound for a run starting `now`; nil once the budget is spent.
    package func limit(at now: ContinuousClock.Instant) -> Limit? {
        let remaining = budget - start.duration(to: now)
        guard remaining > .zero else { return nil }
        return remaining < perRun ? Limit(duration: remaining, byBudget: true) : Limit(duration: perRun, byBudget: false)
    }
}
