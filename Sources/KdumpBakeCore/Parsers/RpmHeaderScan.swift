/// Finds a package's version in an rpm database file without a database library.
///
/// Every rpm database (el6/el7/el8 Berkeley DB `Packages`, el9+ `rpmdb.sqlite`) stores each
/// installed package as an rpm header blob, and rpm writes a header's strings in tag order:
/// NAME, VERSION, RELEASE are consecutive NUL-terminated strings (`kexec-tools\02.0.0\0258.el6\0`).
/// Scanning for that shape is enough to learn one package's version-release, costs one pass
/// over the bytes, and never runs guest code. The bytes are hostile: only digits, dots and the
/// release's first number are taken.
public enum RpmHeaderScan {
    /// Every version-release recorded for `name`, in file order. A Berkeley DB keeps pages of
    /// removed headers, so an upgraded package may appear more than once: callers take the newest.
    public static func versions(of name: String, in bytes: [UInt8]) -> [KexecToolsVersion] {
        let needle = [0] + Array(name.utf8) + [0]
        guard bytes.count > needle.count, let first = needle.first else { return [] }
        var found: [KexecToolsVersion] = []
        var index = 0
        let last = bytes.count - needle.count
        while index <= last {
            guard bytes[index] == first, bytes[index + 1] == needle[1],
                  bytes[index..<index + needle.count].elementsEqual(needle) else { index += 1; continue }
            let start = index + needle.count
            if let version = string(bytes, from: start, allowed: isVersionByte),
               let release = string(bytes, from: start + version.count + 1, allowed: isReleaseByte),
               let parsed = KexecToolsVersion(parsing: "\(version)-\(release)") {
                found.append(parsed)
            }
            index += needle.count - 1
        }
        return found
    }

    /// A NUL-terminated run of at most 64 allowed bytes starting at `start`; nil otherwise.
    private static func string(_ bytes: [UInt8], from start: Int, allowed: (UInt8) -> Bool) -> String? {
        var end = start
        while end < bytes.count, end - start <= 64, bytes[end] != 0 {
            guard allowed(bytes[end]) else { return nil }
            end += 1
        }
        guard end < bytes.count, bytes[end] == 0, end > start else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private static func isVersionByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
    }

    private static func isReleaseByte(_ byte: UInt8) -> Bool {
        isVersionByte(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
    }
}
