/// One line of a guest's /etc/fstab.
public struct FstabEntry: Equatable, Sendable {
    /// `UUID=…`, `LABEL=…` or a device path, as the guest wrote it.
    public var spec: String
    public var mountpoint: String
    public var type: String
    public var options: String

    /// Parses /etc/fstab: whitespace-separated fields, `#` comments, short lines ignored.
    public static func parse(_ text: String) -> [FstabEntry] {
        text.split(whereSeparator: \.isNewline).compactMap { rawLine in
            let line = rawLine.prefix { $0 != "#" }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 3 else { return nil }
            return FstabEntry(spec: String(fields[0]), mountpoint: String(fields[1]), type: String(fields[2]),
                              options: fields.count > 3 ? String(fields[3]) : "defaults")
        }
    }
}
