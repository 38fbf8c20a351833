import Foundation
import KdumpBakeCore

/// What must hold for any input to each parser of guest or image bytes: no trap, no read outside
/// the buffer, a command line re-parses to itself. `ci/fuzz` runs these under libFuzzer with
/// AddressSanitizer (`Entry.swift`); a plain build replays saved inputs through the same code.
/// Each harness is a precondition-checking walk over one parser family, so a violated
/// invariant is a crash libFuzzer keeps.
enum Harness: String, CaseIterable {
    case cpio, text, vhd, container

    func run(_ bytes: [UInt8]) {
        switch self {
        case .cpio: Self.cpio(bytes)
        case .text: Self.text(bytes)
        case .vhd: Self.vhd(bytes)
        case .container: Self.container(bytes)
        }
    }

    private static func cpio(_ bytes: [UInt8]) {
        // Walk archives back to back, as an initrd holds them; every range must lie in the buffer.
        var offset = 0
        while offset < bytes.count, let archive = try? CpioArchive.read(bytes, at: offset) {
            precondition(archive.endOffset > offset && archive.endOffset <= bytes.count, "end offset outside the buffer")
            for entry in archive.entries {
                precondition(entry.dataRange.lowerBound >= offset && entry.dataRange.upperBound <= archive.endOffset
                             && entry.dataRange.count == entry.size, "entry data outside its archive")
            }
            offset = archive.endOffset
            while offset < bytes.count, bytes[offset] == 0 { offset += 1 }
        }
        for at in [-1, 0, 1, bytes.count / 2, bytes.count - 1, bytes.count] { _ = InitrdCompression.detect(bytes, at: at) }
    }

    private static func text(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let conf = KdumpConf.parse(bytes: bytes)
        _ = conf.dracutAddDrivers()
        // The el6 rule (only a leading # is a comment) beside the default one.
        _ = KdumpConf.parse(text) { line in line.first == "#" ? [] : line[...] }.directives.map(\.words)
        _ = SysctlConf.parse(bytes: bytes, file: "sysctl.conf")
        _ = ShellAssignments.parse(bytes: bytes).effective
        _ = ShellWords.split(text)
        let line = KernelCommandLine(text)
        precondition(KernelCommandLine(line.description) == line, "a command line does not re-parse to itself")
        _ = line.driverBlacklist()
        let env = GrubEnv.parse(bytes: bytes)
        _ = env.expand(text)
        _ = GrubLegacyConf.parse(bytes: bytes).defaultEntry(savedIndex: Int(bytes.first ?? 0) - 1)
        let grub2 = Grub2Config.parse(bytes: bytes)
        _ = grub2.defaultCommandLine(env: env)
        _ = grub2.defaultEntry(env: GrubEnv(variables: ["saved_entry": text]))
        let entry = BootLoaderSpecEntry.parse(bytes: bytes, fileName: "fuzz.conf")
        _ = BootLoaderSpec.defaultEntry([entry, BootLoaderSpecEntry(id: text, version: text)], env: env)
    }

    private static func vhd(_ bytes: [UInt8]) {
        guard bytes.count >= VHDFooter.size, let footer = try? VHDFooter(Array(bytes.suffix(VHDFooter.size))) else { return }
        _ = VHDDynamicLayout.problems(footer: footer, fileSize: UInt64(bytes.count)) { offset, count in
            precondition(count >= 0 && offset <= UInt64(bytes.count) && UInt64(bytes.count) - offset >= UInt64(count),
                         "read of \(count) bytes at \(offset) outside a \(bytes.count)-byte file")
            return Array(bytes[Int(offset)..<Int(offset) + count])
        }
    }

    private static func container(_ bytes: [UInt8]) {
        // As the file it is, and as a file whose size claims more bytes than it has (reads come back short).
        for claimed in [UInt64(bytes.count), UInt64(bytes.count) * 3 + 512] {
            let file = ContainerBytes(size: claimed) { offset, count in
                precondition(count > 0 && count <= ContainerBytes.maximumRead && offset < claimed && claimed - offset >= UInt64(count),
                             "read of \(count) bytes at \(offset) outside a \(claimed)-byte file or over the bound")
                guard offset < UInt64(bytes.count) else { return [] }
                return Array(bytes[Int(offset)..<Int(offset) + min(count, bytes.count - Int(offset))])
            }
            if let refusal = try? ContainerReferences.refusal(in: file) {
                precondition(!refusal.isEmpty && !refusal.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
                             "a refusal that is not one printable line")
            }
        }
    }
}
