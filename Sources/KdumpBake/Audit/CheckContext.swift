/// What a guest check looks at: the facts read from one guest and the profile chosen for it.
public struct CheckContext: Sendable {
    public let facts: GuestFacts
    public let profile: Profile
    /// The guest's kexec-tools release: the rules its kdump tools follow.
    public let release: KexecToolsRelease
    /// /etc/sysconfig/kdump as the service reads it.
    public let sysconfig: KdumpSysconfig
    /// /etc/kdump.conf as the release's tools read it; nil when it could not be read.
    public let kdumpConf: KdumpConf?

    /// Derives what every check asks once, not per check and kernel.
    public init(facts: GuestFacts, profile: Profile) {
        self.facts = facts
        self.profile = profile
        release = KexecToolsRelease.resolve(family: profile.family, distroVersion: facts.os.version, package: facts.kexecToolsPackage)
        sysconfig = KdumpSysconfig(facts: facts)
        kdumpConf = facts.text(GuestPaths.kdumpConf).map { [release] in release.readKdumpConf($0) }
    }

    public var family: KdumpFamily { profile.family }
    public var values: ProfileValues { profile.values }

    /// The guest path of `kernel`'s kdump initrd (release file name, KDUMP_BOOTDIR).
    public func initrdPath(_ kernel: String) -> String {
        release.initrdPath(kernel: kernel, sysconfig: sysconfig)
    }

    /// The kernels the profile covers: every installed one, or the boot loader's default, and
    /// of those the newest `max_kernels`. When /etc/sysconfig/kdump pins `KDUMP_KERNELVER`, the
    /// service only ever loads that kernel.
    public var selectedKernels: [String] {
        let candidates = kernelCandidates
        return candidates.count > profile.maxKernels ? GuestFacts.newest(profile.maxKernels, of: candidates) : candidates
    }

    /// The kernels the profile would cover but `max_kernels` leaves out (the oldest).
    public var kernelsBeyondCap: [String] {
        let covered = Set(selectedKernels)
        return kernelCandidates.filter { !covered.contains($0) }
    }

    private var kernelCandidates: [String] {
        if let pinned = sysconfig.kernelVersion, facts.kernels.contains(pinned) { return [pinned] }
        guard profile.kernels == .default else { return facts.kernels }
        if let kernel = BootConfiguration(facts: facts, family: family).defaultEntry?.kernelVersion, facts.kernels.contains(kernel) {
            return [kernel]
        }
        return facts.kernels
    }
}

/// Collects the problems one check finds and turns them into its single finding:
/// one finding per check and image keeps reports stable (a JUnit test case per check).
struct ProblemList {
    private(set) var failures: [String] = []
    private(set) var warnings: [String] = []

    mutating func fail(_ message: String) { failures.append(message) }
    mutating func warn(_ message: String) { warnings.append(message) }

    func finding(_ check: String, pass: String, path: String? = nil, expected: String? = nil, actual: String? = nil) -> Finding {
        if !failures.isEmpty {
            return Finding(check: check, status: .fail, message: (failures + warnings).joined(separator: "; "), path: path, expected: expected, actual: actual)
        }
        if !warnings.isEmpty {
            return Finding(check: check, status: .warn, message: warnings.joined(separator: "; "), path: path, expected: expected, actual: actual)
        }
        return Finding(check: check, status: .pass, message: pass, path: path, expected: expected, actual: actual)
    }
}

extension GuestFile {
    /// Why a file could not be used, in words; nil when it was read.
    var problem: String? {
        switch state {
        case .read: nil
        case .missing: "\(path) is missing"
        case .masked: "\(path) is masked (a symlink to /dev/null)"
        case .notRegular: "\(path) is not a regular file\(resolvedPath.map { " (it resolves to \($0))" } ?? "")"
        case .tooLarge(let size): "\(path) is \(size) bytes, too large to be a configuration file"
        }
    }
}
