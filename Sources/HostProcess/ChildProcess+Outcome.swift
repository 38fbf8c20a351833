import Foundation

extension ChildProcess {
    /// How a run ended and what it printed on the captured streams (empty for the others).
    public struct Outcome: Sendable {
        public var termination: Termination
        public var standardOutput: [UInt8]
        public var standardError: [UInt8]
        /// The child wrote more than the capture's limit: `standardOutput` is its first `limit` bytes.
        public var standardOutputTruncated: Bool
        public var standardErrorTruncated: Bool

        /// `standardOutput` as UTF-8, invalid bytes replaced.
        public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
        public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
    }

    public enum Termination: Equatable, Sendable, CustomStringConvertible {
        /// The child exited by itself with this status.
        case exited(Int32)
        /// The child was killed by this signal (by us through `RunningChild.send`, or by anyone).
        case signalled(Int32)
        /// The run did not finish within its time limit: the child was SIGKILLed (if it still
        /// ran), an output pipe still open past a grace was abandoned.
        case timedOut(Duration)

        public var succeeded: Bool { self == .exited(0) }

        /// The exit status, or the number of the signal that killed the child (SIGKILL for a
        /// timeout): `Process.terminationStatus`'s convention, for callers that report a status.
        public var statusOrSignal: Int32 {
            switch self {
            case .exited(let status): status
            case .signalled(let signal): signal
            case .timedOut: SIGKILL
            }
        }

        public var description: String {
            switch self {
            case .exited(let status): "exit status \(status)"
            case .signalled(let signal): "killed by signal \(signal)"
            case .timedOut(let limit): "ran longer than \(limit) and was killed"
            }
        }
    }
}
