import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A disk image ready for libguestfs.
public struct TestImage: Sendable {
    public let path: String
    public let format: DiskFormat
    /// True for `scratchCopy` results, which live alone in their own temporary directory.
    public let isScratchCopy: Bool

    /// The libguestfs drive format to pass explicitly: "raw" or "vpc". qemu would probe a fixed VHD as raw
    /// (its footer then counts as disk), so never rely on probing.
    public var guestfsFormat: String { format == .vhd ? "vpc" : "raw" }

    /// Deletes a scratch copy and its temporary directory; does nothing for cached images.
    public func discardScratch() {
        guard isScratchCopy else { return }
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }
}

/// Builds test images on first use and caches them, keyed by the recipe's fingerprint.
///
/// The cache is `<package root>/.build/test-images/` (or `$KDUMPBAKE_TEST_IMAGES` if set, for a binary
/// run away from its source tree). Several processes and threads may ask at once: a per-image lock file
/// (flock) serialises building, and images are built under a temporary name and renamed into place, so
/// a reader never sees a half-built image and a crashed build leaves nothing that looks finished.
public enum TestImageBuilder {
    /// Returns a cached image for the recipe, building it on first use. Treat it as read-only
    /// (open it read-only in libguestfs); use `scratchCopy` to write.
    public static func image(_ recipe: GuestRecipe, format: DiskFormat) throws -> TestImage {
        try cachedImage(name: recipe.name, fingerprint: try Fingerprint.of(recipe), format: format) { raw, work, _ in
            try DiskBuilder.buildRaw(recipe, at: raw, workDir: work)
        }
    }

    /// Returns a cached real guest (debootstrap, see `RealGuest`), building it on first use: root and the
    /// network on a cold cache, about two minutes. Treat it as read-only; use `scratchCopy` to write.
    /// The downloaded packages stay in `<cache>/debootstrap-cache` for rebuilds after a recipe change.
    public static func image(_ recipe: RealGuestRecipe, format: DiskFormat) throws -> TestImage {
        try cachedImage(name: recipe.name, fingerprint: try Fingerprint.of(recipe), format: format) { raw, work, cache in
            try RealGuestBuilder.buildRaw(recipe, at: raw, workDir: work, packageCache: cache + "/debootstrap-cache")
        }
    }

    /// Returns a cached guest derived from a real guest by file edits (see `DerivedGuestRecipe`), building
    /// the base first if needed. Treat it as read-only; use `scratchCopy` to write.
    public static func image(_ recipe: DerivedGuestRecipe, format: DiskFormat) throws -> TestImage {
        let base = try image(recipe.base, format: .raw)
        return try cachedImage(name: recipe.name, fingerprint: try Fingerprint.of(recipe, baseImage: base.path), format: format) { raw, work, _ in
            try DerivedGuestBuilder.buildRaw(recipe, base: base, at: raw, workDir: work)
        }
    }

    /// A fresh writable copy of a cached derived guest; call `discardScratch()` when done.
    public static func scratchCopy(_ recipe: DerivedGuestRecipe, format: DiskFormat) throws -> TestImage {
        try scratchCopy(of: try image(recipe, format: format))
    }

    /// A fresh writable copy of the cached image in a new temporary directory (reflinked where the
    /// filesystem allows, sparse otherwise). Call `discardScratch()` when done.
    public static func scratchCopy(_ recipe: GuestRecipe, format: DiskFormat) throws -> TestImage {
        try scratchCopy(of: try image(recipe, format: format))
    }

    /// A fresh writable copy of a cached real guest; call `discardScratch()` when done.
    public static func scratchCopy(_ recipe: RealGuestRecipe, format: DiskFormat) throws -> TestImage {
        try scratchCopy(of: try image(recipe, format: format))
    }

    /// The cache protocol every kind of image shares: `<name>-<fingerprint prefix>.raw` is built once
    /// under the image's lock in a private work directory and renamed into place; the fixed VHD is
    /// converted from it the same way. `build` gets the raw path to write, the work directory and the
    /// cache directory.
    private static func cachedImage(name: String, fingerprint: String, format: DiskFormat,
                                    build: (String, String, String) throws -> Void) throws -> TestImage {
        let directory = try cacheDirectory()
        let base = directory + "/\(name)-\(fingerprint.prefix(16))"
        let raw = base + ".raw", wanted = base + "." + format.rawValue
        if FileManager.default.fileExists(atPath: wanted) {
            return TestImage(path: wanted, format: format, isScratchCopy: false)
        }

        let lock = try FileLock(base + ".lock")
        defer { lock.unlock() }
        if !FileManager.default.fileExists(atPath: raw) {
            let work = try temporaryDirectory(in: directory, prefix: ".work-\(name)-")
            defer { MountGuard.removeDirectory(work) }
            try build(work + "/disk.raw", work, directory)
            try rename(work + "/disk.raw", to: raw)
        }
        if format == .vhd && !FileManager.default.fileExists(atPath: wanted) {
            let work = try temporaryDirectory(in: directory, prefix: ".work-\(name)-")
            defer { MountGuard.removeDirectory(work) }
            try DiskBuilder.convertToFixedVHD(raw: raw, vhd: work + "/disk.vhd")
            try rename(work + "/disk.vhd", to: wanted)
        }
        return TestImage(path: wanted, format: format, isScratchCopy: false)
    }

    private static func scratchCopy(of cached: TestImage) throws -> TestImage {
        let directory = try temporaryDirectory(in: NSTemporaryDirectory(), prefix: "kdumpbake-scratch-")
        let copy = directory + "/" + (cached.path as NSString).lastPathComponent
        do {
            try HostCommand.run(["cp", "--reflink=auto", "--sparse=always", cached.path, copy])
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        return TestImage(path: copy, format: cached.format, isScratchCopy: true)
    }

    /// The cache directory, created if missing.
    static func cacheDirectory() throws -> String {
        let directory: String
        if let override = ProcessInfo.processInfo.environment["KDUMPBAKE_TEST_IMAGES"], !override.isEmpty {
            directory = override
        } else {
            // This file is <root>/Tests/TestImages/Cache.swift.
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
            directory = root.appendingPathComponent(".build/test-images").path
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    private static func temporaryDirectory(in parent: String, prefix: String) throws -> String {
        var template = Array(((parent as NSString).appendingPathComponent(prefix + "XXXXXX")).utf8CString)
        guard let made = mkdtemp(&template) else {
            throw TestImageError.message("cannot create a temporary directory in \(parent): errno \(errno)")
        }
        return String(cString: made)
    }

    /// rename(2): atomic within the cache directory's filesystem.
    private static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else {
            throw TestImageError.message("cannot rename \(from) to \(to): errno \(errno)")
        }
    }
}

/// An exclusive flock(2) on a lock file, held until `unlock()`. flock locks belong to the open file
/// description, so two threads of one process exclude each other as two processes do.
struct FileLock {
    private let descriptor: Int32

    init(_ path: String) throws {
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw TestImageError.message("cannot open lock file \(path): errno \(errno)") }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(descriptor)
                throw TestImageError.message("cannot lock \(path): errno \(errno)")
            }
        }
    }

    func unlock() {
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
