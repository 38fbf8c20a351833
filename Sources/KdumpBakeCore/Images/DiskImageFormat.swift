import Foundation

/// The container format of a disk image, detected from its bytes — never from the file name.
///
/// qemu must be told the format explicitly: probing lets a raw guest disk masquerade as qcow2
/// (a known attack), and qemu probes a fixed VHD as raw.
public enum DiskImageFormat: String, Sendable, Equatable, CaseIterable {
    case raw
    case qcow2
    /// VHD, fixed or dynamic (qemu calls it `vpc`).
    case vhd

    /// The format name qemu and libguestfs expect.
    public var qemuName: String {
        switch self {
        case .raw: "raw"
        case .qcow2: "qcow2"
        case .vhd: "vpc"
        }
    }

    /// Detects the format of the file at `path`: qcow2 by its magic at offset 0, VHD by the
    /// `conectix` cookie of the footer (last 512 bytes) or of a dynamic disk's header copy
    /// (first 512 bytes), raw otherwise.
    ///
    /// Throws for an image that is not self-contained (a qcow2 with a backing file or an external
    /// data file, a differencing VHD) and for a container kdumpbake does not support (VMDK,
    /// VHDX, VDI…; see `ContainerReferences`): qemu must never open a file the image names, and
    /// an unsupported container must not be read as a raw disk.
    public static func detect(path: String) throws -> DiskImageFormat {
        let file = try DiskImageFile(path: path)
        defer { file.close() }
        return try detect(file.containerBytes, name: path)
    }

    /// Detects the format of an image read through `bytes` (a host file, or a remote image read
    /// by ranges); errors name the image `name`.
    package static func detect(_ bytes: ContainerBytes, name: String) throws -> DiskImageFormat {
        guard bytes.size > 0 else { throw DiskImageError(path: name, message: "empty file, not a disk image") }
        if let refusal = try ContainerReferences.refusal(in: bytes) {
            throw DiskImageError(path: name, message: refusal)
        }
        let head = try bytes.read(at: 0, count: 512)
        if head.starts(with: ContainerReferences.qcow2Magic) { return .qcow2 }
        if head.starts(with: VHDFooter.cookie) { return .vhd }
        if bytes.size >= UInt64(VHDFooter.size),
           try bytes.read(at: bytes.size - UInt64(VHDFooter.size), count: 8) == VHDFooter.cookie {
            return .vhd
        }
        return .raw
    }
}

/// Read-only access to an image file on the host, for the few bytes kdumpbake reads itself
/// (format magic, VHD footer). Opened with O_RDONLY: reading never changes the file.
package struct DiskImageFile {
    let descriptor: Int32
    let size: UInt64
    package let path: String

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DiskImageError(path: path, errno: errno) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            _ = Glibc.close(descriptor)
            throw DiskImageError(path: path, errno: code)
        }
        guard info.st_mode & S_IFMT == S_IFREG || info.st_mode & S_IFMT == S_IFBLK else {
            _ = Glibc.close(descriptor)
            throw DiskImageError(path: path, message: info.st_mode & S_IFMT == S_IFDIR ? "is a directory, not a disk image" : "is not a regular file")
        }
        size = UInt64(info.st_size)
    }

    /// Reads up to `count` bytes at `offset`; fewer at the end of the file.
    package func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
        guard got >= 0 else { throw DiskImageError(path: path, errno: errno) }
        return Array(buffer.prefix(got))
    }

    func close() { _ = Glibc.close(descriptor) }

    /// The open file as `ContainerBytes` (valid until `close`).
    package var containerBytes: ContainerBytes { ContainerBytes(size: size, reader: read) }

    /// The size of the file at `path`.
    static func size(of path: String) throws -> UInt64 {
        let file = try DiskImageFile(path: path)
        defer { file.close() }
        return file.size
    }
}

/// A disk image that cannot be read on the host: names the file and the problem.
public struct DiskImageError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    package init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    package init(path: String, errno code: Int32) {
        self.init(path: path, message: String(cString: strerror(code)))
    }

    public var description: String { "\(path): \(message)" }
}

extension VHDFooter {
    /// Reads and parses the footer of the VHD file at `path` (its last 512 bytes).
    public static func read(path: String) throws -> VHDFooter {
        let file = try DiskImageFile(path: path)
        defer { file.close() }
        return try read(from: file.containerBytes)
    }

    /// Reads and parses the footer of an image (its last 512 bytes).
    package static func read(from bytes: ContainerBytes) throws -> VHDFooter {
        guard bytes.size >= UInt64(size) else { throw VHDFooterError.wrongLength(Int(bytes.size)) }
        return try VHDFooter(try bytes.read(at: bytes.size - UInt64(size), count: size))
    }
}
