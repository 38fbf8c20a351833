import Guestfs
import KdumpBakeCore
import Foundation
import Synchronization

/// Kills the qemu whose command line carries a token if it is still around after a deadline.
///
/// Used to bound calls that libguestfs itself does not bound (launch, long guest commands):
/// killing qemu makes the blocked libguestfs call return with an error. The token makes sure
/// only this handle's qemu is touched when several appliances run in one process.
public final class HypervisorWatchdog: Sendable {
    public enum Outcome: Sendable { case pending, cancelled, fired }

    private let state = Mutex(Outcome.pending)

    /// Arms the watchdog. `commandLineToken` must appear verbatim in the target's /proc cmdline.
    public convenience init(commandLineToken: String, after timeout: Duration) {
        self.init(after: timeout) { Self.killProcesses(withCommandLineToken: commandLineToken) }
    }

    /// Arms the watchdog for a known process, e.g. a running appliance (`hypervisorPID()`).
    public convenience init(pid: Int32, after timeout: Duration) {
        self.init(after: timeout) { _ = kill(pid, SIGKILL) }
    }

    private init(after timeout: Duration, kill: @escaping @Sendable () -> Void) {
        let deadline = DispatchTime.now() + .nanoseconds(Int(timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
        DispatchQueue.global().asyncAfter(deadline: deadline) { [self] in
            let fire = state.withLock { outcome -> Bool in
                guard outcome == .pending else { return false }
                outcome = .fired
                return true
            }
            if fire { kill() }
        }
    }

    /// Disarms the watchdog and tells whether it had already fired.
    @discardableResult
    public func cancel() -> Outcome {
        state.withLock { outcome in
            if outcome == .pending { outcome = .cancelled; return .pending }
            return outcome
        }
    }

    /// Sends SIGKILL to every process whose command line contains `token`.
    static func killProcesses(withCommandLineToken token: String) {
        let needle = Array(token.utf8)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
        for entry in entries {
            guard let pid = Int32(entry), pid != getpid(),
                  let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            if Array(cmdline).firstRange(of: needle) != nil { kill(pid, SIGKILL) }
        }
    }
}
