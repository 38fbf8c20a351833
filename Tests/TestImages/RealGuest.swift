/// A test guest installed by the distribution's own tools (debootstrap from the Debian archive) instead of
/// written file by file like `GuestRecipe`: real packages, real maintainer scripts, real kernels, real
/// `kdump-config` and `mkinitramfs`. Only what a chroot cannot produce is written by us (the bootloader
/// configuration, see `DebianGrubConfig`).
///
/// Every setting lives in this one value and its hash names the cached image, so changing the package list,
/// the mirror or the disk size builds a new image. What the mirror serves changes over time (a Debian point
/// release brings a new kernel ABI): a cached image keeps what the archive held on the day it was built, and
/// tests must read kernel versions from the image, never hard-code them.
public struct RealGuestRecipe: Sendable, Hashable {
    /// The base name of the cached image ("debian12").
    public var name: String
    /// The debootstrap suite ("bookworm") and the mirror it downloads from.
    public var suite: String
    public var mirror: String
    /// The packages installed on top of debootstrap's `minbase` variant (debootstrap resolves their
    /// Depends and Pre-Depends, not Recommends).
    public var packages: [String]
    /// Whole disk size in MiB (MBR, one ext4 root partition from 1 MiB to the end; /boot lives in /).
    public var diskMiB: Int
    /// Fixed identities, because /etc/fstab and grub.cfg name them.
    public var rootUUID: String
    public var diskID: String
    public var hostname: String
    /// What `update-grub` would put after `ro` in the normal (non-recovery) entries: Debian's
    /// `GRUB_CMDLINE_LINUX_DEFAULT`. See `RealGuest.debian12` for why it has no crashkernel=.
    public var kernelArguments: String

    public init(name: String, suite: String, mirror: String, packages: [String], diskMiB: Int, rootUUID: String,
                diskID: String, hostname: String, kernelArguments: String) {
        self.name = name
        self.suite = suite
        self.mirror = mirror
        self.packages = packages
        self.diskMiB = diskMiB
        self.rootUUID = rootUUID
        self.diskID = diskID
        self.hostname = hostname
        self.kernelArguments = kernelArguments
    }
}

/// The real guests the tests use.
public enum RealGuest {
    /// Debian 12 (bookworm) with two kernels and kdump-tools, as a Debian cloud image looks after
    /// `apt install kdump-tools` — installed by debootstrap from deb.debian.org (needs root and network on
    /// the first build; about 2 minutes and 150 MB of downloads, cached afterwards).
    ///
    /// - Two kernels (`linux-image-cloud-amd64` and `linux-image-amd64`), because building a kdump initrd per
    ///   kernel is the slow step a product must handle more than once. Debian cloud images carry /boot inside /.
    /// - `initramfs-tools` is named explicitly: kdump-tools only *Recommends* initramfs-tools-core and without
    ///   it nothing ever builds a kdump initrd (reference "Debian 12 test guest", L362–366). `zstd` because
    ///   Debian 12's initramfs.conf says `COMPRESS=zstd` and mkinitramfs falls back to gzip without it (L221–222).
    /// - kdump-tools' postinst writes `/etc/default/kdump-tools` (USE_KDUMP=1) and
    ///   `/etc/default/grub.d/kdump-tools.cfg` (crashkernel=384M-:128M) and runs `update-grub` only when it
    ///   exists and /boot/grub/grub.cfg exists (L367–370, L190). Neither does in this guest (no grub package,
    ///   and grub.cfg is written after debootstrap), so the reservation is *configured but not active*: the
    ///   generated grub.cfg has no crashkernel= (`kernelArguments` = Debian's default "quiet"). That is the
    ///   state of a cloud image whose grub.cfg predates kdump-tools and was never regenerated — what an offline
    ///   tool must repair by editing the `linux` lines (L266–267).
    /// - `procps` (priority important, in every cloud image; not in minbase) ships /etc/sysctl.conf, the target of
    ///   systemd's /etc/sysctl.d/99-sysctl.conf link (L236).
    /// - No kdump initrd exists after the build, /var/lib/kdump is empty (observed; reference L369–370): the
    ///   hook `/etc/kernel/postinst.d/kdump-tools` is a conffile of kdump-tools, which dpkg puts in place only
    ///   when kdump-tools is *configured*, and debootstrap's dpkg configures both kernels before kdump-tools.
    ///   /boot holds each kernel's boot initramfs (MODULES=most, zstd) from initramfs-tools' hook.
    public static let debian12 = RealGuestRecipe(
        name: "debian12",
        suite: "bookworm",
        mirror: "http://deb.debian.org/debian",
        packages: [
            "linux-image-cloud-amd64", "linux-image-amd64",
            "kdump-tools", "kexec-tools", "makedumpfile", "initramfs-tools", "zstd",
            "systemd", "systemd-sysv", "udev", "procps",
        ],
        diskMiB: 3072,
        rootUUID: "d0000012-0120-4012-8012-000000000001",
        diskID: "0xdeb12012",
        hostname: "debian12",
        kernelArguments: "quiet")
}
