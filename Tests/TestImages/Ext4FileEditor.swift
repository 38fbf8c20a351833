import Foundation

/// Reads and replaces regular files of an ext4 filesystem inside a raw disk image with e2fsprogs' debugfs
/// (`image?offset=N` opens the partition in place): no mount, no loop device, no appliance, as for the
/// rest of the image building.
///
/// debugfs exits 0 even when one of its commands fails, so nothing here trusts its status: every write is
/// read back and compared byte for byte, and `e2fsck -fn` must find the filesystem clean afterwards.
struct Ext4FileEditor {
    let image: String
    /// Byte offset of the ext4 filesystem in `image`.
    let offset: Int
    /// Host directory for staged file contents.
    let workDir: String

    private var device: String { "\(image)?offset=\(offset)" }

    /// A regular file's bytes and permission bits, or nil when nothing is at `path`.
    func read(_ path: String) throws -> (data: Data, mode: Int)? {
        try Self.checkPath(path)
        let stat = String(decoding: try HostCommand.run(["debugfs", "-R", "stat " + path, device]), as: UTF8.self)
        guard !stat.isEmpty else { return nil }
        guard stat.contains("Type: regular") else {
            throw TestImageError.message("\(path) in \(image) is not a regular file:\n\(stat.prefix(200))")
        }
        let staged = workDir + "/read-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: staged) }
        // -p: the host copy keeps the inode's permission bits.
        try HostCommand.run(["debugfs", "-R", "dump -p \(path) \(staged)", device])
        guard let data = FileManager.default.contents(atPath: staged),
              let mode = (try FileManager.default.attributesOfItem(atPath: staged)[.posixPermissions] as? Int) else {
            throw TestImageError.message("debugfs could not dump \(path) from \(image)")
        }
        return (data, mode)
    }

    /// Writes each file (replacing whatever is there) with the given mode, owned by root (debugfs takes
    /// the staged host file's owner; the builder runs as root), then verifies every byte and the filesystem.
    func write(_ files: [(path: String, data: Data, mode: Int)]) throws {
        var commands = ""
        for (index, file) in files.enumerated() {
            try Self.checkPath(file.path)
            let staged = workDir + "/write-\(index)"
            try Self.checkPath(staged)
            guard FileManager.default.createFile(atPath: staged, contents: file.data, attributes: [.posixPermissions: file.mode]) else {
                throw TestImageError.message("cannot stage \(file.path) in \(workDir)")
            }
            // debugfs' `write` links its second argument as one name into the current directory.
            let directory = (file.path as NSString).deletingLastPathComponent
            let name = (file.path as NSString).lastPathComponent
            commands += "cd \(directory)\n"
            if try read(file.path) != nil { commands += "rm \(name)\n" }
            commands += "write \(staged) \(name)\n"
        }
        let script = workDir + "/debugfs-commands"
        try Data(commands.utf8).write(to: URL(fileURLWithPath: script))
        try HostCommand.run(["debugfs", "-w", "-f", script, device])

        for file in files {
            guard let back = try read(file.path), back.data == file.data, back.mode == file.mode else {
                throw TestImageError.message("debugfs did not write \(file.path) into \(image) as asked")
            }
        }
        try HostCommand.run(["e2fsck", "-f", "-n", device])
    }

    /// debugfs splits its commands on blanks and treats quotes specially: only plain absolute paths pass.
    private static func checkPath(_ path: String) throws {
        guard path.hasPrefix("/"), !path.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "\\" }) else {
            throw TestImageError.message("path not usable with debugfs: \(path)")
        }
    }
}

enum DerivedGuestBuilder {
    /// Where `DiskBuilder.buildSingleRootDisk` (every real guest's layout) starts the ext4 root partition.
    static let rootPartitionOffset = 1 << 20

    /// Copies the base's cached raw image (`base`) to `image` and applies the recipe's edits to its root filesystem.
    static func buildRaw(_ recipe: DerivedGuestRecipe, base: TestImage, at image: String, workDir: String) throws {
        try HostCommand.run(["cp", "--reflink=auto", "--sparse=always", base.path, image])
        let editor = Ext4FileEditor(image: image, offset: rootPartitionOffset, workDir: workDir)

        // The final contents of each touched path, in first-touched order.
        var order: [String] = []
        var files: [String: (data: Data, mode: Int)] = [:]
        for edit in recipe.edits {
            let current: (data: Data, mode: Int)?
            if let pending = files[edit.path] { current = pending } else {
                current = try editor.read(edit.path)
                order.append(edit.path)
            }
            switch edit {
            case .replace(let path, let old, let new):
                guard let current else {
                    throw TestImageError.message("\(recipe.name): \(path) is missing from the \(recipe.base.name) base")
                }
                let text = String(decoding: current.data, as: UTF8.self)
                let count = text.components(separatedBy: old).count - 1
                guard count == 1 else {
                    throw TestImageError.message("""
                        \(recipe.name): expected exactly one occurrence in \(recipe.base.name)'s \(path), found \(count) of:
                        \(old)
                        """)
                }
                files[path] = (Data(text.replacingOccurrences(of: old, with: new).utf8), current.mode)
            case .create(let path, let text, let mode):
                guard current == nil else {
                    throw TestImageError.message("\(recipe.name): \(path) already exists in the \(recipe.base.name) base")
                }
                files[path] = (Data(text.utf8), mode)
            }
        }
        try editor.write(order.map { ($0, files[$0]!.data, files[$0]!.mode) })
    }
}
