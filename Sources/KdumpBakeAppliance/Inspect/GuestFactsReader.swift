import KdumpBakeCore
import Foundation
import Guestfs

/// Reads `GuestFacts` for one root from a launched appliance: the only place the audit touches
/// the guest. Every read is bounded and symlinks are resolved inside the guest, because the
/// guest is hostile input (a kdump.conf that links to /dev/zero, a 1 GB sysctl.conf).
struct GuestFactsReader {
    let handle: GuestfsHandle
    /// Configuration files larger than this are reported, not read.
    var configFileLimit: Int64 = 1 << 20
    /// Initrds larger than this are reported, not listed.
    var initrdLimit: Int64 = 512 << 20
    /// rpm databases larger than this are not read (a real one is 20–150 MB).
    var rpmDatabaseLimit: Int64 = 512 << 20

    /// Mounts the root read-only, reads everything the checks need, unmounts. `rootMounted`: its
    /// `/` is already mounted read-only (left so by `RootFinder`); only the rest is mounted.
    func read(_ root: GuestRoot, rootMounted: Bool = false) throws -> GuestFacts {
        try root.mount(on: handle, writable: false, skippingRoot: rootMounted)
        defer { try? handle.unmountAll() }
        var facts = GuestFacts(os: root.os)

        var paths = GuestPaths.fixedFiles
        for pattern in GuestPaths.globbedFiles { paths += try handle.glob(pattern) }
        for directory in GuestPaths.sysctlDirectories where try handle.isDirectory(directory) {
            paths += try handle.list(directory).filter { $0.hasSuffix(".conf") }.sorted().map { "\(directory)/\($0)" }
        }
        for path in paths { facts.files[path] = try file(path) }

        facts.kernels = try installedKernels()
        let sysconfig = KdumpSysconfig(facts: facts)
        // Initrds (downloaded and decompressed) only for the kernels a profile may cover.
        let coverable = GuestFacts.newest(Profile.maxKernelsLimit, of: facts.kernels)
        let kdumpTools = KdumpToolsRelease.resolve(distro: root.os.distro, distroVersion: root.os.version, package: nil)
        for kernel in coverable {
            for family in [KdumpFamily.el6, .el7] {
                let release = KexecToolsRelease.resolve(family: family, distroVersion: root.os.version, package: nil)
                let path = release.initrdPath(kernel: kernel, sysconfig: sysconfig)
                if let initrd = try kdumpInitrd(path) { facts.kdumpInitrds[path] = initrd }
            }
            // kdump-tools and SUSE kdump ≤ 1.0 keep one initrd per kernel; SUSE 2.0 one in all.
            for path in [kdumpTools.initrdPath(kernel: kernel), SuseKdumpRelease.perKernelInitrdPath(kernel)] {
                if let initrd = try kdumpInitrd(path) { facts.kdumpInitrds[path] = initrd }
            }
            for path in KdumpToolsPaths.perKernelFiles(kernel) { facts.files[path] = try file(path) }
        }
        let suseSingle = SuseKdumpRelease.singleInitrdPath
        if let initrd = try kdumpInitrd(suseSingle) { facts.kdumpInitrds[suseSingle] = initrd }
        for path in KdumpToolsPaths.presenceProbes {
            if let status = try? handle.lstat(path) { facts.mtimes[path] = status.mtimeSeconds }
        }
        facts.kdumpToolsPackage = try kdumpToolsPackage()
        try readRebuildInputTimes(&facts, sysconfig: sysconfig, kernels: coverable)
        (facts.kexecToolsPackage, facts.kdumpUtilsPackage) = try kdumpPackages()
        facts.mkdumprdPath = try GuestPaths.mkdumprdCandidates.first { try handle.isFile($0, followSymlinks: true) }
        for pattern in GuestPaths.serviceLinkGlobs {
            facts.serviceLinks += try handle.glob(pattern)
        }
        return facts
    }

