import Foundation

/// `vhd.format`: a VHD that Azure accepts — pure Swift on the host, no appliance. Azure takes
/// fixed VHDs only, with a virtual size that is a whole number of MiB and at most 1,023 GiB.
public enum VHDFormatCheck {
    public static let id = CheckID.vhdFormat
    static let maximumSize: UInt64 = 1023 << 30

    public static func run(path: String, format: DiskImageFormat) -> Finding {
        let file: DiskImageFile
        do { file = try DiskImageFile(path: path) } catch { return Finding(check: id, status: .fail, message: "\(error)", path: path) }
        defer { file.close() }
        return run(file.containerBytes, name: path, fileName: path, format: format)
    }

    /// The check on an image read through `bytes`; `name` is how findings name it, `fileName`
    /// the name its extension is taken from (a URL's path, without the query).
    package static func run(_ file: ContainerBytes, name path: String, fileName: String, format: DiskImageFormat) -> Finding {
        guard format == .vhd else {
            // A non-VHD named .vhd is the one damage a raw or qcow2 file can have here.
            if let damage = ContainerDamage.misnamed(fileName: fileName, format: format) {
                return Finding(check: id, status: .fail, message: damage + "; Azure rejects it",
                               path: path, expected: "VHD footer", actual: format.rawValue)
            }
            return Finding(check: id, status: .skip,
                           message: "\(format.rawValue) image (detected from its content): no VHD footer to check; Azure needs a fixed VHD (qemu-img convert -O vpc -o subformat=fixed,force_size)",
                           path: path, actual: format.rawValue)
        }
        let footer: VHDFooter
        do { footer = try VHDFooter.read(from: file) } catch { return Finding(check: id, status: .fail, message: "\(error)", path: path) }
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
