/// The files an installed CentOS kernel package leaves on disk, reduced to what kdumpbake looks at:
/// the /boot quartet and a /lib/modules tree whose module *file names and paths* match the real ones.
///
/// The module paths matter because the stand-in mkdumprd (like el6's) matches blacklist entries against
/// file basenames, e.g. the Hyper-V HID driver is `hid-hyperv.ko` with a dash. Module contents are filler.
enum KernelFiles {
    /// A module file: its path under /lib/modules/KVER and the module files it depends on.
    struct Module {
        let path: String
        let dependencies: [String]
    }

    /// Modules every test kernel carries: the Hyper-V drivers (the subject of the whole tool), the emulated
    /// IDE/ATA path the legacy recipe steers to, and the virtio drivers the libguestfs appliance itself uses.
    static func modules(_ flavor: Flavor) -> [Module] {
        var list = [
            Module(path: "kernel/drivers/hv/hv_vmbus.ko", dependencies: []),
            Module(path: "kernel/drivers/hv/hv_utils.ko", dependencies: ["kernel/drivers/hv/hv_vmbus.ko"]),
            Module(path: "kernel/drivers/scsi/hv_storvsc.ko",
                   dependencies: ["kernel/drivers/scsi/scsi_transport_fc.ko", "kernel/drivers/hv/hv_vmbus.ko"]),
            Module(path: "kernel/drivers/scsi/scsi_transport_fc.ko", dependencies: []),
            Module(path: "kernel/drivers/net/hyperv/hv_netvsc.ko", dependencies: ["kernel/drivers/hv/hv_vmbus.ko"]),
            Module(path: "kernel/drivers/hid/hid-hyperv.ko", dependencies: ["kernel/drivers/hv/hv_vmbus.ko"]),
            Module(path: "kernel/drivers/ata/ata_piix.ko", dependencies: []),
            Module(path: "kernel/drivers/scsi/sd_mod.ko", dependencies: []),
            Module(path: "kernel/drivers/scsi/sr_mod.ko", dependencies: ["kernel/drivers/cdrom/cdrom.ko"]),
            Module(path: "kernel/drivers/cdrom/cdrom.ko", dependencies: []),
            Module(path: "kernel/drivers/block/virtio_blk.ko", dependencies: []),
            Module(path: "kernel/drivers/scsi/virtio_scsi.ko", dependencies: []),
            Module(path: "kernel/fs/xfs/xfs.ko", dependencies: []),
        ]
        if flavor != .el6 {
            // The Hyper-V framebuffer is part of the el7 blacklist in Microsoft's LISA scripts.
            list.append(Module(path: "kernel/drivers/video/hyperv_fb.ko", dependencies: ["kernel/drivers/hv/hv_vmbus.ko"]))
        }
        if flavor == .el8 || flavor == .sles15 {
            // NVMe is a module on RHEL (reference L355); nvme.ko needs nvme-core.ko.
            list.append(Module(path: "kernel/drivers/nvme/host/nvme.ko", dependencies: ["kernel/drivers/nvme/host/nvme-core.ko"]))
            list.append(Module(path: "kernel/drivers/nvme/host/nvme-core.ko", dependencies: []))
        }
        return list
    }

    /// Every path (relative to the guest root) and entry for kernel `kver`.
    static func entries(kver: String, flavor: Flavor) -> [(path: String, entry: GuestEntry)] {
        let modules = modules(flavor)
        var result: [(path: String, entry: GuestEntry)] = [
            // Real vmlinuz files are 0755; el7 initramfs files are 0600 (they may hold secrets).
            ("/boot/vmlinuz-\(kver)", .file(contents: filler("vmlinuz", kver, bytes: 8192), mode: 0o755)),
            (flavor.bootInitrdPath(kver), .initramfs(kernel: kver, mode: flavor != .el6 ? 0o600 : 0o644)),
            ("/boot/System.map-\(kver)", .file(contents: systemMap, mode: 0o644)),
            ("/boot/config-\(kver)", .file(contents: config(kver), mode: 0o644)),
            ("/lib/modules/\(kver)/modules.dep", .file(contents: modulesDep(modules, suffix: flavor.moduleCompression), mode: 0o644)),
        ]
        for module in modules {
            let name = String(module.path.split(separator: "/").last!.dropLast(3))
            result.append(("/lib/modules/\(kver)/\(module.path)\(flavor.moduleCompression)",
                           .file(contents: "TEST STAND-IN kernel module \(name)\nvermagic=\(kver) SMP mod_unload modversions\n",
                                 mode: 0o744)))
        }
        return result
    }

    /// modules.dep as depmod writes it: `path: dependency dependency`.
    private static func modulesDep(_ modules: [Module], suffix: String) -> String {
        modules.map { "\($0.path)\(suffix):" + $0.dependencies.map { " " + $0 + suffix }.joined() + "\n" }.joined()
    }

    /// Repeated text of about `bytes` bytes: enough to look like a file without costing space.
    private static func filler(_ what: String, _ kver: String, bytes: Int) -> String {
        let line = "TEST STAND-IN \(what) for kernel \(kver), not a bootable image\n"
        return String(repeating: line, count: max(1, bytes / line.utf8.count))
    }

    private static let systemMap = """
        0000000000000000 A VDSO32_PRELINK
        ffffffff81000000 T _text
        ffffffff81000000 T startup_64
        ffffffff81060000 T panic
        ffffffff810c0000 T crash_kexec
        ffffffff81600000 T vmbus_driver_register

        """

    private static func config(_ kver: String) -> String {
        """
        #
        # TEST STAND-IN kernel configuration for \(kver)
        #
        CONFIG_64BIT=y
        CONFIG_KEXEC=y
        CONFIG_CRASH_DUMP=y
        CONFIG_PROC_VMCORE=y
        CONFIG_HYPERV=m
        CONFIG_HYPERV_STORAGE=m
        CONFIG_HYPERV_NET=m
        CONFIG_HYPERV_UTILS=m
        CONFIG_HID_HYPERV_MOUSE=m
        CONFIG_ATA_PIIX=m
        CONFIG_VIRTIO_BLK=m
        CONFIG_SCSI_VIRTIO=m

        """
    }
}
