import Foundation
import Synchronization

/// The child's exit, seen the moment it happens: a latch any number of threads wait on, holding
/// how it ended, and the lock under which signals are sent, so none is sent after the exit.
///
/// Foundation's `Process` notices an exit through a socket the child inherits (its descriptor
/// 30 or so): while a descendant of the child keeps that socket open (a shell's background
/// job, libguestfs's recovery process), Foundation neither reaps the child nor calls its
/// termination handler. So a thread of ours waits for the exit itself with `waitid(WNOWAIT)`:
/// it sees the zombie at once and reads its status, without reaping it — Foundation still does
/// that, later. As long as nobody has reaped the child its pid cannot be reused, so a signal
/// sent before the exit is seen cannot reach another process. If Foundation does reap first
/// (it raced our thread), `waitid` says ECHILD and the status is Foundation's.
final class ExitLatch: Sendable {
    private let exited = DispatchSemaphore(value: 0)
    /// Signalled by Foundation's termination handler, after it reaped the child.
    private let reaped = DispatchSemaphore(value: 0)
    private let state = Mutex<(termination: ChildProcess.Termination?, expired: Bool)>((nil, false))

    /// For `Process.terminationHandler`.
    func markReaped() { reaped.signal() }

    /// Starts the thread that waits for `process`'s exit.
    func watch(_ process: Process) {
        let pid = process.processIdentifier
        Thread { [self] in
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 {
                guard errno == EINTR else {
                    reaped.wait()
                    reaped.signal()
                    markExited(process.terminationReason == .exit ? .exited(process.terminationStatus) : .signalled(process.terminationStatus))
                    return
                }
            }
            let status = info._sifields._sigchld.si_status
            markExited(info.si_code == Int32(CLD_EXITED) ? .exited(status) : .signalled(status))
        }.start()
    }

    private func markExited(_ termination: ChildProcess.Termination) {
        state.withLock { $0.termination = termination }
        exited.signal()
    }

    var hasExited: Bool { state.withLock { $0.termination != nil } }
    /// How the child ended; only after `wait()` returned true.
    var termination: ChildProcess.Termination { state.withLock { $0.termination! } }
    /// The time limit killed the child.
    var expired: Bool { state.withLock { $0.expired } }

    /// Blocks until the exit, or until `deadline`; true on exit.
    func wait(until deadline: DispatchTime = .distantFuture) -> Bool {
        guard exited.wait(timeout: deadline) == .success else { return false }
        exited.signal()  // a latch: every later wait passes too
        return true
    }

    func whileRunning(_ body: () -> Void) {
        state.withLock { if $0.termination == nil { body() } }
    }

    /// The time limit is up: SIGKILL, remembered so the outcome says `.timedOut`.
    func expire(_ pid: pid_t) {
        state.withLock {
            guard $0.termination == nil else { return }
            $0.expired = true
            kill(pid, SIGKILL)
        }
    }
}
