import Foundation
import Guestfs
import KdumpBakeCore

/// What the drill learnt about the guest while preparing its overlay, and what it boots.
struct DrillGuest {
    /// What the trigger waits for: kdump arming, or nothing when the image does not enable kdump.
    var mode: DrillTrigger.Mode
    /// The kernel and initrd of the default boot entry, copied to the host for direct kernel boot.
    var kernel: String
    var initrd: String
    /// The default entry's command line as the guest boots it (hostile text: only ever one argv element).
    var commandLine: [String]
    /// The `crashkernel=` value on that command line, if any.
    var crashkernel: String?
    /// Where the guest writes dumps (the profile's dump_path, else /var/crash).
    var dumpDirectories: [String]
}

/// The one appliance before the boot: inspects the overlay, copies out the default entry's kernel
/// and initrd, and installs the one-shot trigger — all on the overlay, never on the image.
enum DrillPreparation {
    static func prepare(overlay: String, path: String, options: DrillOptions, waitForKdump seconds: Int,
                        hostDirectory: String, progress: StepProgress) throws -> DrillGuest {
        let handle = try ApplianceLauncher.launch(policy: options.launchPolicy, log: progress.message) { handle in
            try GuestfsProgressRoute(progress).attach(to: handle)
            try handle.addDrive(overlay, DriveOptions(format: "qcow2", readonly: false))
        }
        let roots = try RootFinder.findRoots(on: handle)
        guard let root = roots.first else {
            var unidentified = UnidentifiedGuests(handle: handle)
            throw DrillError.notBootable(unidentified.describe(drive: 0, unmatched: .fail).message)
        }
        guard roots.count == 1 else {
            throw DrillError.notBootable("several operating systems found (\(roots.map(\.device).joined(separator: ", "))); drill boots one per image")
        }
        let choice = ProfileSelection.choose(for: root.os, manifest: options.manifest, profileName: options.profileName)
        guard let profile = choice.profile else { throw DrillError.notBootable(choice.finding.message) }

        progress.step("reading the guest (profile \(profile.name))")
        let facts = try GuestFactsReader(handle: handle).read(root)
        let findings = GuestChecks.run(CheckContext(facts: facts, profile: profile))
        let kdumpEnabled = profile.kdump == .enabled && findings.contains { $0.check == .kdumpEnabled && $0.status == .pass }
        let mode: DrillTrigger.Mode = kdumpEnabled ? .afterKdumpArms(waitSeconds: seconds) : .immediately

        guard let (entry, source) = facts.defaultBootEntry(family: profile.family) else {
            throw DrillError.notBootable("no default boot entry found in the guest's boot loader configuration")
        }
        guard let kernelPath = entry.kernelPath else { throw DrillError.notBootable("\(source): the default entry names no kernel") }
        guard let initrdPath = entry.initrdPaths.first else { throw DrillError.notBootable("\(source): the default entry names no initrd") }

        try root.mount(on: handle, writable: true)
        let kernel = hostDirectory + "/vmlinuz"
        let initrd = hostDirectory + "/initrd"
        progress.step("copying the default entry's kernel and initrd (\(source))")
        try handle.download(try resolve(kernelPath, on: handle, source: source), toHostFile: kernel)
        try handle.download(try resolve(initrdPath, on: handle, source: source), toHostFile: initrd)

        progress.step(kdumpEnabled ? "installing the one-shot trigger (crash once kdump is armed)"
                                   : "installing the one-shot trigger (the image does not enable kdump: crash after boot)")
        let labels = SELinuxLabels(handle: handle)
        let selinux = try labels.guestUsesSELinux()
        for file in DrillTrigger.files(for: profile.family, mode: mode) {
            try handle.makeDirectories((file.path as NSString).deletingLastPathComponent)
            try handle.removeIfPresent(file.path)
            if let target = file.symlinkTarget {
                try handle.symlink(target, at: file.path)
                continue
            }
            try handle.write(file.path, text: file.contents)
            try handle.setPermissions(UInt32(file.permissions), of: file.path)
            // Files written in the appliance get no SELinux label, and an enforcing guest's systemd would
            // refuse an unlabelled unit: each takes the label of a sibling (a unit's, /etc's), as patch does.
            if selinux, let label = try labels.label(siblingOf: file.path, matching: { _ in true }) {
                try handle.setExtendedAttribute(SELinuxLabels.attribute, label, of: file.path)
            }
        }
        try handle.unmountAll()
        try handle.shutdown()  // flushes the overlay before qemu opens it

        let commandLine = entry.commandLine
        let words = commandLine.parameters.map(\.raw) + (commandLine.initArguments.isEmpty ? [] : ["--"] + commandLine.initArguments)
        let crashkernel = commandLine.parameters.last { $0.key == "crashkernel" }?.value
        let dumpDirectories = Array(Set([profile.values.dumpPath ?? "/var/crash", "/var/crash"])).sorted()
        return DrillGuest(mode: mode, kernel: kernel, initrd: initrd, commandLine: words,
                          crashkernel: crashkernel, dumpDirectories: dumpDirectories)
    }

    /// Boot loader paths are relative to the filesystem holding them: `/vmlinuz-…` on a separate
    /// /boot is `/boot/vmlinuz-…` in the mounted guest.
    private static func resolve(_ path: String, on handle: GuestfsHandle, source: String) throws -> String {
        for candidate in [path, "/boot" + path] where (try? handle.isFile(candidate, followSymlinks: true)) == true {
            return candidate
        }
        throw DrillError.notBootable("\(source): \(path) is not a file in the guest")
    }
}

/// Why a drill could not run (an input error: exit 2, nothing booted).
enum DrillError: Error, CustomStringConvertible {
    case notBootable(String)
    var description: String {
        switch self { case .notBootable(let reason): return reason }
    }
}
