import Foundation

/// `vhd.format`: a VHD that Azure accepts — pure Swift on the host, no appliance. Azure takes
/// fixed VHDs only, with a virtual size that is a whole number of MiB and at most 1,023 GiB.
public enum VHDFormatCheck {
    public static let id = "vhd.format"
    static let maximumSize: UInt64 = 1023 << 30

    public static func run(path: String, format: DiskImageFormat) -> Finding {
        if format != .vhd, path.lowercased().hasSuffix(".vhd") {
            return Finding(check: id, status: .fail, message: ContainerDamage.problems(path: path, format: format).joined(separator: "; ") + "; Azure rejects it",
                           path: path, expected: "VHD footer", actual: format.rawValue)
        }
        guard format == .vhd else {
            return Finding(check: id, status: .skip,
                           message: "\(format.rawValue) image (detected from its content): no VHD footer to check; Azure needs a fixed VHD (qemu-img convert -O vpc -o subformat=fixed,force_size)",
                           path: path, actual: format.rawValue)
        }
        let footer: VHDFooter
        let file: DiskImageFile
        do {
            footer = try VHDFooter.read(path: path)
            file = try DiskImageFile(path: path)
        } catch {
            return Finding(check: id, status: .fail, message: "\(error)", path: path)
        }
        defer { file.close() }
        var problems = ProblemList()
        for damage in ContainerDamage.problems(footer: footer, file: file) { problems.fail(damage) }
        if footer.diskType != .fixed {
            problems.fail("disk type is \(footer.diskType); Azure accepts only fixed VHDs (Azure: \"VHD is not a fixed VHD\"); convert with qemu-img convert -O vpc -o subformat=fixed,force_size")
        }
        if footer.currentSize % (1 << 20) != 0 {
            problems.fail("virtual size \(footer.currentSize) bytes is not a whole number of MiB (Azure: \"unsupported virtual size of \(footer.currentSize) bytes. The size must be a whole number (in MBs)\")")
        }
        if footer.currentSize > maximumSize {
            problems.fail("virtual size \(footer.currentSize) bytes exceeds Azure's maximum of 1,023 GiB")
        }
        return problems.finding(id, pass: "fixed VHD, \(footer.currentSize >> 20) MiB, valid footer (creator '\(footer.creatorApplication.trimmingCharacters(in: .whitespaces))')",
                                path: path, expected: "fixed, whole MiB, ≤ 1023 GiB, valid checksum",
                                actual: "\(footer.diskType), \(footer.currentSize) bytes, checksum \(footer.checksumIsValid ? "valid" : "invalid")")
    }
}
