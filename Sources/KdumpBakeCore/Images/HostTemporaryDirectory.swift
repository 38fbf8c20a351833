import Foundation

/// A private (0700) temporary directory on the host, removed when the value is released.
///
/// It holds an `owner.pid` file, so a later run can tell a directory whose kdumpbake was killed
/// (SIGKILL runs no cleanup) from one in use, and remove it (`removeAbandoned`).
package final class HostTemporaryDirectory: Sendable {
    package let path: String

    package init(prefix: String) throws {
        var template = Array((NSTemporaryDirectory() + "\(prefix).XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw DiskImageError(path: NSTemporaryDirectory(), message: "cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
        try? "\(getpid())\n".write(toFile: path + "/owner.pid", atomically: false, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Removes `prefix.*` directories in the temporary directory whose owner process is gone;
    /// returns their paths.
    @discardableResult
    package static func removeAbandoned(prefix: String) -> [String] {
        let base = NSTemporaryDirectory()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        var removed: [String] = []
        for name in names where name.hasPrefix(prefix + ".") {
            let directory = (base as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: directory + "/owner.pid", encoding: .utf8),
                  let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            if (try? FileManager.default.removeItem(atPath: directory)) != nil { removed.append(directory) }
        }
        return removed
    }
}
