import Foundation

/// A real rpm database recording one installed package (no files), made by Debian's `rpm` and
/// `rpmbuild` on the host: what kdumpbake reads a guest's kexec-tools release from.
///
/// rpm 4.18 writes the sqlite format (`rpmdb.sqlite`, as el9 guests have); el6–el8's Berkeley DB
/// `Packages` cannot be written by it. Both store the same rpm header blobs, which is all
/// kdumpbake's reader looks at, so the sqlite file stands in for both. Cached in the test-image
/// directory by name-version-release (a stable mtime keeps recipe fingerprints stable).
public enum RpmDatabase {
    /// The path of a database recording `name-version-release.x86_64`.
    public static func file(name: String, version: String, release: String) throws -> String {
        let cache = try TestImageBuilder.cacheDirectory()
        let final = (cache as NSString).appendingPathComponent("rpmdb-\(name)-\(version)-\(release).sqlite")
        if FileManager.default.fileExists(atPath: final) { return final }
        let work = (cache as NSString).appendingPathComponent("rpmdb-work-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let spec = (work as NSString).appendingPathComponent("package.spec")
        try """
            Name: \(name)
            Version: \(version)
            Release: \(release)
            Summary: TEST STAND-IN package record for kdumpbake
            License: none
            BuildArch: x86_64
            %description
            TEST STAND-IN: an rpm database record without files.
            %files

            """.write(toFile: spec, atomically: true, encoding: .utf8)
        try HostCommand.run(["rpmbuild", "-bb", "--nodeps", "--define", "_topdir \(work)/top",
                             "--define", "_build_id_links none", spec])
        let package = "\(work)/top/RPMS/x86_64/\(name)-\(version)-\(release).x86_64.rpm"
        let root = "\(work)/root"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try HostCommand.run(["rpm", "--root", root, "--dbpath", "/var/lib/rpm", "--initdb"])
        try HostCommand.run(["rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-i", "--justdb", "--nodeps",
                             "--ignorearch", "--noscripts", package])
        let temporary = final + ".tmp-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: "\(root)/var/lib/rpm/rpmdb.sqlite", toPath: temporary)
        guard rename(temporary, final) == 0 else { throw TestImageError.message("cannot rename \(temporary): errno \(errno)") }
        return final
    }
}

extension GuestRecipe {
    /// The guest's rpm database (/var/lib/rpm/rpmdb.sqlite) records kexec-tools `version-release`.
    public func withKexecToolsPackage(version: String, release: String) throws -> GuestRecipe {
        let database = try RpmDatabase.file(name: "kexec-tools", version: version, release: release)
        return withHostCopy("/var/lib/rpm/rpmdb.sqlite", from: database, mode: 0o644)
    }
}
