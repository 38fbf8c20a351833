import Foundation
import Glibc

public enum StandardStream: Sendable, Hashable {
    case standardOutput, standardError
}

extension ChildProcess {
    /// What the child reads on its standard input. Always a file descriptor given at the spawn:
    /// there is no pipe for us to write into, so a child that exits without reading cannot make
    /// the parent die of SIGPIPE or block.
    public enum Input: Sendable {
        /// /dev/null: the child never reads the user's or the test runner's terminal by accident.
        case null
        /// Our own standard input.
        case inherit
        /// This file, opened read-only for the child.
        case file(String)
        /// This open descriptor, the caller's: it stays open.
        case fileDescriptor(Int32)
        /// These bytes, staged in a temporary file before the spawn (`StagedInput`).
        case bytes([UInt8])

        /// The handle the child gets, and whether we opened it (so close our copy after the spawn).
        func open(for executable: String) throws(LaunchFailure) -> OpenedInput {
            switch self {
            case .null: return OpenedInput(handle: .nullDevice, ours: false)
            case .inherit: return OpenedInput(handle: nil, ours: false)
            case .fileDescriptor(let descriptor):
                return OpenedInput(handle: FileHandle(fileDescriptor: descriptor, closeOnDealloc: false), ours: false)
            case .file(let path):
                let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else {
                    throw LaunchFailure(executable: executable, reason: "standard input \(path): \(String(cString: strerror(errno)))")
                }
                return OpenedInput(handle: FileHandle(fileDescriptor: descriptor, closeOnDealloc: false), ours: true)
            case .bytes(let bytes):
                do {
                    return OpenedInput(handle: FileHandle(fileDescriptor: try StagedInput.file(holding: bytes), closeOnDealloc: false), ours: true)
                } catch {
                    throw LaunchFailure(executable: executable, reason: "cannot stage standard input: \(error)")
                }
            }
        }
    }

    struct OpenedInput {
        var handle: FileHandle?
        var ours: Bool

        /// The child has its own copy from the spawn on.
        func closeOurCopy() {
            if ours, let handle { try? handle.close() }
        }
    }

    /// Where one of the child's output streams goes.
    public enum Output: Sendable {
        /// /dev/null.
        case discard
        /// Our own stdout or stderr.
        case inherit
        /// Kept in the outcome, at most `limit` bytes; past it, `overflow` says what happens.
        case capture(limit: Int, overflow: Overflow = .truncate)
        /// A pipe the caller reads while the child runs (`RunningChild.readChunks`/`readLines`).
        case stream

        /// Everything the child writes, however much (test helpers; never for guest-driven output).
        public static let captureAll = Output.capture(limit: .max)

        /// Points the child's stream somewhere; returns the pipe to read when there is one.
        func attach(_ set: (Any) -> Void) -> Pipe? {
            switch self {
            case .discard: set(FileHandle.nullDevice); return nil
            case .inherit: return nil
            case .capture, .stream:
                let pipe = Pipe()
                set(pipe)
                return pipe
            }
        }
    }

    /// What happens to output past a capture's limit. Either way the outcome keeps exactly the
    /// first `limit` bytes and says it was truncated; the rest is read and dropped, so the child
    /// is never blocked on a full pipe.
    public enum Overflow: Sendable {
        /// The child runs on.
        case truncate
        /// The child is SIGKILLed at once: its output is no use past the limit (a decompression bomb).
        case killChild
    }
}
