import ArgumentParser
import Foundation
import KdumpBakeAppliance

/// `--tcg`: how to start the appliance, for the commands that launch one.
struct ApplianceOptions: ParsableArguments {
    @Flag(name: .long, help: "Run the appliance under TCG (software emulation) without trying KVM first.")
    var tcg = false

    /// `--tcg`, else `LIBGUESTFS_BACKEND_SETTINGS` as given; `verbose` adds libguestfs's own log messages.
    func launchPolicy(verbose: Bool) -> LaunchPolicy {
        var policy = LaunchPolicy.fromEnvironment(ProcessInfo.processInfo.environment, forceTCG: tcg)
        policy.verbose = verbose
        return policy
    }
}