    /// One file, classified without trusting it: resolved inside the guest, size checked before
    /// reading, devices and directories not read. Every guest file whose contents kdumpbake reads
    /// comes through here (or `smallText`), but for initrds and the rpm database, which have
    /// their own caps below.
    func file(_ path: String) throws -> GuestFile {
        guard let status = try? handle.lstat(path) else { return GuestFile(path: path, state: .missing) }
        var resolved: String?
        var target = status
        if status.isSymlink {
            guard let real = try? handle.realpath(path) else {
                return GuestFile(path: path, state: .missing)  // dangling or looping link
            }
            resolved = real
            if real == "/dev/null" { return GuestFile(path: path, resolvedPath: real, state: .masked) }
            guard let realStatus = try? handle.lstat(real) else { return GuestFile(path: path, resolvedPath: real, state: .missing) }
            target = realStatus
        }
        guard target.isRegularFile else { return GuestFile(path: path, resolvedPath: resolved, state: .notRegular, mtime: target.mtimeSeconds) }
        guard target.size <= configFileLimit else {
            return GuestFile(path: path, resolvedPath: resolved, state: .tooLarge(size: target.size), mtime: target.mtimeSeconds)
        }
        let bytes = try handle.pread(resolved ?? path, count: Int(target.size))
        return GuestFile(path: path, resolvedPath: resolved, state: .read(bytes: bytes), mtime: target.mtimeSeconds)
    }

    /// The ages of the files whose being newer than a kdump initrd makes the service rebuild it
    /// (`KexecToolsRelease.rebuildInputs`): kernel images, /etc/fstab, and the hooks, binaries and
    /// core collector kdump.conf names. Guest-named paths are only stat'ed, at most 64 of them.
    private func readRebuildInputTimes(_ facts: inout GuestFacts, sysconfig: KdumpSysconfig, kernels: [String]) throws {
        let conf = facts.text(GuestPaths.kdumpConf).map { KdumpConf.parse($0) } ?? KdumpConf(directives: [])
        let paths = KexecToolsRelease.rebuildInputCandidates(conf: conf, sysconfig: sysconfig, kernels: kernels)
        for path in paths.prefix(64) where facts.files[path] == nil {
            guard var status = try? handle.lstat(path) else { continue }
            if status.isSymlink {  // `[ a -nt b ]` follows links; resolved inside the guest
                guard let real = try? handle.realpath(path), let target = try? handle.lstat(real) else { continue }
                status = target
            }
            facts.mtimes[path] = status.mtimeSeconds
        }
    }

    /// The installed kexec-tools (and, on RHEL 10+, kdump-utils) versions from the guest's rpm
    /// database (Berkeley DB `Packages` on el6–el8, `rpmdb.sqlite` from el9), scanned on the host
    /// for the packages' headers (`RpmHeaderScan`); nil when there is no readable database or no
    /// record. The first database with a kexec-tools record answers both.
    private func kdumpPackages() throws -> (kexecTools: KexecToolsVersion?, kdumpUtils: KexecToolsVersion?) {
        for path in GuestPaths.rpmDatabases {
            guard let status = try? handle.lstat(path), status.isRegularFile, status.size <= rpmDatabaseLimit else { continue }
            let bytes = try hostBytes(of: path, size: status.size)
            if let newest = RpmHeaderScan.versions(of: "kexec-tools", in: bytes).max() {
                return (newest, RpmHeaderScan.versions(of: "kdump-utils", in: bytes).max())
            }
        }
        return (nil, nil)
    }

    /// The installed kdump-tools version from the guest's dpkg status (Debian, Ubuntu); nil when
    /// there is none or it is not installed. The status file is plain text, a few MB at most.
    private func kdumpToolsPackage() throws -> DebianPackageVersion? {
        let path = KdumpToolsPaths.dpkgStatus
        guard let status = try? handle.lstat(path), status.isRegularFile, status.size <= rpmDatabaseLimit else { return nil }
        return DpkgStatus.installedVersion(of: "kdump-tools", in: String(decoding: try hostBytes(of: path, size: status.size), as: UTF8.self))
    }

