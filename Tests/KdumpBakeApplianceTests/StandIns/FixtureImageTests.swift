import Foundation
import Guestfs
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages
import TestSupport
import Testing

/// The test images through a real appliance, in one launch: four read-only drives (both guests,
/// raw and fixed VHD) plus a writable scratch copy of the centos64 VHD.
@Suite struct FixtureImageTests {
    @Test func imagesInspectRunCommandsAndKeepTheirVHDFooter() throws {
        let readOnly: [(recipe: GuestRecipe, format: DiskFormat)] = [
            (.centos64, .raw), (.centos64, .vhd), (.centos79, .raw), (.centos79, .vhd),
        ]
        let images = try readOnly.map { try TestImageBuilder.image($0.recipe, format: $0.format) }
        let writable = try TestImageBuilder.scratchCopy(.centos64, format: .vhd)
        defer { writable.discardScratch() }
        let footerBefore = try lastBytes(of: writable.path, count: 512)

        let handle = try ApplianceLauncher.launch(policy: .fromEnvironment(ProcessInfo.processInfo.environment)) { handle in
            for image in images {
                try handle.addDrive(image.path, DriveOptions(format: .init(rawValue: image.guestfsFormat), readonly: true))
            }
            try handle.addDrive(writable.path, DriveOptions(format: "vpc", readonly: false))
        }

        // Inspection: every read-only drive holds the guest it was built as.
        let roots = try handle.inspectOS()
        var found: [String: InspectedOS] = [:]
        for root in roots { found[root] = try handle.inspect(root: root) }
        for (index, expected) in readOnly.enumerated() {
            let device = "/dev/sd\(Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(index))))2"
            let os = try #require(found[device], "no OS found on \(device) (\(expected.recipe.name) \(expected.format))")
            #expect(os.type == "linux")
            #expect(os.distro == "centos")
            let version = expected.recipe.name == "centos64" ? (6, 4) : (7, 9)
            #expect(os.majorVersion == version.0 && os.minorVersion == version.1, "\(device): \(os.productName)")
            #expect(os.mountpoints.first?.mountpoint == "/")
            #expect(os.mountpoints.contains { $0.mountpoint == "/boot" })
        }

        // The writable VHD: mount its guest, run the guest's own (stand-in) mkdumprd with argv,
        // list the initrd it wrote.
        try handle.mount("/dev/sde2", at: "/")
        try handle.mount("/dev/sde1", at: "/boot")
        let kernel = "2.6.32-358.el6.x86_64"
        let initrd = "/boot/initrd-\(kernel)kdump.img"
        // el6 mkdumprd copies in what the build machine (the appliance) has loaded: what the
        // guest kernel lacks is only a warning with --allow-missing, what it has goes in.
        _ = try handle.command(["/sbin/mkdumprd", "-d", "-f", "--allow-missing", initrd, kernel])
        let modules = try handle.initrdList(initrd).filter { $0.hasSuffix(".ko") }.map { ($0 as NSString).lastPathComponent }
        #expect(Set(["virtio_scsi.ko", "sd_mod.ko"]).isSubset(of: modules), "\(modules)")
        #expect(modules.allSatisfy { !$0.hasPrefix("hv_") })
        // The boot initramfs the builder made lists too.
        #expect(try handle.initrdList("/boot/initramfs-\(kernel).img").isEmpty == false)
        // A failing guest command throws with its stderr.
        let failure = #expect(throws: GuestfsError.self) { try handle.command(["/sbin/mkdumprd", "-f", initrd]) }
        #expect(failure?.call == .command)
        try handle.write("/etc/kdumpbake-write-test", text: "written\n")
        try handle.unmountAll()
        try handle.shutdown()

        // The fixed VHD is still a fixed VHD with the same, valid footer.
        #expect(try lastBytes(of: writable.path, count: 512) == footerBefore)
        let footer = try VHDFooter.read(path: writable.path)
        #expect(footer.diskType == .fixed && footer.checksumIsValid && footer.currentSize == 256 << 20)
        #expect(try DiskImageFormat.detect(path: writable.path) == .vhd)
    }
}

