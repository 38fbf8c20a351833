import Foundation
@testable import KdumpBakeCore
import TestImages
import Testing

/// The release model as a pure function: which release a guest has, and the rules that follow.
@Suite struct KexecToolsReleaseTests {
    static func release(_ family: KdumpFamily, _ major: Int, _ minor: Int, package: String? = nil) -> KexecToolsRelease {
        KexecToolsRelease.resolve(family: family, distroVersion: DistroVersion(major, minor), package: package.flatMap(KexecToolsVersion.init(parsing:)))
    }

    @Test func versionsParseAndOrder() throws {
        let el6 = try #require(KexecToolsVersion(parsing: "kexec-tools-2.0.0-258.el6_4.2.x86_64"))
        #expect(el6 == KexecToolsVersion(upstream: [2, 0, 0], release: 258))
        #expect(KexecToolsVersion(parsing: "2.0.15-33.el7")! > KexecToolsVersion(parsing: "2.0.15-21.el7")!)
        #expect(KexecToolsVersion(parsing: "2.0.15-1.el7")! > KexecToolsVersion(parsing: "2.0.14-99.el7")!)
        for bad in ["", "2.0.0", "-258", "2.0.0-", "2.x.0-1", "2.0.0-el6", "1.2.3.4.5-1", "2.0.0-1234567"] {
            #expect(KexecToolsVersion(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func thePackageBeatsTheDistroVersionButOnlyFromItsOwnGeneration() {
        #expect(Self.release(.el6, 6, 4).version.release == 258)
        #expect(Self.release(.el6, 6, 4, package: "2.0.0-310.el6").source == .package(KexecToolsVersion(upstream: [2, 0, 0], release: 310)))
        // An el7 package on a guest that says 6.x tells nothing about el6's rules.
        #expect(Self.release(.el6, 6, 4, package: "2.0.15-33.el7").source == .distroVersion(DistroVersion(6, 4)))
        #expect(Self.release(.el7, 7, 9).version == KexecToolsVersion(upstream: [2, 0, 15], release: 51))
        #expect(Self.release(.el7, 7, 2).isEl7_5OrLater == false)
        #expect(Self.release(.el7, 7, 5, package: "2.0.15-33.el7").isEl7_7OrLater)
    }

    @Test func initrdPathAndArgvFollowSysconfig() {
        let el6 = Self.release(.el6, 6, 4)
        let sysconfig = KdumpSysconfig(text: "KDUMP_BOOTDIR=/boot/kdump/\nMKDUMPRD_ARGS=\"--fstab /etc/fstab.kdump\"\n")
        #expect(el6.initrdPath(kernel: "K", sysconfig: sysconfig) == "/boot/kdump/initrd-Kkdump.img")
        #expect(el6.mkdumprdArguments(mkdumprd: "/sbin/mkdumprd", image: "/i", kernel: "K", sysconfig: sysconfig)
                == ["/sbin/mkdumprd", "-d", "-f", "--allow-missing", "--fstab", "/etc/fstab.kdump", "/i", "K"])
        let el7 = Self.release(.el7, 7, 9)
        #expect(el7.initrdPath(kernel: "K", sysconfig: KdumpSysconfig()) == "/boot/initramfs-Kkdump.img")
        #expect(el7.mkdumprdArguments(mkdumprd: "/usr/sbin/mkdumprd", image: "/i", kernel: "K", sysconfig: sysconfig) == ["/usr/sbin/mkdumprd", "-f", "/i", "K"])
        // A boot directory the audit cannot resolve safely is ignored; so is a kernel version with a slash.
        for hostile in ["../etc", "/boot/../etc", "$(id)", "boot", "/bo ot"] {
            #expect(KdumpSysconfig(text: "KDUMP_BOOTDIR=\"\(hostile)\"\n").bootDirectory == "/boot", "\(hostile)")
        }
        #expect(KdumpSysconfig(text: "KDUMP_KERNELVER=../../x\n").kernelVersion == nil)
    }

    // MARK: first boot

    static let conf = KdumpConf.parse("path /var/crash\nextra_modules ata_piix\n")

    func facts(_ family: KdumpFamily, _ minor: Int, initrd: KdumpInitrd?) -> GuestFacts {
        var facts = GuestFacts(os: GuestOS(type: "linux", distro: "centos", version: DistroVersion(family == .el6 ? 6 : 7, minor),
                                           arch: "x86_64", productName: "", root: "/dev/sda2"))
        facts.files[GuestPaths.kdumpConf] = GuestFile(path: GuestPaths.kdumpConf, state: .read(bytes: []), mtime: 100)
        if let initrd { facts.kdumpInitrds[initrd.path] = initrd }
        return facts
    }

