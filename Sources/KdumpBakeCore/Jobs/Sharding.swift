/// Splits a fleet of images across N machines without coordination (CI matrix jobs, Kubernetes
/// Indexed Jobs): every machine computes the same partition from the image list alone.
///
/// Images are ordered by a hash of their path (FNV-1a, 64 bit), not by listing order, so the
/// partition does not change when a manifest is reordered or a glob lists files differently; then
/// shard K takes every N-th image of that order starting at K-1, which balances the shards to
/// within one image.
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    /// 1-based.
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `K/N` with 1 ≤ K ≤ N.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(k) else { return nil }
        self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// This shard's images, in their original order.
    public func select(_ paths: [String]) -> [String] {
        let unique = Array(Set(paths))
        let ordered = unique.sorted { (Self.hash($0), $0) < (Self.hash($1), $1) }
        let mine = Set(ordered.enumerated().filter { $0.offset % count == index - 1 }.map(\.element))
        var seen = Set<String>()
        return paths.filter { mine.contains($0) && seen.insert($0).inserted }
    }

    /// FNV-1a over the path's UTF-8 bytes: stable across machines, runs and Swift versions
    /// (unlike `Hasher`, which is seeded per process).
    static func hash(_ path: String) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.utf8 {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
        return value
    }
}
