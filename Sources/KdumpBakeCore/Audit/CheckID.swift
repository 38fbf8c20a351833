/// The id of a check, as every report writes it: `check` in JSON, the test case name in JUnit,
/// the second column of the text report.
///
/// The raw values are the ids pipelines match on, so they never change once released; this is
/// the one place each is spelled. A `CheckID` interpolates as its raw value (`"\(id)"` is
/// `kdump.config`), so a message built from one reads the same as the report.
public enum CheckID: String, Codable, CaseIterable, Sendable, CustomStringConvertible {
    /// The image file could not be opened (missing, locked, not a disk image, an unsupported
    /// or referencing container, an interrupted patch's journal beside it): the only finding
    /// such an image gets.
    case imageOpen = "image.open"
    /// On the host, from the bytes: a VHD Azure accepts (`VHDFormatCheck`).
    case vhdFormat = "vhd.format"
    /// One Linux root was found and a profile applies to it (`ProfileSelection`); also carries
    /// why the guest could not be audited at all (no OS, several, the appliance failed).
    case osSupported = "os.supported"
    case sysctlKernelPanic = "sysctl.kernel_panic"
    case kdumpInstalled = "kdump.installed"
    case kdumpConfig = "kdump.config"
    case kdumpInitrd = "kdump.initrd"
    case kdumpInitrdModules = "kdump.initrd_modules"
    case bootCrashkernel = "boot.crashkernel"
    case kdumpEnabled = "kdump.enabled"
    /// `patch --report` JUnit only: the patch outcome of one image, before the checks of its
    /// verifying audit. Never in an audit report.
    case patch

    public var description: String { rawValue }
}

extension CheckID {
    /// The checks that read the guest's files, in report order: pure functions of the facts and
    /// the profile (`GuestChecks.run`), so they can only run once a profile is chosen. When they
    /// cannot run (no profile, the guest unreadable, the appliance failed) each still gets a
    /// finding saying why (`GuestChecks.notRun`): every opened image reports the same checks,
    /// and a CI system sees the same JUnit test cases from one run to the next.
    public static let guestChecks: [CheckID] = [
        .sysctlKernelPanic, .kdumpInstalled, .kdumpConfig, .kdumpInitrd, .kdumpInitrdModules, .bootCrashkernel, .kdumpEnabled,
    ]

    /// Every check of an image that could be opened, in report order: the host-side container
    /// check first (it needs no appliance), then the profile choice, which decides whether the
    /// guest checks can run, then the guest checks.
    public static let audit: [CheckID] = [.vhdFormat, .osSupported] + guestChecks
}
