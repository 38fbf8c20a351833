/// The file `patch --output DIR` writes for an input: the input's name, or with
/// `--output-format` the name with that format's extension (`golden.raw` → `golden.vhd`), so a
/// converted file never wears its input's extension (a raw image named .vhd is a `vhd.format` failure).
public enum OutputImageName {
    public static func fileName(for input: String, format: DiskImageFormat?) -> String {
        let name = input.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? input
        guard let format else { return name }
        let known = ["vhd", "vpc", "raw", "img", "qcow2"]
        var stem = name
        if let dot = name.lastIndex(of: "."), dot != name.startIndex, known.contains(name[name.index(after: dot)...].lowercased()) {
            stem = String(name[..<dot])
        }
        return stem + "." + format.fileExtension
    }
}

extension DiskImageFormat {
    /// The usual file extension of the format.
    public var fileExtension: String { rawValue }
}

/// What Azure requires of a VHD's virtual size: a whole number of MiB.
public enum AzureVHDSize {
    public static let unit: UInt64 = 1 << 20

    /// `bytes` rounded up to the next whole MiB (unchanged when already whole).
    public static func roundedUp(_ bytes: UInt64) -> UInt64 {
        (bytes + unit - 1) / unit * unit
    }
}
