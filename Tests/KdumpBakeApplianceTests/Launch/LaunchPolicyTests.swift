import Foundation
import Guestfs
import HostProcess
@testable import KdumpBakeAppliance
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
