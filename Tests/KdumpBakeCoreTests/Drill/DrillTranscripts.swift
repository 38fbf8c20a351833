@testable import KdumpBakeCore

/// Serial consoles written in the shape of a Debian 12 guest (6.1 kernel, kdump-tools) booted by
/// the drill: direct kernel boot with `console=ttyS0,115200`, no `quiet`. Abridged: the lines the
/// timeline reads, and enough of the others around them to be realistic.
enum DrillTranscripts {
    static let banner = "Linux version 6.1.0-27-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)"
    static let normalCommandLine = "BOOT_IMAGE=/boot/vmlinuz-6.1.0-27-amd64 root=UUID=0f3c6f3e-1c3b-4c2a-9a51-3f1d1e8b9a10 ro crashkernel=256M console=ttyS0,115200"
    static let captureCommandLine = "BOOT_IMAGE=/boot/vmlinuz-6.1.0-27-amd64 root=UUID=0f3c6f3e-1c3b-4c2a-9a51-3f1d1e8b9a10 ro console=ttyS0,115200 reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb elfcorehdr=1833468K"

    /// The normal boot up to userspace, with or without the crashkernel reservation line.
    static func firstBoot(reserved: Bool = true) -> [String] {
        [
            "[    0.000000] \(banner)",
            "[    0.000000] Command line: \(normalCommandLine)",
            "[    0.000000] BIOS-provided physical RAM map:",
            "[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable",
            "[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007ffdffff] usable",
            "[    0.000000] DMI: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014",
        ]
        + (reserved ? ["[    0.006512] Reserving 256MB of memory at 1776MB for crashkernel (System RAM: 2047MB)"] : [])
        + [
            "[    0.041807] Kernel command line: \(normalCommandLine)",
            "[    1.902114] ata1.00: ATA-7: QEMU HARDDISK, 2.5+, max UDMA/100",
            "[    2.318870] Run /init as init process",
            "Loading, please wait...",
            "Starting systemd-udevd version 252.31-1~deb12u1",
            "Begin: Mounting root file system ... done.",
            "[    6.104530] EXT4-fs (sda1): mounted filesystem with ordered data mode. Quota mode: none.",
            "[    7.012345] systemd[1]: systemd 252.31-1~deb12u1 running in system mode (+PAM +AUDIT +SELINUX)",
            "",
            "Welcome to \u{1B}[1mDebian GNU/Linux 12 (bookworm)\u{1B}[0m!",
            "",
            "[  OK  ] Reached target multi-user.target - Multi-User System.",
        ]
    }

    /// kdump-tools loading the capture kernel, then the trigger's markers and the panic.
    static let armAndCrash = [
        "[   58.401122] kdump-tools[402]: Starting kdump-tools:",
        "[   60.812001] kdump-tools[402]:  * loaded kdump kernel",
        "[  OK  ] Finished kdump-tools.service - Kernel crash dump capture service.",
        "[   62.003114] kdumpbake-drill: armed",
        "[   62.101998] kdumpbake-drill: crashing now",
        "[   62.318230] sysrq: Trigger a crash",
        "[   62.318412] Kernel panic - not syncing: sysrq triggered crash",
        "[   62.318690] CPU: 1 PID: 431 Comm: kdumpbake-drill.sh Not tainted 6.1.0-27-amd64 #1  Debian 6.1.115-1",
        "[   62.319011] Call Trace:",
        "[   62.319200]  <TASK>",
        "[   62.319420]  dump_stack_lvl+0x44/0x5c",
        "[   62.319700]  panic+0x118/0x2ed",
    ]

