/// Whether an image file is a sound container of the format its bytes claim: the part of
/// `vhd.format` that `patch` refuses on (exit 2, untouched), unlike Azure's policy (fixed type,
/// whole MiB), which it leaves to the audit. A damaged container is not worth patching: what
/// qemu would show the guest is not what the file's author wrote, and Azure would reject it.
public enum ContainerDamage {
    /// The problems found, in words; empty for a sound container (and for raw or qcow2 images,
    /// which qemu checks itself).
    public static func problems(path: String, format: DiskImageFormat) -> [String] {
        if let misnamed = misnamed(fileName: path, format: format) { return [misnamed] }
        guard format == .vhd else { return [] }
        do {
            let file = try DiskImageFile(path: path)
            defer { file.close() }
            return problems(footer: try VHDFooter.read(from: file.containerBytes), file: file.containerBytes)
        } catch {
            return ["\(error)"]
        }
    }

    /// A raw or qcow2 image whose name says VHD: the footer was lost (truncated) or it never was one.
    static func misnamed(fileName: String, format: DiskImageFormat) -> String? {
        guard format != .vhd, fileName.lowercased().hasSuffix(".vhd") else { return nil }
        return "named .vhd but its content is \(format.rawValue): no VHD footer (\"conectix\") in the last 512 bytes, so the file is truncated or not a VHD"
    }

    static func problems(footer: VHDFooter, file: ContainerBytes) -> [String] {
        var problems: [String] = []
        if !footer.checksumIsValid {
            problems.append(String(format: "footer checksum is 0x%08X but the footer sums to 0x%08X: the footer is corrupt", footer.storedChecksum, footer.computedChecksum))
        }
        switch footer.diskType {
        case .fixed:
            if file.size != footer.currentSize + UInt64(VHDFooter.size) {
                problems.append("file is \(file.size) bytes but a fixed VHD of \(footer.currentSize) bytes must be \(footer.currentSize + UInt64(VHDFooter.size)) (data + 512-byte footer): truncated or padded")
            }
        case .dynamic:
            problems += VHDDynamicLayout.problems(footer: footer, fileSize: file.size, read: file.reader)
        case .differencing:
            // `DiskImageFormat.detect` refuses these before any check runs; the same words here
            // for a caller that checks a footer on its own.
            problems.append((try? ContainerReferences.vhdRefusal(footer: footer, file: file)).flatMap { $0 }
                            ?? "it is a differencing VHD that needs a parent image; kdumpbake opens only self-contained images")
        case .other:
            problems.append("disk type \(footer.diskType) is not a VHD disk type")
        }
        return problems
    }
}
