/// The batch driver's progress lines on the appliance console (`kdumpbake-rebuild: 1 started`,
/// `… 1 exit 0 14120`, `… 1 timeout 9000`), read as they arrive so each kernel's start and end is
/// shown while the others still build.
///
/// Progress only: the guest's own programs can write the same text to /dev/kmsg, so a marker can
/// at worst show a wrong progress line. What the report says comes from the status files. A marker
/// names a build by its index, never by guest text: the caller shows its own kernel name.
public enum InitrdRebuildMarker: Sendable, Hashable {
    case started(index: Int)
    case exited(index: Int, code: Int, seconds: Double)
    case timedOut(index: Int, seconds: Double)

    public var index: Int {
        switch self {
        case .started(let index), .exited(let index, _, _), .timedOut(let index, _): index
        }
    }

    /// The marker in one console line (kernel timestamp and log-level prefix allowed before it), or nil.
    public static func parse(_ line: String) -> InitrdRebuildMarker? {
        guard let range = line.range(of: InitrdRebuildBatch.markerPrefix) else { return nil }
        let words = line[range.upperBound...].split(separator: " ").map(String.init)
        guard let index = words.first.flatMap({ Int($0) }), index >= 0 else { return nil }
        if Array(words.dropFirst()) == ["started"] { return .started(index: index) }
        switch InitrdRebuildBatch.BuildEnd.parse(words.dropFirst()) {
        case .exited(let code, let seconds?): return .exited(index: index, code: code, seconds: seconds)
        case .timedOut(let seconds?): return .timedOut(index: index, seconds: seconds)
        default: return nil
        }
    }

    /// The progress message for this marker about `rebuild`, or nil when the index names no build.
    public func message(about rebuilds: [InitrdRebuild]) -> String? {
        guard rebuilds.indices.contains(index) else { return nil }
        let rebuild = rebuilds[index]
        switch self {
        case .started: return "\(rebuild.tool) for \(rebuild.kernel) started"
        case .exited(_, let code, let seconds):
            return "\(rebuild.tool) for \(rebuild.kernel) " + (code == 0 ? "finished" : "failed (exit \(code))") + " after \(InitrdRebuildResult.format(seconds)) s"
        case .timedOut(_, let seconds):
            return "\(rebuild.tool) for \(rebuild.kernel) stopped at its time limit after \(InitrdRebuildResult.format(seconds)) s"
        }
    }
}
