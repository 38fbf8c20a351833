import Foundation

/// A temporary host directory removed when the test ends.
public final class HostDirectory {
    public let path: String
    public init() throws {
        path = NSTemporaryDirectory() + "kdumpbake-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

public func lastBytes(of path: String, count: Int) throws -> [UInt8] {
    let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    let size = try handle.seekToEnd()
    try handle.seek(toOffset: size - UInt64(count))
    return Array(try handle.read(upToCount: count) ?? Data())
}
