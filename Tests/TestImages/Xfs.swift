import Foundation

/// Builds an xfs filesystem image from a host directory tree without mounting anything, through
/// mkfs.xfs's prototype file (`-p`, see mkfs.xfs(8)): the protofile lists every directory, file and
/// symlink, and mkfs.xfs copies regular files from the host paths it names.
enum Xfs {
    /// mkfs.xfs refuses data sections smaller than this.
    static let minimumMiB = 300

    /// Makes `file` (created, `sizeMiB` big, sparse) an xfs filesystem holding a copy of `tree`.
    ///
    /// Features are those of an el7.9 mkfs.xfs (v5 with CRCs, no reflink/bigtime/sparse inodes/finobt) so a
    /// real CentOS 7 kernel could mount it too; the libguestfs appliance kernel mounts either.
    static func makeFilesystem(from tree: String, file: String, sizeMiB: Int, uuid: String, label: String) throws {
        guard sizeMiB >= minimumMiB else {
            throw TestImageError.message("xfs needs at least \(minimumMiB) MiB, the recipe gives \(sizeMiB) MiB")
        }
        let proto = file + ".proto"
        try protofile(for: tree).write(toFile: proto, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: proto) }
        _ = FileManager.default.createFile(atPath: file, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.truncate(atOffset: UInt64(sizeMiB) << 20)
        try handle.close()
        // Run inside the tree: the protofile names source files relative to it, so the host path of the
        // cache (which may contain spaces, which the protofile cannot express) never appears in it.
        try HostCommand.run([
            "mkfs.xfs", "-q", "-f", "-L", label,
            "-m", "uuid=\(uuid),crc=1,finobt=0,reflink=0,rmapbt=0,bigtime=0,inobtcount=0",
            "-i", "sparse=0",
            "-p", proto, file,
        ], in: tree)
    }

    /// The protofile for `tree`: a dummy first line, the ignored block/inode counts, then the root directory.
    static func protofile(for tree: String) throws -> String {
        var lines = ["kdumpbake-test-image", "0 0"]
        try describeDirectory(tree, relative: "", into: &lines, name: nil)
        lines.append("$")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Appends `name mode uid gid` for the directory, its entries (recursively), and its closing `$`.
    private static func describeDirectory(_ host: String, relative: String, into lines: inout [String],
                                          name: String?) throws {
        let files = FileManager.default
        let mode = try permissions(host)
        lines.append([name, "d" + modeString(mode) + " 0 0"].compactMap { $0 }.joined(separator: " "))
        for child in try files.contentsOfDirectory(atPath: host).sorted() {
            let childHost = host + "/" + child
            let childRelative = relative.isEmpty ? child : relative + "/" + child
            try checkToken(child, what: "file name", path: childRelative)
            let attributes = try files.attributesOfItem(atPath: childHost)
            switch attributes[.type] as? FileAttributeType {
            case .typeDirectory?:
                try describeDirectory(childHost, relative: childRelative, into: &lines, name: child)
            case .typeRegular?:
                try checkToken(childRelative, what: "path", path: childRelative)
                lines.append("\(child) -\(modeString(try permissions(childHost))) 0 0 \(childRelative)")
            case .typeSymbolicLink?:
                let target = try files.destinationOfSymbolicLink(atPath: childHost)
                try checkToken(target, what: "symlink target", path: childRelative)
                lines.append("\(child) l--777 0 0 \(target)")
            default:
                throw TestImageError.message("xfs protofile: unsupported file type at \(childRelative)")
            }
        }
        lines.append("$")
    }

    /// `ugOOO`: set-uid and set-gid flags then three octal digits (the protofile has no sticky bit).
    private static func modeString(_ mode: Int) -> String {
        (mode & 0o4000 != 0 ? "u" : "-") + (mode & 0o2000 != 0 ? "g" : "-") + String(format: "%03o", mode & 0o777)
    }

    private static func permissions(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0o755
    }

    /// Protofile tokens are separated by whitespace, `:` starts a comment and `$` closes a directory.
    private static func checkToken(_ token: String, what: String, path: String) throws {
        if token.isEmpty || token == "$" || token.contains(":")
            || token.unicodeScalars.contains(where: { CharacterSet.whitespacesAndNewlines.contains($0) }) {
            throw TestImageError.message(
                "xfs protofile cannot express the \(what) '\(token)' of /\(path) (whitespace, ':' or '$')")
        }
    }
}
