/// A Debian package version, `[epoch:]upstream[-revision]` (`1:1.8.1`, `1:1.10.3ubuntu2`),
/// ordered the way dpkg orders them, so "from 1:1.8.2" reads the same here as in a changelog.
///
/// dpkg compares epoch numerically, then upstream and revision each by alternating runs: a
/// non-digit run compares character by character with `~` before everything (even the end),
/// letters before other characters; a digit run compares as a number. Written from the
/// documented rules (deb-version(7)), not from dpkg's code.
public struct DebianPackageVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var epoch: Int
    public var upstream: String
    public var revision: String

    /// nil when the text is empty, has a non-numeric epoch, ends in a hyphen (dpkg refuses an
    /// empty revision, so `1.0-` would otherwise print back as a different version `1.0`), or
    /// holds characters Debian versions never contain (the value comes from the guest's dpkg status).
    public init?(_ text: some StringProtocol) {
        var rest = Substring(text)
        guard !rest.isEmpty, rest.count <= 128,
              rest.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".+-~:".contains($0)) }) else { return nil }
        if let colon = rest.firstIndex(of: ":") {
            let digits = rest[..<colon]
            guard !digits.isEmpty, digits.allSatisfy(\.isNumber), let epoch = Int(digits) else { return nil }
            self.epoch = epoch
            rest = rest[rest.index(after: colon)...]
        } else {
            epoch = 0
        }
        if let dash = rest.lastIndex(of: "-") {
            upstream = String(rest[..<dash])
            revision = String(rest[rest.index(after: dash)...])
            guard !revision.isEmpty else { return nil }
        } else {
            upstream = String(rest)
            revision = ""
        }
        guard upstream.first?.isNumber == true else { return nil }
    }

    public var description: String {
        (epoch == 0 ? "" : "\(epoch):") + upstream + (revision.isEmpty ? "" : "-\(revision)")
    }

    public static func < (lhs: DebianPackageVersion, rhs: DebianPackageVersion) -> Bool {
        if lhs.epoch != rhs.epoch { return lhs.epoch < rhs.epoch }
        let upstream = compare(lhs.upstream, rhs.upstream)
        if upstream != 0 { return upstream < 0 }
        return compare(lhs.revision, rhs.revision) < 0
    }

    /// -1, 0 or 1, by deb-version(7)'s alternating non-digit / digit runs.
    static func compare(_ a: String, _ b: String) -> Int {
        var left = Array(a.utf8)[...], right = Array(b.utf8)[...]
        while !left.isEmpty || !right.isEmpty {
            let leftText = left.prefix { !isDigit($0) }, rightText = right.prefix { !isDigit($0) }
            left = left.dropFirst(leftText.count)
            right = right.dropFirst(rightText.count)
            let text = compareText(Array(leftText), Array(rightText))
            if text != 0 { return text }
            let leftDigits = left.prefix(while: isDigit), rightDigits = right.prefix(while: isDigit)
            left = left.dropFirst(leftDigits.count)
            right = right.dropFirst(rightDigits.count)
            let number = compareDigits(Array(leftDigits), Array(rightDigits))
            if number != 0 { return number }
        }
        return 0
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `~` sorts before the end of the run, the end before letters, letters before the rest.
    private static func order(_ byte: UInt8?) -> Int {
        guard let byte else { return 0 }
        if byte == UInt8(ascii: "~") { return -1 }
        if (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) { return Int(byte) }
        return Int(byte) + 256
    }

    private static func compareText(_ a: [UInt8], _ b: [UInt8]) -> Int {
        for index in 0..<max(a.count, b.count) {
            let x = order(index < a.count ? a[index] : nil), y = order(index < b.count ? b[index] : nil)
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    private static func compareDigits(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let x = a.drop { $0 == UInt8(ascii: "0") }, y = b.drop { $0 == UInt8(ascii: "0") }
        if x.count != y.count { return x.count < y.count ? -1 : 1 }
        for (p, q) in zip(x, y) where p != q { return p < q ? -1 : 1 }
        return 0
    }
}

/// /var/lib/dpkg/status: the installed packages of a Debian or Ubuntu guest, read as data (the
/// counterpart of the rpm database on Red Hat guests).
public enum DpkgStatus {
    /// The version of `package` when its stanza says it is installed (`Status: install ok
    /// installed`); nil otherwise. Stanzas are separated by blank lines; fields are `Name: value`.
    public static func installedVersion(of package: String, in text: String) -> DebianPackageVersion? {
        var name: String?, version: String?, installed = false
        var found: DebianPackageVersion?
        func finish() {
            if name == package, installed, let version, let parsed = DebianPackageVersion(version) { found = parsed }
            name = nil; version = nil; installed = false
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { finish(); if found != nil { return found }; continue }
            if line.hasPrefix("Package: ") { name = String(line.dropFirst(9)).trimmingBlanks }
            else if line.hasPrefix("Version: ") { version = String(line.dropFirst(9)).trimmingBlanks }
            else if line.hasPrefix("Status: ") { installed = line.dropFirst(8).split(separator: " ").last == "installed" }
        }
        finish()
        return found
    }
}

extension String {
    fileprivate var trimmingBlanks: String {
        String(drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
