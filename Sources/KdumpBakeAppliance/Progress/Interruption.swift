import KdumpBakeCore
import Dispatch
import Foundation
import Guestfs
import Synchronization

/// SIGINT and SIGTERM during a run: stop the appliances so every image is left as it was
/// (the overlay is discarded, temporary and partial files removed), unless an image is already
/// being committed — then the commit finishes, and the report says the image is fully patched.
/// The process then exits 128 + signal (130 for SIGINT, 143 for SIGTERM).
public enum Interruption {
    private static let state = Mutex<(signal: Int32?, committing: Int)>((nil, 0))
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// The signal received, if any.
    public static var signal: Int32? { state.withLock { $0.signal } }

    /// Installs the handlers; `announce` gets one line when a signal arrives.
    public static func install(announce: @escaping @Sendable (String) -> Void) {
        for number in [SIGINT, SIGTERM] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let committing = state.withLock { current -> Int in
                    if current.signal == nil { current.signal = number }
                    return current.committing
                }
                let name = number == SIGINT ? "SIGINT" : "SIGTERM"
                if committing > 0 {
                    announce("\(name): finishing the commit already under way, then stopping")
                } else {
                    announce("\(name): stopping; images not yet committed stay byte-identical")
                }
                RunningAppliances.stopAll()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Runs the commit step. A signal arriving meanwhile does not interrupt it (it is the step
    /// that makes the image whole); appliances are already closed by then.
    static func committing<T>(_ body: () throws -> T) rethrows -> T {
        state.withLock { $0.committing += 1 }
        defer { state.withLock { $0.committing -= 1 } }
        return try body()
    }

    /// Throws when a signal has arrived: checked between steps so no new work starts.
    static func checkpoint() throws {
        if let number = signal { throw PatchError.interrupted(number) }
    }

    /// The exit status for a received signal.
    public static var exitStatus: Int32? { signal.map { 128 + $0 } }
}