    @Test func el7HardwareChecksPerRelease() {
        let appliance = KdumpInitrd(path: "/boot/initramfs-Kkdump.img", exists: true, mtime: 200,
                                    files: [InitrdReader.loadedKernelModulesPath: Array("virtio_scsi\nsd_mod\nvirtio_pci\n".utf8)])
        let conf = KdumpConf.parse("path /var/crash\n")
        func forecast(_ minor: Int, _ initrd: KdumpInitrd) -> FirstBootRebuild {
            Self.release(.el7, 7, minor).firstBoot(kernel: "K", facts: facts(.el7, minor, initrd: initrd), conf: conf, sysconfig: KdumpSysconfig())
        }
        #expect(forecast(5, appliance).rebuilt == false)
        #expect(forecast(6, appliance).reasons.first?.contains("RHEL 7.6's kdumpctl rebuilds when it differs from lsmod at boot") == true)
        #expect(forecast(7, appliance).reasons.first?.hasPrefix("the dump target's driver on Azure (hv_storvsc) is not in the initrd's usr/lib/dracut/loaded-kernel-modules.txt") == true)
        // Built on Azure (hv_storvsc recorded): 7.7 keeps it; without the record there is no check.
        var onAzure = appliance
        onAzure.files[InitrdReader.loadedKernelModulesPath] = Array("hv_vmbus\nhv_storvsc\nhv_netvsc\nhv_utils\nsd_mod\n".utf8)
        #expect(forecast(7, onAzure).rebuilt == false)
        var noRecord = appliance
        noRecord.files = [:]
        #expect(forecast(9, noRecord).rebuilt == false)
        // RHEL 9.3+ records hostonly-kernel-modules.txt instead; it is read the same way.
        let el9 = KexecToolsRelease.resolve(family: .el8, distroVersion: DistroVersion(9, 3), package: nil)
        let hostonly = KdumpInitrd(path: "/boot/initramfs-Kkdump.img", exists: true, mtime: 200,
                                   files: [InitrdReader.hostonlyKernelModulesPath: Array("virtio_scsi\nnvme\n".utf8)])
        #expect(el9.firstBoot(kernel: "K", facts: facts(.el8, 3, initrd: hostonly), conf: conf, sysconfig: KdumpSysconfig())
                    .reasons.first?.contains("(hv_storvsc) is not in the initrd's") == true)
    }

    @Test func extraModulesForceNoRebuildAndMissingInitrds() {
        let initrd = KdumpInitrd(path: "/boot/initrd-Kkdump.img", exists: true, mtime: 200)
        let el6 = Self.release(.el6, 6, 10).firstBoot(kernel: "K", facts: facts(.el6, 10, initrd: initrd), conf: Self.conf, sysconfig: KdumpSysconfig())
        #expect(el6.rebuilt && el6.reasons == ["extra_modules is set (line 2): the el6 kdump service rebuilds at every start"])

        let el7Initrd = KdumpInitrd(path: "/boot/initramfs-Kkdump.img", exists: true, mtime: 200)
        let el79 = Self.release(.el7, 7, 9).firstBoot(kernel: "K", facts: facts(.el7, 9, initrd: el7Initrd), conf: Self.conf, sysconfig: KdumpSysconfig())
        #expect(el79.reasons.first?.hasSuffix("(assumed for 7.8/7.9, whose sources are not public)") == true)

        let pinned = KdumpConf.parse("path /var/crash\nextra_modules ata_piix\nforce_no_rebuild 1\n")
        let kept = Self.release(.el7, 7, 7).firstBoot(kernel: "K", facts: facts(.el7, 7, initrd: nil), conf: pinned, sysconfig: KdumpSysconfig())
        #expect(!kept.rebuilt && kept.reasons.first?.hasPrefix("force_no_rebuild 1 (line 3)") == true)

        let missing = Self.release(.el6, 6, 4).firstBoot(kernel: "K", facts: facts(.el6, 4, initrd: nil), conf: Self.conf, sysconfig: KdumpSysconfig())
        #expect(missing.rebuilt && missing.reasons == ["there is no /boot/initrd-Kkdump.img: the service builds one at boot"])

        // RHEL 8+ no longer rebuilds for extra_modules alone.
        #expect(!KexecToolsRelease.resolve(family: .el8, distroVersion: DistroVersion(8, 9), package: nil).extraModulesRebuildAtEveryStart)
    }

    // MARK: rpm database

    @Test func findsKexecToolsInARealRpmDatabase() throws {
        let path = try RpmDatabase.file(name: "kexec-tools", version: "2.0.15", release: "33.el7")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(RpmHeaderScan.versions(of: "kexec-tools", in: bytes) == [KexecToolsVersion(upstream: [2, 0, 15], release: 33)])
        #expect(RpmHeaderScan.versions(of: "kexec-tools-debuginfo", in: bytes).isEmpty)
    }

    @Test func scanTakesOnlyVersionShapedRecords() {
        func scan(_ text: String) -> [KexecToolsVersion] { RpmHeaderScan.versions(of: "kexec-tools", in: Array(text.utf8)) }
        #expect(scan("C\0kexec-tools\02.0.0\0258.el6\0summary\0") == [KexecToolsVersion(upstream: [2, 0, 0], release: 258)])
        // A requirement name followed by another name, a truncated record, a hostile version: nothing.
        #expect(scan("\0kexec-tools\0rpmlib(X)\0").isEmpty)
        #expect(scan("\0kexec-tools\02.0.0").isEmpty)
        #expect(scan("\0kexec-tools\02.0.0;id\0258\0").isEmpty)
        #expect(scan("\0kexec-tools\0" + String(repeating: "9", count: 100) + "\01\0").isEmpty)
        // A Berkeley DB keeps removed headers: every record is returned, the reader takes the newest.
        #expect(scan("\0kexec-tools\02.0.0\0258.el6\0..\0kexec-tools\02.0.0\0310.el6\0").max()?.release == 310)
        #expect(scan("").isEmpty && scan("kexec-tools").isEmpty)
    }
}
