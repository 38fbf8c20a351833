import Foundation
import Guestfs
import KdumpBakeCore

/// After the boot: what the guest left on the overlay's disk. The console can claim anything (it
/// is the guest's text); the files under the dump directory are the proof.
enum DrillEvidenceReader {
    /// At most this many files are listed per dump directory (a guest could hold millions).
    static let fileLimit = 200
    /// The bytes of a dump's dmesg read to look for the panic: the kernel log buffer is far smaller.
    static let dmesgBytes = 1 << 20

    static func read(overlay: String, dumpDirectories: [String], options: DrillOptions, progress: StepProgress) throws -> DrillEvidence {
        let handle = try ApplianceLauncher.launch(policy: options.launchPolicy, log: progress.message) { handle in
            try handle.addDrive(overlay, DriveOptions(format: "qcow2", readonly: true))
        }
        guard let root = try RootFinder.findRoots(on: handle).first else {
            throw DrillError.notBootable("the guest's root filesystem cannot be found after the boot")
        }
        try root.mount(on: handle, writable: false)
        var files: [DrillEvidence.DumpFile] = []
        var dmesgMentionsPanic = false
        var searched: [String] = []
        for directory in dumpDirectories where (try? handle.isDirectory(directory, followSymlinks: true)) == true {
            searched.append(directory)
            for relative in try handle.find(directory).prefix(fileLimit) {
                let path = directory + "/" + relative
                guard let status = try? handle.lstat(path), status.isRegularFile else { continue }
                files.append(DrillEvidence.DumpFile(path: path, size: status.size))
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix("dmesg") || name.hasSuffix("dmesg.txt"), status.size > 0 {
                    let bytes = try handle.pread(path, count: min(Int(status.size), dmesgBytes))
                    if mentionsPanic(bytes) { dmesgMentionsPanic = true }
                }
            }
        }
        try handle.unmountAll()
        return DrillEvidence(dumpDirectory: searched.first ?? dumpDirectories.first ?? "/var/crash", files: files,
                             dmesgMentionsPanic: dmesgMentionsPanic)
    }

    /// Whether a saved kernel log holds the crash the trigger caused (or any panic).
    static func mentionsPanic(_ bytes: [UInt8]) -> Bool {
        ["sysrq: Trigger a crash", "Kernel panic - not syncing"].contains { bytes.firstRange(of: Array($0.utf8)) != nil }
    }
}
