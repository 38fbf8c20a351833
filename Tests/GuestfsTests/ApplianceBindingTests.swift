import Foundation
import Guestfs
@testable import KdumpBakeAppliance
import Testing

/// The binding against a real appliance: one launch serves every check, because a launch costs
/// ~30 s under TCG. Drives: a scratch disk (read-write) and a host file attached read-only.
@Suite struct ApplianceBindingTests {
    @Test func scratchDiskRoundTripAndReadOnlyDrive() throws {
        // 160 MiB: downloading it takes long enough (~5 s under TCG) for the daemon to send
        // progress events, which it only starts after about 2 s.
        let readOnlyImage = try HostTempFile(size: 160 << 20)
        var fallbackLines: [String] = []
        var traced: [String] = []
        let handle = try ApplianceLauncher.launch(
            policy: .fromEnvironment(ProcessInfo.processInfo.environment),
            log: { fallbackLines.append($0) }
        ) { handle in
            try handle.addScratchDrive(bytes: 64 << 20, label: "scratch")
            try handle.addDrive(readOnlyImage.path, DriveOptions(format: "raw", readonly: true, refuseWrites: true, label: "ro"))
            try handle.setTrace(true)
            try handle.onEvents(.messages) { traced.append($0.message) }
        }
        if !fallbackLines.isEmpty {
            print("launch fell back: \(fallbackLines)")
            #expect(fallbackLines.count == 1)
            // Either this launch found KVM broken, or an earlier run on this host did (KVMFailureMemory).
            #expect(fallbackLines[0].contains("retrying with TCG") || fallbackLines[0].contains("KVM failed on this host earlier"))
        }

        // Partition, mkfs, mount, write, read back — bytes that are not valid UTF-8 and contain NULs.
        try handle.partitionWholeDisk("/dev/sda", tableType: "mbr")
        #expect(try handle.listPartitions() == ["/dev/sda1"])
        try handle.makeFilesystem("ext4", on: "/dev/sda1", label: "kdb")
        #expect(try handle.listFilesystems().contains { $0.device == "/dev/sda1" && $0.type == "ext4" })
        try handle.mount("/dev/sda1", at: "/")
        let payload: [UInt8] = [0x70, 0x61, 0x6E, 0x69, 0x63, 0x00, 0xFF, 0xFE, 0x0A]
        try handle.makeDirectories("/etc/sysctl.d")
        try handle.write("/etc/sysctl.d/blob", payload)
        #expect(try handle.readFile("/etc/sysctl.d/blob") == payload)
        try handle.write("/etc/empty", [])
        #expect(try handle.readFile("/etc/empty") == [])
        try handle.write("/etc/text", text: "kernel.panic = 5\n")
        #expect(try handle.cat("/etc/text") == "kernel.panic = 5\n")

        // Queries and metadata.
        #expect(try handle.isFile("/etc/text"))
        #expect(try !handle.isFile("/etc"))
        #expect(try handle.isDirectory("/etc"))
        #expect(try handle.exists("/etc/empty"))
        #expect(try !handle.exists("/etc/absent"))
        #expect(try !handle.isSymlink("/etc/text"))
        #expect(try Set(handle.list("/etc")) == ["sysctl.d", "empty", "text"])
        #expect(try handle.find("/etc").contains("sysctl.d/blob"))
        #expect(try handle.glob("/etc/*t").sorted() == ["/etc/text"])
        #expect(try handle.glob("/nothing/*") == [])
        let status = try handle.lstat("/etc/sysctl.d/blob")
        #expect(status.isRegularFile)
        #expect(status.size == Int64(payload.count))
        #expect(status.uid == 0)

        // Replace-by-rename with attributes copied: the pattern patching uses.
        try handle.setExtendedAttribute("user.kdumpbake", Array("label-1".utf8), of: "/etc/text")
        #expect(try handle.extendedAttribute("user.kdumpbake", of: "/etc/text") == Array("label-1".utf8))
        #expect(try handle.extendedAttribute("user.absent", of: "/etc/text") == nil)
        try handle.copy("/etc/text", to: "/etc/text.kdumpbake-tmp")
        try handle.write("/etc/text.kdumpbake-tmp", text: "kernel.panic = 10\n")
        try handle.copyAttributes(from: "/etc/text", to: "/etc/text.kdumpbake-tmp")
        try handle.move("/etc/text.kdumpbake-tmp", to: "/etc/text")
        #expect(try handle.cat("/etc/text") == "kernel.panic = 10\n")
        #expect(try handle.extendedAttribute("user.kdumpbake", of: "/etc/text") == Array("label-1".utf8))
        try handle.setTimes("/etc/text", mtimeSeconds: 1_000_000_000)
        #expect(try handle.lstat("/etc/text").mtimeSeconds == 1_000_000_000)
        try handle.remove("/etc/empty")
        try handle.removeIfPresent("/etc/empty")
        #expect(throws: GuestfsError.self) { try handle.remove("/etc/empty") }
        #expect(try handle.realpath("/etc/sysctl.d/../text") == "/etc/text")

        // Debian's libguestfs lacks selinuxrelabel: the binding reports it instead of failing.
        let hasRelabel = try handle.featureAvailable(["selinuxrelabel"])
        print("selinuxrelabel available: \(hasRelabel)")
        #expect(try handle.featureAvailable(["linuxxattrs"]))
        #expect(throws: GuestfsError.self) { try handle.featureAvailable(["no-such-feature-group"]) }

        // The read-only drive refuses writes.
        let refused = #expect(throws: GuestfsError.self) { try handle.partitionWholeDisk("/dev/sdb", tableType: "mbr") }
        print("read-only refusal: \(refused?.message ?? "-")")

        // A long download reports progress: position/total of the whole device, rising.
        var progress: [(position: UInt64, total: UInt64)] = []
        let token = try handle.onEvents(.progress) { if let step = $0.progress { progress.append(step) } }
        try handle.download("/dev/sdb", toHostFile: "/dev/null")
        handle.removeEventCallback(token)
        print("progress events: \(progress.count), last \(String(describing: progress.last))")
        #expect(!progress.isEmpty)
        #expect(progress.allSatisfy { $0.total == 160 << 20 })
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $0.position <= $1.position })

        // Trace events reached the Swift closure.
        #expect(traced.contains { $0.contains("part_disk") })
        #expect(try handle.hypervisorPID() > 0)

        // Under TCG, qemu's translation cache is bounded (TCGCodeCache): its rwx code buffer is
        // at most 128 MiB instead of qemu's 1 GiB default.
        let pid = try handle.hypervisorPID()
        let arguments = processArguments(pid)
        if !arguments.contains(where: { $0.contains("accel=kvm") }) {
            #expect(arguments.contains("tcg,tb-size=\(TCGCodeCache.defaultMiB)"))
            let codeBuffer = executableMappingBytes(pid)
            print("qemu rwx mappings: \(codeBuffer >> 20) MiB")
            #expect(codeBuffer > 0 && codeBuffer <= TCGCodeCache.defaultMiB << 20)
        }
        try handle.unmountAll()
        try handle.shutdown()
        #expect(readOnlyImage.isAllZero())
    }
}

/// A process's argv, from /proc.
func processArguments(_ pid: Int32) -> [String] {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return [] }
    return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
}

/// Total bytes of a process's anonymous writable-and-executable mappings: qemu's TCG code buffer.
func executableMappingBytes(_ pid: Int32) -> Int {
    // Read to EOF: /proc files report size 0, and a size-sized read gets only the first page.
    guard let data = try? FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(pid)/maps")).readToEnd() else { return 0 }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").reduce(0) { total, line in
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count == 5, fields[1] == "rwxp" else { return total }  // 5 fields: no file name
        let bounds = fields[0].split(separator: "-").compactMap { Int($0, radix: 16) }
        return bounds.count == 2 ? total + bounds[1] - bounds[0] : total
    }
}

/// A zero-filled sparse file on the host, deleted when the test ends.
final class HostTempFile {
    let path: String
    init(size: Int64) throws {
        path = NSTemporaryDirectory() + "kdumpbake-test-\(UUID().uuidString).img"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func isAllZero() -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return data.allSatisfy { $0 == 0 }
    }
}
