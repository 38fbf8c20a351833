/// The real Debian 12 guest with kdump switched off, for `kdumpbake drill`'s verdicts without a dump: what a
/// panicked VM does when nothing captures the crash. Only the guest's own settings change; its kernel,
/// systemd and kdump-tools are Debian's (see `DerivedGuestRecipe`).
///
/// `USE_KDUMP=0` makes kdump-config refuse to load (`check_kdump_support`), so kdump never arms and the
/// audit's kdump.enabled check fails: the drill then crashes the guest right after boot.
extension RealGuest {
    /// kdump off and kernel.panic left at the kernel's default 0: a panic hangs the VM forever, the seed's story.
    public static let debian12KdumpOff = DerivedGuestRecipe(
        name: "debian12-kdump-off", base: debian12, edits: [kdumpOff])

    /// kdump off, `kernel.panic = 5` in a sysctl drop-in: the seed's first fix alone — the VM reboots after the
    /// panic, with no dump.
    public static let debian12KdumpOffPanic5 = DerivedGuestRecipe(
        name: "debian12-kdump-off-panic5", base: debian12,
        edits: [kdumpOff, .create(path: "/etc/sysctl.d/90-panic.conf", text: "kernel.panic = 5\n", mode: 0o644)])

    private static let kdumpOff = GuestFileEdit.replace(path: "/etc/default/kdump-tools", old: "\nUSE_KDUMP=1\n", new: "\nUSE_KDUMP=0\n")
}
