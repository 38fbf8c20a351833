import Foundation

/// Keeps a recursive delete of a build directory from walking into a mounted filesystem.
///
/// debootstrap mounts /proc and /sys inside its target while packages configure and unmounts them when it
/// ends; if it is killed or fails half-way a mount can be left behind, and deleting the work directory
/// would then recurse into the host's /proc or /sys (or a /dev it bound). So before a work directory is
/// removed, every mount below it is detached (umount --lazy: detached at once, even if busy), and if any
/// is still there the directory is left alone.
enum MountGuard {
    /// The mount points strictly below `directory`, deepest first, from /proc/self/mountinfo.
    static func mounts(below directory: String) -> [String] {
        guard let table = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return [] }
        let prefix = (directory as NSString).standardizingPath + "/"
        return table.split(separator: "\n").compactMap { line -> String? in
            // Field 5 is the mount point, with blanks, tabs, newlines and backslashes octal-escaped.
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count > 4 else { return nil }
            let point = unescape(String(fields[4]))
            return point.hasPrefix(prefix) ? point : nil
        }
        .sorted { $0.count > $1.count }
    }

    /// Detaches every mount below `directory`; true when none is left.
    static func detachAll(below directory: String) -> Bool {
        for point in mounts(below: directory) {
            _ = try? HostCommand.run(["umount", "--lazy", point])
        }
        return mounts(below: directory).isEmpty
    }

    /// Removes `directory` recursively unless a mount below it cannot be detached (then it stays, and a
    /// message names it: a leftover directory is harmless, a delete through a mount is not).
    static func removeDirectory(_ directory: String) {
        guard FileManager.default.fileExists(atPath: directory) else { return }
        guard detachAll(below: directory) else {
            FileHandle.standardError.write(Data("TestImages: not removing \(directory): mounts below it remain\n".utf8))
            return
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func unescape(_ field: String) -> String {
        var bytes: [UInt8] = []
        var input = Array(field.utf8)[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "\\"), input.count >= 3,
               let value = UInt8(String(decoding: input.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                input = input.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
