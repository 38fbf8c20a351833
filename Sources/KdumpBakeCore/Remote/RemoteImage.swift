import Foundation
import Synchronization

/// A disk image on a web server, read in fixed blocks through a small cache.
///
/// qemu's curl driver has no cache of its own across requests: auditing a 256 MiB look-alike
/// VHD straight from nginx asked for 171 MB in 656 requests, most of them the same few MiB again
/// (partition table, superblocks, the inode tables of /etc and /boot). Served from this cache,
/// each block crosses the network once while it stays among the most recently used.
public final class RemoteImage: Sendable {
    public let url: RemoteImageURL
    /// The file's size, from the server's `Content-Range`.
    public let size: UInt64
    private let fetch: @Sendable (_ offset: UInt64, _ count: Int) throws -> [UInt8]
    private let state = Mutex(State())

    /// Blocks are fetched whole: qemu's reads are 256 KiB read-aheads, so one block per read.
    static let blockSize = 256 << 10
    /// At most this many blocks are kept (64 MiB), the least recently used dropped first.
    static let maximumBlocks = 256
    /// A run of missing blocks is fetched in requests of at most this many blocks.
    static let maximumBlocksPerRequest = 16

    private struct State {
        var blocks: [UInt64: (bytes: [UInt8], used: UInt64)] = [:]
        var tick: UInt64 = 0
        var transfer = Transfer()
        var failure: RemoteImageError?
    }

    /// What crossed the network for this image.
    public struct Transfer: Sendable, Equatable {
        public var bytes: UInt64 = 0
        public var requests = 0

        /// `read 9.3 MiB of 256.0 MiB (3.63 %) in 41 range requests`.
        public func summary(ofImageSize size: UInt64) -> String {
            let percent = Double(bytes) * 100 / Double(max(size, 1))
            return "read \(Self.mebibytes(bytes)) of \(Self.mebibytes(size)) (\(String(format: "%.2f", percent)) %) in \(requests) range requests"
        }

        static func mebibytes(_ bytes: UInt64) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
    }

    /// Opens the image at `client.url`: one suffix-range request learns its size (and proves the
    /// server answers range requests) before anything else is read.
    public static func open(_ client: HTTPRangeClient) throws(RemoteImageError) -> RemoteImage {
        let tail = try client.tail(512)
        let image = RemoteImage(url: client.url, size: tail.fileSize) { offset, count in
            try client.read(at: offset, count: count).bytes
        }
        image.state.withLock { $0.transfer = Transfer(bytes: UInt64(tail.bytes.count), requests: 1) }
        return image
    }

    /// An image whose bytes come from `fetch` (exact ranges inside the file); tests use memory.
    package init(url: RemoteImageURL, size: UInt64, fetch: @escaping @Sendable (_ offset: UInt64, _ count: Int) throws -> [UInt8]) {
        self.url = url
        self.size = size
        self.fetch = fetch
    }

    public var transfer: Transfer { state.withLock { $0.transfer } }

    /// The first failure of any read, kept so that an audit can name the server's problem
    /// rather than the I/O error qemu saw.
    public var failure: RemoteImageError? { state.withLock { $0.failure } }

    /// Up to `count` bytes at `offset` (fewer at the end of the file, none past it).
    public func read(at offset: UInt64, count: Int) throws(RemoteImageError) -> [UInt8] {
        guard offset < size, count > 0 else { return [] }
        let end = min(size, offset + UInt64(count))
        let block = UInt64(Self.blockSize)
        let wanted = Array((offset / block)...((end - 1) / block))
        var found: [UInt64: [UInt8]] = state.withLock { state in
            state.tick += 1
            var found: [UInt64: [UInt8]] = [:]
            for index in wanted {
                if let cached = state.blocks[index] {
                    found[index] = cached.bytes
                    state.blocks[index] = (cached.bytes, state.tick)
                }
            }
            return found
        }
        for run in Self.runs(of: wanted.filter { found[$0] == nil }) {
            let start = run.lowerBound * block
            let bytes: [UInt8]
            do {
                bytes = try fetch(start, Int(min(size, (run.upperBound + 1) * block) - start))
            } catch {
                let failure = error as? RemoteImageError ?? RemoteImageError(url: url, problem: .transport("\(error)"))
                state.withLock { if $0.failure == nil { $0.failure = failure } }
                throw failure
            }
            for index in run {
                let from = Int((index - run.lowerBound) * block)
                found[index] = Array(bytes[from..<min(bytes.count, from + Self.blockSize)])
            }
            state.withLock { state in
                state.transfer.bytes += UInt64(bytes.count)
                state.transfer.requests += 1
                state.tick += 1
                for index in run { state.blocks[index] = (found[index]!, state.tick) }
                while state.blocks.count > Self.maximumBlocks, let oldest = state.blocks.min(by: { $0.value.used < $1.value.used })?.key {
                    state.blocks[oldest] = nil
                }
            }
        }
        var result: [UInt8] = []
        result.reserveCapacity(Int(end - offset))
        for index in wanted {
            let bytes = found[index]!
            let blockStart = index * block
            let from = Int(max(offset, blockStart) - blockStart)
            let to = Int(min(end, blockStart + UInt64(bytes.count)) - blockStart)
            if from < to { result += bytes[from..<to] }
        }
        return result
    }

    /// Consecutive block numbers grouped into runs of at most `maximumBlocksPerRequest`.
    static func runs(of indices: [UInt64]) -> [ClosedRange<UInt64>] {
        var runs: [ClosedRange<UInt64>] = []
        for index in indices {
            if let last = runs.last, last.upperBound + 1 == index, last.count < maximumBlocksPerRequest {
                runs[runs.count - 1] = last.lowerBound...index
            } else {
                runs.append(index...index)
            }
        }
        return runs
    }

    /// The image as `ContainerBytes`, for format detection and the `vhd.format` check.
    package var containerBytes: ContainerBytes {
        ContainerBytes(size: size) { offset, count in try self.read(at: offset, count: count) }
    }
}
