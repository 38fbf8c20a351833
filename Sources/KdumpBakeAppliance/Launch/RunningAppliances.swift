import Guestfs
import KdumpBakeCore
import Foundation
import Synchronization

/// The appliances this process has started and not yet closed, by the token on their kernel
/// command line. Lets a signal handler stop every qemu at once: the libguestfs calls blocked on
/// them then fail, and the work unwinds through its normal error paths (temporary files
/// removed, overlays discarded) instead of the process dying with files half-written.
public enum RunningAppliances {
    private static let tokens = Mutex<Set<String>>([])
    private static let stopped = Mutex(false)

    /// Whether `stopAll` was called: no new appliance should be started after that.
    public static var isStopping: Bool { stopped.withLock { $0 } }

    static func register(_ token: String) { tokens.withLock { _ = $0.insert(token) } }
    static func unregister(_ token: String) { tokens.withLock { _ = $0.remove(token) } }

    /// SIGKILLs every registered appliance. Safe to call from any thread.
    public static func stopAll() {
        stopped.withLock { $0 = true }
        for token in tokens.withLock({ $0 }) {
            HypervisorWatchdog.killProcesses(withCommandLineToken: token)
        }
    }
}
