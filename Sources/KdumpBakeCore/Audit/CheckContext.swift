/// What a guest check looks at: the facts read from one guest and the profile chosen for it.
public struct CheckContext: Sendable {
    public let facts: GuestFacts
    public let profile: Profile
    /// The guest's kexec-tools release: the rules its kdump tools follow.
    public let release: KexecToolsRelease
    /// The guest's kdump-tools release, for the `kdump-tools` family (nil for the others, whose
    /// rules are `release`'s).
    public let kdumpTools: KdumpToolsRelease?
    /// The guest's SUSE kdump generation, for the `sles` family.
    public let suseKdump: SuseKdumpRelease?
    /// /etc/sysconfig/kdump as the service reads it.
    public let sysconfig: KdumpSysconfig
    /// /etc/kdump.conf as the release's tools read it; nil when it could not be read.
    public let kdumpConf: KdumpConf?
    /// What `selectedKernels` and `kernelsBeyondCap` say, derived once: every check asks.
    private let kernelSelection: (covered: [String], beyondCap: [String])

    /// Derives what every check asks once, not per check and kernel.
    public init(facts: GuestFacts, profile: Profile) {
        self.facts = facts
        self.profile = profile
        release = KexecToolsRelease.resolve(family: profile.family, distroVersion: facts.os.version, package: facts.kexecToolsPackage,
                                           kdumpUtils: facts.kdumpUtilsPackage)
        kdumpTools = profile.family == .kdumpTools
            ? KdumpToolsRelease.resolve(distro: facts.os.distro, distroVersion: facts.os.version, package: facts.kdumpToolsPackage)
            : nil
        suseKdump = profile.family == .sles ? SuseKdumpRelease(distroVersion: facts.os.version) : nil
        sysconfig = KdumpSysconfig(facts: facts)
        kdumpConf = facts.text(GuestPaths.kdumpConf).map { [release] in release.readKdumpConf($0) }
        kernelSelection = Self.selectKernels(facts: facts, profile: profile, sysconfig: sysconfig)
    }

    public var family: KdumpFamily { profile.family }
    public var values: ProfileValues { profile.values }

    /// The guest path of `kernel`'s kdump initrd (release file name, KDUMP_BOOTDIR).
    public func initrdPath(_ kernel: String) -> String {
        if let kdumpTools { return kdumpTools.initrdPath(kernel: kernel) }
        if let suseKdump { return suseKdump.initrdPath(kernel: kernel) }
        return release.initrdPath(kernel: kernel, sysconfig: sysconfig)
    }

    /// The kernels the profile covers — every installed one, or the boot loader's default (when
    /// /etc/sysconfig/kdump pins `KDUMP_KERNELVER`, the service only ever loads that kernel) —
    /// and of those the newest `max_kernels`.
    public var selectedKernels: [String] { kernelSelection.covered }

    /// The kernels the profile would cover but `max_kernels` leaves out (the oldest).
    public var kernelsBeyondCap: [String] { kernelSelection.beyondCap }

    private static func selectKernels(facts: GuestFacts, profile: Profile, sysconfig: KdumpSysconfig) -> (covered: [String], beyondCap: [String]) {
        var candidates = facts.kernels
        if let pinned = sysconfig.kernelVersion, facts.kernels.contains(pinned) {
            candidates = [pinned]
        } else if profile.kernels == .default,
                  let kernel = BootConfiguration(facts: facts, family: profile.family).defaultEntry?.kernelVersion, facts.kernels.contains(kernel) {
            candidates = [kernel]
        }
        guard candidates.count > profile.maxKernels else { return (candidates, []) }
        let covered = GuestFacts.newest(profile.maxKernels, of: candidates)
        let kept = Set(covered)
        return (covered, candidates.filter { !kept.contains($0) })
    }
}

/// Collects the problems one check finds and turns them into its single finding:
/// one finding per check and image keeps reports stable (a JUnit test case per check).
struct ProblemList {
    private(set) var failures: [String] = []
    private(set) var warnings: [String] = []

    mutating func fail(_ message: String) { failures.append(message) }
    mutating func warn(_ message: String) { warnings.append(message) }

    func finding(_ check: CheckID, pass: String, path: String? = nil, expected: String? = nil, actual: String? = nil) -> Finding {
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
