import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs Debian's debootstrap to install a real guest's system into a host directory.
///
/// This is the distribution's own installer fetching signed packages from its archive (it checks the
/// Release signature with the host's debian-archive-keyring), run to build a test fixture. It needs root
/// (it chroots and runs the packages' maintainer scripts) and the network on a cold cache. Downloaded
/// .debs are kept in `packageCache` (`--cache-dir`) so a rebuild after a recipe change downloads only what
/// changed on the mirror.
enum Debootstrap {
    static func install(_ recipe: RealGuestRecipe, into target: String, packageCache: String) throws {
        guard geteuid() == 0 else {
            throw TestImageError.message("""
                building the real \(recipe.name) guest runs debootstrap, which needs root (ci runs the tests as root)
                """)
        }
        guard HostCommand.resolve("debootstrap") != nil else {
            throw TestImageError.message("debootstrap is not installed (ci/setup installs it)")
        }
        try FileManager.default.createDirectory(atPath: packageCache, withIntermediateDirectories: true)
        // One debootstrap at a time per package cache: two writing the same .deb would race.
        let lock = try FileLock(packageCache + ".lock")
        defer { lock.unlock() }

        let argv = [
            "debootstrap", "--variant=minbase", "--components=main",
            "--cache-dir=" + packageCache,
            "--include=" + recipe.packages.joined(separator: ","),
            recipe.suite, target, recipe.mirror,
        ]
        // A fixed environment: the host's locale or a stray DEBCONF_* must not change what gets configured.
        let environment = [
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C", "HOME": "/root",
            "DEBIAN_FRONTEND": "noninteractive",
        ]
        do {
            try HostCommand.run(argv, environment: environment)
        } catch let error as TestImageError {
            // On failure debootstrap keeps its own log in the target; its tail names the package that failed.
            let log = (try? String(contentsOfFile: target + "/debootstrap/debootstrap.log", encoding: .utf8)) ?? ""
            let tail = log.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).joined(separator: "\n")
            throw TestImageError(command: error.command, status: error.status,
                                 stderr: error.stderr + (tail.isEmpty ? "" : "\n--- debootstrap.log (last lines) ---\n" + tail))
        }
        // debootstrap unmounts /proc and /sys of the target itself; make sure, before anything reads the tree.
        guard MountGuard.detachAll(below: target) else {
            throw TestImageError.message("debootstrap left mounts below \(target)")
        }
    }
}
