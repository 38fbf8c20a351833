/// A minimal line diff: Myers' O(ND) algorithm in its linear-space, divide-and-conquer form.
///
/// kdumpbake shows the administrator exactly what it will change in a guest before it writes
/// anything, so the diff must be minimal and readable like `diff -u`. The linear-space form
/// keeps memory at O(N) (the greedy form would keep O(D²) of history), and the budgets keep
/// a hostile guest file (1 MB of distinct lines) from costing minutes: past them the caller
/// falls back to "delete everything, insert everything", which is still a correct diff.
struct LineDiff {
    enum Edit: Equatable { case equal, delete, insert }

    /// The edit script turning `old` into `new` (each `.equal` consumes one element of both),
    /// or nil when the edit distance exceeds `maxEditDistance` or the search exceeds
    /// `maxWork` steps.
    static func edits<Element: Hashable>(old: [Element], new: [Element],
                                         maxEditDistance: Int = 20_000, maxWork: Int = 50_000_000) -> [Edit]? {
        // Compare small integers, not lines: one hash per line instead of one comparison per probe.
        var ids: [Element: Int] = [:]
        func id(_ element: Element) -> Int {
            if let known = ids[element] { return known }
            ids[element] = ids.count
            return ids.count - 1
        }
        let oldIDs = old.map(id)
        let newIDs = new.map(id)
        var search = LineDiff(a: oldIDs, b: newIDs, halfDistanceLimit: maxEditDistance / 2 + 1, workLimit: maxWork)
        var script: [Edit] = []
        script.reserveCapacity(old.count + new.count)
        do {
            try search.compare(0, oldIDs.count, 0, newIDs.count, into: &script)
        } catch {
            return nil
        }
        return script
    }

    private struct OverBudget: Error {}

    private let a: [Int]
    private let b: [Int]
    private let halfDistanceLimit: Int
    private let workLimit: Int
    private var work = 0

    private init(a: [Int], b: [Int], halfDistanceLimit: Int, workLimit: Int) {
        self.a = a
        self.b = b
        self.halfDistanceLimit = halfDistanceLimit
        self.workLimit = workLimit
    }

    /// Appends the script for `a[aLo..<aHi]` → `b[bLo..<bHi]`. Common ends are stripped first:
    /// cheap, and it guarantees the split point found below is strictly inside, so the
    /// recursion always shrinks.
    private mutating func compare(_ aLo: Int, _ aHi: Int, _ bLo: Int, _ bHi: Int, into script: inout [Edit]) throws {
        var (aLo, aHi, bLo, bHi) = (aLo, aHi, bLo, bHi)
        var suffix = 0
        while aLo < aHi, bLo < bHi, a[aLo] == b[bLo] { aLo += 1; bLo += 1; script.append(.equal) }
        while aLo < aHi, bLo < bHi, a[aHi - 1] == b[bHi - 1] { aHi -= 1; bHi -= 1; suffix += 1 }
        if aLo == aHi {
            script.append(contentsOf: repeatElement(.insert, count: bHi - bLo))
        } else if bLo == bHi {
            script.append(contentsOf: repeatElement(.delete, count: aHi - aLo))
        } else {
            let (x, y) = try split(aLo, aHi, bLo, bHi)
            try compare(aLo, x, bLo, y, into: &script)
            try compare(x, aHi, y, bHi, into: &script)
        }
        script.append(contentsOf: repeatElement(.equal, count: suffix))
    }

    /// A point on an optimal path, found by running Myers' search from both corners until the
    /// frontiers meet. Diagonals (k = x − y) are clamped to the rectangle with sentinels just
    /// outside, so no probe ever leaves it (an unclamped search can "meet" off the grid).
    private mutating func split(_ aLo: Int, _ aHi: Int, _ bLo: Int, _ bHi: Int) throws -> (Int, Int) {
        let n = aHi - aLo, m = bHi - bLo
        let delta = n - m
        let odd = delta & 1 != 0
        let (dmin, dmax) = (-m, n)
        let base = m + 1  // index of diagonal 0
        var fd = [Int](repeating: 0, count: n + m + 3)  // furthest x reached forward, per diagonal
        var bd = [Int](repeating: 0, count: n + m + 3)  // smallest x reached backward, per diagonal
        var (fmin, fmax, bmin, bmax) = (0, 0, delta, delta)
        fd[base] = 0
        bd[base + delta] = n
        var cost = 0
        while true {
            cost += 1
            if cost > halfDistanceLimit { throw OverBudget() }
            work += (fmax - fmin) + (bmax - bmin) + 2
            if work > workLimit { throw OverBudget() }

            if fmin > dmin { fmin -= 1; fd[base + fmin - 1] = -1 } else { fmin += 1 }
            if fmax < dmax { fmax += 1; fd[base + fmax + 1] = -1 } else { fmax -= 1 }
            for k in stride(from: fmax, through: fmin, by: -2) {
                let (low, high) = (fd[base + k - 1], fd[base + k + 1])
                var x = low >= high ? low + 1 : high
                var y = x - k
                let start = x
                while x < n, y < m, a[aLo + x] == b[bLo + y] { x += 1; y += 1 }
                work += x - start
                fd[base + k] = x
                if odd, bmin <= k, k <= bmax, bd[base + k] <= x { return (aLo + x, bLo + y) }
            }

            if bmin > dmin { bmin -= 1; bd[base + bmin - 1] = .max } else { bmin += 1 }
            if bmax < dmax { bmax += 1; bd[base + bmax + 1] = .max } else { bmax -= 1 }
            for k in stride(from: bmax, through: bmin, by: -2) {
                let (low, high) = (bd[base + k - 1], bd[base + k + 1])
                var x = low < high ? low : high - 1
                var y = x - k
                let start = x
                while x > 0, y > 0, a[aLo + x - 1] == b[bLo + y - 1] { x -= 1; y -= 1 }
                work += start - x
                bd[base + k] = x
                if !odd, fmin <= k, k <= fmax, x <= fd[base + k] { return (aLo + x, bLo + y) }
            }
        }
    }
}
