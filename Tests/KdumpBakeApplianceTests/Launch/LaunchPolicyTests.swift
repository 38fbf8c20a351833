import Foundation
import Guestfs
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
    private func spawnSleeper(token: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "while :; do sleep 0.2; done", token]
        try process.run()
        return process
    }

    @Test func killsOnlyTheTaggedProcessAfterTheDeadline() throws {
        let tagged = try spawnSleeper(token: "kdumpbake.launch=test-\(UUID().uuidString)")
        let other = try spawnSleeper(token: "kdumpbake.launch=other-\(UUID().uuidString)")
        defer { other.terminate(); other.waitUntilExit() }
        let token = (tagged.arguments?.last)!
        let watchdog = HypervisorWatchdog(commandLineToken: token, after: .milliseconds(200))
        tagged.waitUntilExit()
        #expect(tagged.terminationReason == .uncaughtSignal)
        #expect(tagged.terminationStatus == SIGKILL)
        #expect(watchdog.cancel() == .fired)
        #expect(other.isRunning)
    }

    @Test func cancelledWatchdogKillsNothing() throws {
        let token = "kdumpbake.launch=cancel-\(UUID().uuidString)"
        let sleeper = try spawnSleeper(token: token)
        defer { sleeper.terminate(); sleeper.waitUntilExit() }
        let watchdog = HypervisorWatchdog(commandLineToken: token, after: .milliseconds(100))
        #expect(watchdog.cancel() == .pending)
        Thread.sleep(forTimeInterval: 0.4)
        #expect(sleeper.isRunning)
    }
}
