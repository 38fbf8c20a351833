/// How kdumpbake builds a kdump-tools kdump initrd inside the appliance: the guest's own
/// initramfs-tools, driven the way kdump-tools' kernel hook drives it (a private copy of
/// /etc/initramfs-tools with `KDUMP=y`, `mkinitramfs -d CONFDIR -o …`, L200–207), with two
/// differences an offline build needs:
///
/// - The Azure drivers are named in the copy's `modules` file (honoured in every MODULES mode,
///   L213–215): `MODULES=dep` in the appliance inspects the appliance's disk, so it would pick
///   virtio and leave hv_vmbus/hv_storvsc/nvme out (L211–213).
/// - `latest_sysctls-KVER` is written as a copy of /etc/kdump/sysctl.conf, the snapshot the
///   service compares at every load; without it the first load deletes the baked initrd (L216–220).
///
/// The hook itself is never run: from 1:1.8.2 it does nothing in a chroot, and before that it
/// builds for QEMU (L254–258). The kernel version is hostile guest text, so it reaches the fixed
/// script below only as a positional parameter, never as shell text.
public enum KdumpToolsInitrdBake {
    /// `sh -c SCRIPT kdumpbake-initrd-config MODULE…`: kdump-tools' configuration copy, made once per
    /// image before the builds. It must be exactly /var/lib/kdump/initramfs-tools: kdump-tools' own
    /// initramfs hook adds /etc/kdump/sysctl.conf to the initrd only when `CONFDIR` is that path
    /// (seen on the real Debian 12 guest, hooks/kdump-tools). The builds run side by side
    /// (`InitrdRebuildBatch`) and only read it, so it is made before them, not by each: two builds
    /// recreating one directory delete each other's files mid-build.
    static let configurationScript = """
        set -eu
        state=/var/lib/kdump
        conf=$state/initramfs-tools
        mkdir -p "$state"
        rm -rf "$conf"
        cp -pr /etc/initramfs-tools "$conf"
        sed -e 's/^MODULES=.*/MODULES=dep/' /etc/initramfs-tools/initramfs.conf > "$conf/initramfs.conf"
        echo KDUMP=y >> "$conf/initramfs.conf"
        for module in "$@"; do echo "$module"; done >> "$conf/modules"
        """

    /// `sh -c SCRIPT kdumpbake-initrd KVER`: one kernel's build with the prepared configuration.
    static let buildScript = """
        set -eu
        kver=$1
        state=/var/lib/kdump
        rm -f "$state/initrd.img-$kver.new"
        mkinitramfs -d "$state/initramfs-tools" -o "$state/initrd.img-$kver.new" "$kver"
        mv -f "$state/initrd.img-$kver.new" "$state/initrd.img-$kver"
        if [ -f /etc/kdump/sysctl.conf ]; then cp /etc/kdump/sysctl.conf "$state/latest_sysctls-$kver"; fi
        """

    public static func rebuild(kernel: String, release: KdumpToolsRelease, modules: [String]) -> InitrdRebuild {
        InitrdRebuild(kernel: kernel, initrdPath: release.initrdPath(kernel: kernel),
                      arguments: ["/bin/sh", "-c", buildScript, "kdumpbake-initrd", kernel],
                      preparation: ["/bin/sh", "-c", configurationScript, "kdumpbake-initrd-config"] + modules,
                      summary: "mkinitramfs -d /var/lib/kdump/initramfs-tools -o \(ShellQuoting.quote(release.initrdPath(kernel: kernel))) \(ShellQuoting.quote(kernel))"
                          + (modules.isEmpty ? "" : " (MODULES=dep, plus \(modules.joined(separator: " ")))"),
                      tool: "mkinitramfs")
    }
}