    /// kdump's capture kernel saving the dump and rebooting.
    static let capture = [
        "[    0.000000] \(banner)",
        "[    0.000000] Command line: \(captureCommandLine)",
        "[    0.012000] Kernel command line: \(captureCommandLine)",
        "[    1.512000] Run /init as init process",
        "[    4.100000] systemd[1]: systemd 252.31-1~deb12u1 running in system mode (+PAM +AUDIT +SELINUX)",
        "Welcome to Debian GNU/Linux 12 (bookworm)!",
        "[    9.301000] kdump-tools[250]: Starting kdump-tools:",
        "[    9.402000] kdump-tools[250]:  * running makedumpfile -F -c -d 31 /proc/vmcore | compress > /var/crash/202411281200/dump-incomplete",
        "Copying data                                      : [100.0 %] /           eta: 0s",
        "[  131.777000] kdump-tools[250]:  * kdump-tools: saved vmcore in /var/crash/202411281200",
        "[  132.101000] kdump-tools[250]:  * running makedumpfile --dump-dmesg /proc/vmcore /var/crash/202411281200/dmesg.202411281200",
        "[  133.900000] systemd-shutdown[1]: Rebooting.",
        "[  134.000000] reboot: Restarting system",
    ]

    /// The second normal boot, up to a login prompt.
    static let secondBoot = [
        "[    0.000000] \(banner)",
        "[    0.041807] Kernel command line: \(normalCommandLine)",
        "[    2.318870] Run /init as init process",
        "[    7.012345] systemd[1]: systemd 252.31-1~deb12u1 running in system mode (+PAM +AUDIT +SELINUX)",
        "Welcome to Debian GNU/Linux 12 (bookworm)!",
        "",
        "Debian GNU/Linux 12 debian ttyS0",
        "",
        "debian login: ",
    ]

    /// The whole successful drill.
    static var withDump: [String] { firstBoot() + armAndCrash + capture + secondBoot }

    /// kdump disabled, kernel.panic = 5: the panic's own reboot, no capture kernel.
    static var panicReboot: [String] {
        firstBoot() + [
            "[   40.100000] kdumpbake-drill: crashing now",
            "[   40.300000] sysrq: Trigger a crash",
            "[   40.300100] Kernel panic - not syncing: sysrq triggered crash",
            "[   40.310000] Kernel Offset: 0x2e000000 from 0xffffffff81000000 (relocation range: 0xffffffff80000000-0xffffffffbfffffff)",
            "[   40.320000] Rebooting in 5 seconds..",
        ] + secondBoot
    }

    /// kdump disabled, kernel.panic = 0: panic's last line, then nothing, ever.
    static var panicHalt: [String] {
        firstBoot() + [
            "[   40.100000] kdumpbake-drill: crashing now",
            "[   40.300000] sysrq: Trigger a crash",
            "[   40.300100] Kernel panic - not syncing: sysrq triggered crash",
            "[   40.310000] Kernel Offset: 0x2e000000 from 0xffffffff81000000 (relocation range: 0xffffffff80000000-0xffffffffbfffffff)",
            "[   40.320000] ---[ end Kernel panic - not syncing: sysrq triggered crash ]---",
        ]
    }

    /// A kdump initrd without the disk's driver: initramfs-tools in the capture kernel never finds the
    /// root filesystem, then panic= reboots it (what a drill of an initrd without ata_piix showed).
    static var captureWithoutDisk: [String] {
        firstBoot() + armAndCrash + [
            "[    0.000000] \(banner)",
            "[    0.012000] Kernel command line: \(captureCommandLine)",
            "[    8.302682] Run /init as init process",
            "Begin: Waiting for root file system ... Begin: Running /scripts/local-block ... done.",
            "Gave up waiting for root file system device.  Common problems:",
            "ALERT!  UUID=0f3c6f3e-1c3b-4c2a-9a51-3f1d1e8b9a10 does not exist.  Dropping to a shell!",
            "Rebooting automatically due to panic= boot argument",
            "[   58.290708] reboot: Restarting system",
        ] + secondBoot
    }

    /// The bytes a console sends: the lines, each ended by CRLF as a serial console does.
    static func bytes(_ lines: [String], lineEnd: String = "\r\n") -> [UInt8] {
        Array(lines.map { $0 + lineEnd }.joined().utf8)
    }

    /// A timeline fed `lines` one per second (line i at i seconds).
    static func timeline(_ lines: [String], mode: DrillTrigger.Mode = .afterKdumpArms(waitSeconds: 300)) -> ConsoleTimeline {
        var timeline = ConsoleTimeline(mode: mode)
        for (index, line) in lines.enumerated() { _ = timeline.feed(Array((line + "\r\n").utf8), at: Double(index)) }
        return timeline
    }
}
