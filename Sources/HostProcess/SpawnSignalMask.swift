import Foundation

/// The signal mask a child starts with.
///
/// A spawned child inherits the spawning thread's signal mask, and Foundation's `Process` does
/// not reset it. Dispatch and Swift concurrency worker threads block nearly every signal,
/// SIGCHLD included, and a shell started with SIGCHLD blocked can sleep forever in `wait`:
/// dash and busybox ash wait for a background job with `sigsuspend`, which then never wakes.
/// The rebuild driver's `wait` did exactly that under load in CI, an exited job unseen for a
/// minute. So the spawn runs with every signal unblocked except those the process ignores
/// anyway (SIGINT and SIGTERM during an `Interruption`): an ignored signal is discarded whether
/// or not it is blocked, so the child behaves the same, and the spawning thread never takes
/// delivery of a signal another thread is meant to collect.
enum SpawnSignalMask {
    /// Runs `body` (the spawn) with the calling thread's mask reduced to the ignored signals,
    /// then puts the mask back.
    static func withOnlyIgnoredSignalsBlocked<T>(_ body: () throws -> T) rethrows -> T {
        var ignored = sigset_t()
        sigemptyset(&ignored)
        let ignore = unsafeBitCast(SIG_IGN, to: Int.self)
        for number in Int32(1)..<65 {
            var action = sigaction()
            if sigaction(number, nil, &action) == 0, unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self) == ignore {
                sigaddset(&ignored, number)
            }
        }
        var previous = sigset_t()
        pthread_sigmask(SIG_SETMASK, &ignored, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }
}