    /// Kernels with both a /boot/vmlinuz-KVER and a /lib/modules/KVER directory.
    func installedKernels() throws -> [String] {
        guard try handle.isDirectory("/boot") else { return [] }
        return try handle.list("/boot")
            .filter { $0.hasPrefix("vmlinuz-") }
            .map { String($0.dropFirst("vmlinuz-".count)) }
            .filter { !$0.isEmpty }
            .filter { try handle.isDirectory("/lib/modules/\($0)", followSymlinks: true) }
            .sorted()
    }

    /// A kdump initrd and its module list; nil when the file does not exist.
    func kdumpInitrd(_ path: String) throws -> KdumpInitrd? {
        guard let status = try? handle.lstat(path) else { return nil }
        var initrd = KdumpInitrd(path: path, exists: true, mtime: status.mtimeSeconds)
        guard status.isRegularFile else {
            initrd.modules = .failure(InitrdReadFailure("not a regular file"))
            return initrd
        }
        guard status.size <= initrdLimit else {
            initrd.modules = .failure(InitrdReadFailure("\(status.size) bytes, larger than the \(initrdLimit >> 20) MiB kdumpbake reads"))
            return initrd
        }
        switch Result(catching: { try listing(path, size: status.size) }) {
        case .success(let listing):
            initrd.modules = .success(listing.modules)
            initrd.files = listing.contents
        case .failure(let error):
            initrd.modules = .failure(InitrdReadFailure("\(error)"))
        }
        return initrd
    }

    /// Copies the initrd to a private host temp file (never mounted, never executed) and reads
    /// its cpio archives in Swift: libguestfs's own initrd_list knows gzip and one archive only.
    private func listing(_ path: String, size: Int64) throws -> InitrdListing {
        try InitrdReader.fileList(try hostBytes(of: path, size: size))
    }

    /// Files up to this size are read with `pread` calls instead of `download`.
    static let preadWholeFileLimit = 1 << 20

    /// A whole guest file's bytes. Up to `preadWholeFileLimit`: `pread` calls of the protocol's
    /// size, one round trip for a dpkg status file (`download` through a host temporary file
    /// costs ~0.3 s under TCG whatever the size); larger files (initrds, rpm databases): `download`
    /// into a private host temporary file, removed on return. Callers bound the size first and
    /// pass what their `lstat` said.
    private func hostBytes(of path: String, size: Int64) throws -> [UInt8] {
        if size <= Self.preadWholeFileLimit {
            var bytes: [UInt8] = []
            while bytes.count < Int(size) {
                let chunk = try handle.pread(path, count: Int(size) - bytes.count, offset: Int64(bytes.count))
                if chunk.isEmpty { break }  // shrank since lstat
                bytes += chunk
            }
            return bytes
        }
        let directory = try HostTemporaryDirectory(prefix: "kdumpbake-download")
        let hostCopy = directory.path + "/file"
        try handle.download(path, toHostFile: hostCopy)
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: hostCopy)))
    }
}

extension GuestFactsReader {
    /// Release files, /etc/fstab, /etc/selinux/config: a few lines each, so anything bigger is
    /// not what it claims to be.
    static let smallFileLimit: Int64 = 64 * 1024

    /// A small text file's contents, following symlinks inside the guest; nil when absent,
    /// masked, not a regular file or larger than `smallFileLimit`. The same read as `file(_:)`
    /// with the smaller cap, for the few files read outside `read(_:)`.
    static func smallText(_ path: String, on handle: GuestfsHandle) throws -> String? {
        var reader = GuestFactsReader(handle: handle)
        reader.configFileLimit = smallFileLimit
        return try reader.file(path).text
    }
}
