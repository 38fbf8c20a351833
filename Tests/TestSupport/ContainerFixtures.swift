import Foundation
import HostProcess
import Testing

/// Images that name other host files, and containers kdumpbake does not support, made with the
/// host's qemu-img, except the differencing VHD, which qemu-img cannot create: that one is a
/// dynamic VHD from qemu-img turned into a differencing disk byte by byte (see `differencingVHD`).
public enum ContainerFixtures {
    /// Runs qemu-img; a failure throws with qemu-img's own stderr.
    ///
    /// A LUKS `create` first times PBKDF2 on the thread's CPU clock (qemu's crypto/pbkdf.c).
    /// Debian's qemu gives up with "Unable to get accurate CPU usage" when its first, short
    /// round (2^15 iterations) measures 0 ms, which fast machines sometimes do (qemu commit
    /// 145f12ea, Red Hat bug 2336437: a later qemu only checks after several rounds), and CI hit
    /// it. With both cores busy (as under `swift test`) 51 of 200 LUKS creates here failed that
    /// way, so five tries were not enough (CI failed on it on 2026-12-02). That refusal says
    /// nothing about the image and fails within milliseconds, so only it is retried, up to 40 times.
    public static func qemuImg(_ arguments: [String]) throws {
        var attempt = 1
        while true {
            let result = try ChildProcess("/usr/bin/qemu-img", arguments, standardOutput: .captureAll, standardError: .captureAll).run()
            if result.termination.succeeded { return }
            let clockDidNotMove = result.standardErrorText.contains("Unable to get accurate CPU usage")
            guard clockDidNotMove, attempt < 40 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey:
                    "qemu-img \(arguments) ended \(result.termination) (attempt \(attempt)): \(result.standardErrorText)"])
            }
            attempt += 1
        }
    }

    /// A differencing VHD at `path`: a 4 MiB dynamic VHD from qemu-img whose footer (and the
    /// footer's copy at offset 0) says disk type 4, with a parent locator of platform `code`
    /// (W2ku and W2ru: UTF-16LE; others: UTF-8) whose data sits in a sector inserted before the
    /// footer (or at `locatorOffset`), and the parent's Unicode name (UTF-16BE); both checksums fixed.
    public static func differencingVHD(_ path: String, locator: (code: String, path: String)?, unicodeName: String?,
                                locatorOffset: UInt64? = nil) throws {
        let dynamic = path + ".dynamic"
        try qemuImg(["create", "-q", "-f", "vpc", "-o", "subformat=dynamic", dynamic, "4M"])
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dynamic)))
        try FileManager.default.removeItem(atPath: dynamic)
        let dataEnd = bytes.count - 512
        var footer = Array(bytes[dataEnd...])
        let headerOffset = Int(footer[16..<24].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        var header = Array(bytes[headerOffset..<headerOffset + 1024])
        #expect(header.starts(with: Array("cxsparse".utf8)))

        put(UInt32(4), into: &footer, at: 60)
        put(checksum(footer, excluding: 64..<68), into: &footer, at: 64)
        var locatorSector = [UInt8](repeating: 0, count: 512)
        if let unicodeName {
            let units = Array(unicodeName.utf16.prefix(256))
            for (index, unit) in units.enumerated() { put(unit, into: &header, at: 64 + index * 2) }
        }
        if let locator {
            let data: [UInt8] = locator.code.hasPrefix("W2")
                ? locator.path.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] }
                : Array(locator.path.utf8)
            locatorSector.replaceSubrange(0..<data.count, with: data)
            header.replaceSubrange(576..<580, with: Array(locator.code.utf8))
            put(UInt32(512), into: &header, at: 580)
            put(UInt32(data.count), into: &header, at: 584)
            put(locatorOffset ?? UInt64(dataEnd), into: &header, at: 592)
        }
        put(checksum(header, excluding: 36..<40), into: &header, at: 36)
        bytes.replaceSubrange(headerOffset..<headerOffset + 1024, with: header)
        bytes.replaceSubrange(0..<512, with: footer)
        bytes = Array(bytes[..<dataEnd]) + locatorSector + footer
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    public static func put<T: FixedWidthInteger>(_ value: T, into bytes: inout [UInt8], at offset: Int) {
        withUnsafeBytes(of: value.bigEndian) { bytes.replaceSubrange(offset..<offset + $0.count, with: $0) }
    }

    public static func checksum(_ bytes: [UInt8], excluding field: Range<Int>) -> UInt32 {
        ~bytes.indices.filter { !field.contains($0) }.reduce(UInt32(0)) { $0 &+ UInt32(bytes[$1]) }
    }
}

/// Writes `value` big-endian at `offset`.
public func put<T: FixedWidthInteger>(_ value: T, _ bytes: inout [UInt8], _ offset: Int) {
    ContainerFixtures.put(value, into: &bytes, at: offset)
}
