import Foundation

/// Turns a recipe into a partitioned raw disk image with host tools only (no mounts, no loop devices,
/// no appliance): sfdisk writes the MBR, mke2fs builds ext4 straight into a partition's byte range, and
/// xfs (which has no offset option) is built in a side file and copied into its partition's range.
/// Every step keeps the image sparse.
enum DiskBuilder {
    private static let sector = 512

    /// Builds the raw image of `recipe` at `image`, using `workDir` (which must exist) for scratch files.
    static func buildRaw(_ recipe: GuestRecipe, at image: String, workDir: String) throws {
        let layout = recipe.layout
        let bootTree = workDir + "/boot-tree", rootTree = workDir + "/root-tree"
        try Materializer.write(recipe, boot: bootTree, root: rootTree)

        _ = FileManager.default.createFile(atPath: image, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: image))
        try handle.truncate(atOffset: UInt64(layout.totalMiB) << 20)
        try handle.close()

        try partition(image, layout: layout)
        try makeFilesystem(layout.bootFS, tree: bootTree, image: image, startMiB: layout.bootStartMiB,
                           sizeMiB: layout.bootMiB, uuid: layout.bootUUID, label: "boot", workDir: workDir)
        try makeFilesystem(layout.rootFS, tree: rootTree, image: image, startMiB: layout.rootStartMiB,
                           sizeMiB: layout.rootMiB, uuid: layout.rootUUID, label: "root", workDir: workDir)
    }

    /// A disk with one ext4 partition holding `tree` as / (MBR, partition 1 from 1 MiB to the end, bootable),
    /// the layout of a Debian cloud image's root with /boot inside it. The real guests use it.
    static func buildSingleRootDisk(tree: String, at image: String, totalMiB: Int, rootUUID: String, diskID: String) throws {
        _ = FileManager.default.createFile(atPath: image, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: image))
        try handle.truncate(atOffset: UInt64(totalMiB) << 20)
        try handle.close()
        let script = """
            label: dos
            label-id: \(diskID)
            unit: sectors

            start=\((1 << 20) / sector), type=83, bootable

            """
        try HostCommand.run(["sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", "--wipe", "never", image],
                            stdin: Data(script.utf8))
        try makeFilesystem(.ext4, tree: tree, image: image, startMiB: 1, sizeMiB: totalMiB - 1, uuid: rootUUID,
                           label: "", workDir: (image as NSString).deletingLastPathComponent)
    }

    /// An MBR ("dos") label: partition 1 = /boot (bootable), partition 2 = / to the end of the disk.
    private static func partition(_ image: String, layout: DiskLayout) throws {
        let perMiB = (1 << 20) / sector
        let script = """
            label: dos
            label-id: \(layout.diskID)
            unit: sectors

            start=\(layout.bootStartMiB * perMiB), size=\(layout.bootMiB * perMiB), type=83, bootable
            start=\(layout.rootStartMiB * perMiB), size=\(layout.rootMiB * perMiB), type=83

            """
        try HostCommand.run(["sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", "--wipe", "never", image],
                            stdin: Data(script.utf8))
    }

    private static func makeFilesystem(_ type: FilesystemType, tree: String, image: String, startMiB: Int,
                                       sizeMiB: Int, uuid: String, label: String, workDir: String) throws {
        switch type {
        case .ext4:
            // -E offset writes the filesystem at the partition's byte offset of the disk image;
            // nodiscard keeps mke2fs from punching the rest of the file; lazy_journal_init skips zeroing
            // the journal (the fresh image is all holes already, zeroing would only allocate them);
            // -d copies the tree.
            // An empty label is left out (Debian's root filesystems have none).
            try HostCommand.run([
                "mke2fs", "-t", "ext4", "-F", "-q"] + (label.isEmpty ? [] : ["-L", label]) + ["-U", uuid,
                "-E", "offset=\(startMiB << 20),nodiscard,lazy_journal_init=1,root_owner=0:0",
                "-d", tree, image, "\(sizeMiB << 10)k",
            ])
        case .xfs:
            let side = workDir + "/\(label).xfs"
            try Xfs.makeFilesystem(from: tree, file: side, sizeMiB: sizeMiB, uuid: uuid, label: label)
            try SparseCopy.copy(side, into: image, atOffset: startMiB << 20)
            try FileManager.default.removeItem(atPath: side)
        }
    }

    /// An Azure-style fixed VHD of `raw`. force_size keeps the exact (whole-MiB) size instead of
    /// rounding to a CHS geometry, which Azure would reject.
    static func convertToFixedVHD(raw: String, vhd: String) throws {
        try HostCommand.run(["qemu-img", "convert", "-q", "-f", "raw", "-O", "vpc",
                             "-o", "subformat=fixed,force_size", raw, vhd])
    }
}
