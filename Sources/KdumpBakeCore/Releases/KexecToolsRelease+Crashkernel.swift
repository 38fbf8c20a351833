/// What each release does with `crashkernel=`: which values its kernel honours, which value its
/// own tools call the default, and whether its package resets a size someone chose.
///
/// Line numbers (L…) cite ../shared/reference/kdump-other-families.md; el6/el7 facts are in
/// kexec-tools-real.md. Nothing here runs anything: `kdumpctl get-default-crashkernel` is
/// answered from the release, because in the appliance it would describe the appliance.
extension KexecToolsRelease {
    /// The RHEL 9 x86_64 default (`kdump_get_arch_recommend_crashkernel`, 9.3 kdump-lib.sh
    /// L1038–1039; Fedora since 34d27c4, 2021-11): reference L59–61.
    public static let rhel9DefaultCrashkernel = "1G-4G:192M,4G-64G:256M,64G-:512M"
    /// kdump-utils ≥ 1.0.53 (fe18f93, 2025-03), and the RHEL 10 documentation (§17.1): L62–64.
    /// Without the +64M kdump-utils adds when SME/SEV is active: an offline tool cannot know.
    public static let rhel10DefaultCrashkernel = "2G-64G:256M,64G-:512M"
    /// What RHEL 8's kdumpctl itself means by `auto` on x86_64 (8.9 kdump-lib.sh L962–963,
    /// `kdumpctl estimate`): L55–57. Written only when a profile asks for it by value.
    public static let rhel8AutoTable = "1G-4G:160M,4G-64G:192M,64G-1T:256M,1T-:512M"
    /// The first kdump-utils with RHEL 10's table (L62).
    static let kdumpUtilsWithRhel10Default = KexecToolsVersion(upstream: [1, 0, 53], release: 0)

    /// The value `crashkernel: any` becomes when patch has to write one: the release's own
    /// default, what `kdumpctl get-default-crashkernel` would print on it (x86_64).
    /// el6, el7 and RHEL 8: `auto` (their kernels size it; L55). RHEL 9: the 9.3 table (L59–61).
    /// RHEL 10: kdump-utils' table (L62–64), or RHEL 9's when the rpm database shows a kdump-utils
    /// older than 1.0.53 (which RHEL 10.0 ships is unverified, L64).
    public var defaultCrashkernel: String {
        guard family == .el8, distroVersion.major >= 9 else { return "auto" }
        if distroVersion.major == 9 { return Self.rhel9DefaultCrashkernel }
        if let kdumpUtils, kdumpUtils < Self.kdumpUtilsWithRhel10Default { return Self.rhel9DefaultCrashkernel }
        return Self.rhel10DefaultCrashkernel
    }

    /// Why this release's kernel reserves nothing for `crashkernel=value`; nil when it honours it.
    /// RHEL 9+ kernels dropped `crashkernel=auto` (L59; LISA runs its auto case only on 8.x, L57–58):
    /// nothing is reserved and kdump never arms.
    public func crashkernelProblem(_ value: String) -> String? {
        guard family == .el8, distroVersion.major >= 9, value == "auto" else { return nil }
        return "RHEL \(distroVersion.major) kernels do not honour crashkernel=auto (only RHEL 8 and older do): nothing is reserved and kdump never arms; use the release's default \(defaultCrashkernel) (kdumpctl get-default-crashkernel)"
    }

    /// The value patch writes for a profile's `crashkernel`: `any` means the release's default.
    public func crashkernelToWrite(profileValue: String) -> String {
        profileValue == "any" ? defaultCrashkernel : profileValue
    }

    /// RHEL 9.3+ and 10 reset every kernel whose crashkernel= differs from the default, at each
    /// kexec-tools/kdump-utils update and for each newly installed kernel, unless kdump.conf says
    /// `auto_reset_crashkernel no` (commit 5b31b09; L69–76). 9.0–9.2 only replaced the *old
    /// default* (L70–71), so a chosen size survived there.
    public var resetsCustomCrashkernel: Bool {
        family == .el8 && (distroVersion.major >= 10 || (distroVersion.major == 9 && distroVersion.minor >= 3))
    }

    /// True when `value` is a size someone chose rather than the release's default (`any` and
    /// the default itself are not).
    public func isCustomCrashkernel(_ value: String) -> Bool {
        value != "any" && value != defaultCrashkernel
    }

    /// The `auto_reset_crashkernel` kdump.conf must carry for a profile's crashkernel value, or nil
    /// for none: `no` on 9.3+/10 when the value is custom, so the size survives updates
    /// (L145–146). Never on RHEL 8, whose kdumpctl refuses the directive (L46–47).
    public func autoResetCrashkernel(for profileValue: String?) -> String? {
        guard resetsCustomCrashkernel, acceptedDirectives.contains("auto_reset_crashkernel"),
              let profileValue, isCustomCrashkernel(profileValue) else { return nil }
        return "no"
    }
}
