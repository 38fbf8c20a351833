import Foundation
import Guestfs
import HostProcess
@testable import KdumpBakeAppliance
import TestSupport
import Testing

@Suite struct LaunchPolicyTests {
    @Test func tcgFlagWinsOverEnvironment() {
        let policy = LaunchPolicy.fromEnvironment(["LIBGUESTFS_BACKEND_SETTINGS": "foo"], forceTCG: true)
        #expect(policy.accelerator == .forceTCG)
    }

    @Test func environmentSettingsAreHonouredAsGiven() {
        let policy = LaunchPolicy.fromEnvironment(["LIBGUESTFS_BACKEND_SETTINGS": "force_tcg:gdb"])
        #expect(policy.accelerator == .explicit(["force_tcg", "gdb"]))
    }

    @Test func emptyEnvironmentSettingIsStillExplicit() {
        #expect(LaunchPolicy.fromEnvironment(["LIBGUESTFS_BACKEND_SETTINGS": ""]).accelerator == .explicit([]))
    }

    @Test func noSettingMeansAutomaticFallback() {
        #expect(LaunchPolicy.fromEnvironment([:]).accelerator == .automatic)
    }

    /// Without a usable /dev/kvm libguestfs uses TCG silently; kdumpbake names the reason instead.
    @Test func anUnusableKVMDeviceIsNamed() throws {
        #expect(ApplianceLauncher.kvmDeviceProblem(device: "/nonexistent/kvm") == "/nonexistent/kvm: No such file or directory")
        let directory = try HostDirectory()
        let device = directory.path + "/kvm"
        #expect(FileManager.default.createFile(atPath: device, contents: nil, attributes: [.posixPermissions: 0o600]))
        #expect(ApplianceLauncher.kvmDeviceProblem(device: device) == nil)
    }
}

/// A KVM failure is remembered until the host reboots: the note holds the boot id, and a note from
/// another boot, or an unreadable one, means "try KVM".
@Suite struct KVMFailureMemoryTests {
    @Test func aFailureIsRememberedForThisBootOnly() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("kvm-memory-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: base) }
        #expect(KVMFailureMemory.failureThisBoot(base: base) == nil)

        KVMFailureMemory.remember("qemu aborted:\nfailed to set MSR 0x10a", base: base)
        #expect(KVMFailureMemory.failureThisBoot(base: base) == "qemu aborted: failed to set MSR 0x10a")
        let note = try #require(KVMFailureMemory.path(base: base))
        #expect(note == base + "/kdumpbake-qemu-\(getuid())/kvm-failed")
        // The directory is private: the note steers which hypervisor later runs start.
        var status = stat()
        #expect(stat((note as NSString).deletingLastPathComponent, &status) == 0 && status.st_mode & 0o077 == 0)

        try "00000000-0000-0000-0000-000000000000\nhung\n".write(toFile: note, atomically: true, encoding: .utf8)
        #expect(KVMFailureMemory.failureThisBoot(base: base) == nil, "a note from another boot of the host")
        try Data([0xff, 0xfe, 0x00]).write(to: URL(fileURLWithPath: note))
        #expect(KVMFailureMemory.failureThisBoot(base: base) == nil)
    }
}

@Suite struct HypervisorWatchdogTests {
    /// A stand-in "qemu": a shell whose command line carries the token, as the appliance's does.
    /// It loops on short sleeps so that killing the shell leaves nothing behind for long.
    private func spawnSleeper(token: String) throws -> RunningChild {
        try ChildProcess("/bin/sh", ["-c", "while :; do sleep 0.2; done", token]).start()
    }

    @Test func killsOnlyTheTaggedProcessAfterTheDeadline() throws {
        let token = "kdumpbake.launch=test-\(UUID().uuidString)"
        let tagged = try spawnSleeper(token: token)
        let other = try spawnSleeper(token: "kdumpbake.launch=other-\(UUID().uuidString)")
        defer { other.send(SIGTERM); _ = other.wait() }
        let watchdog = HypervisorWatchdog(commandLineToken: token, after: .milliseconds(200))
        #expect(tagged.wait().termination == .signalled(SIGKILL))
        #expect(watchdog.cancel() == .fired)
        #expect(other.isRunning)
    }

    @Test func cancelledWatchdogKillsNothing() throws {
        let token = "kdumpbake.launch=cancel-\(UUID().uuidString)"
        let sleeper = try spawnSleeper(token: token)
        defer { sleeper.send(SIGTERM); _ = sleeper.wait() }
        let watchdog = HypervisorWatchdog(commandLineToken: token, after: .milliseconds(100))
        #expect(watchdog.cancel() == .pending)
        Thread.sleep(forTimeInterval: 0.4)
        #expect(sleeper.isRunning)
    }
}
