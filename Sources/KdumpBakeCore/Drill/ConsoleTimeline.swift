/// The drill's reading of the guest's serial console: fed bytes as they arrive, it splits them
/// into lines and records each milestone (`DrillMilestone`) the first time a line shows it.
///
/// The console is hostile input. Every line is cut at `maximumLineBytes` (the rest of an endless
/// line is dropped as it arrives, never buffered), only the last `tailLineCount` lines are kept,
/// and a line can at worst produce a wrong milestone: each is recorded once, and each pattern
/// counts only in the boot where it means something. Which boot the console is in is counted:
///
/// 1. the first (normal) boot, up to the panic that follows our trigger's marker;
/// 2. after the panic, a kernel whose `Kernel command line:` carries `elfcorehdr=` is kdump's
///    capture kernel;
/// 3. any other kernel after the panic is the second boot, which ends a drill once it reaches
///    userspace.
///
/// Pure and synchronous: the caller owns the clock (`elapsedSeconds` is its time since qemu started).
public struct ConsoleTimeline: Sendable {
    /// Console lines longer than this are cut (see `ConsoleLines`).
    public static let maximumLineBytes = ConsoleLines.maximumLineBytes
    /// How many lines `lastLines` keeps: enough to see what the guest was doing when it stopped.
    public static let tailLineCount = 40

    /// Which boot the console is showing.
    enum Boot: Sendable, Equatable {
        /// Before the panic (a guest that reboots on its own before the trigger stays here).
        case first
        /// The first boot, after its panic: kexec or panic's reboot comes next.
        case panicked
        /// A kernel started after the panic; its command line will say which kind.
        case starting
        /// kdump's capture kernel.
        case capture
        /// A normal boot after the panic.
        case second
    }

    public let mode: DrillTrigger.Mode
    /// Milestones in the order seen, each once.
    public private(set) var entries: [TimelineEntry] = []
    private(set) var boot = Boot.first
    /// The first boot printed panic's last line after the drill's panic: no capture kernel and no
    /// reboot will come (kernel.panic = 0). The drill can stop at once instead of waiting out a limit.
    public private(set) var haltedAfterPanic = false

    /// The console cut into bounded lines.
    private var lines = ConsoleLines()
    /// Completed non-empty lines, oldest first, at most `tailLineCount`.
    private var completedTail: [String] = []

    public init(mode: DrillTrigger.Mode) {
        self.mode = mode
    }

    /// True once `milestone` has been recorded.
    public func reached(_ milestone: DrillMilestone) -> Bool {
        entries.contains { $0.milestone == milestone }
    }

    /// The entry of `milestone`, if recorded.
    public func entry(_ milestone: DrillMilestone) -> TimelineEntry? {
        entries.first { $0.milestone == milestone }
    }

    /// The last `tailLineCount` console lines, the line still being received last; each at most
    /// `maximumLineBytes` UTF-8 bytes, with its kernel timestamp, not terminal-escaped.
    public var lastLines: [String] {
        var lines = completedTail
        if let partial = self.lines.partialLine { lines.append(ConsoleLines.boundedText(partial)) }
        return Array(lines.suffix(Self.tailLineCount))
    }

    /// Reads the next console bytes; lines end at `\n` or `\r` (`\r\n` counts once) and may span
    /// chunks. Returns the milestones first seen in this chunk, in order.
    public mutating func feed(_ bytes: some Collection<UInt8>, at elapsedSeconds: Double) -> [TimelineEntry] {
        let before = entries.count
        var lines = self.lines
        lines.feed(bytes) { read(line: $0, at: elapsedSeconds) }
        self.lines = lines
        return Array(entries[before...])
    }

    /// Reads the line still being received as if it had ended (qemu exited or the drill stopped
    /// mid-line): a last line without a newline can still show a milestone.
    public mutating func finish(at elapsedSeconds: Double) -> [TimelineEntry] {
        let before = entries.count
        var lines = self.lines
        lines.finish { read(line: $0, at: elapsedSeconds) }
        self.lines = lines
        return Array(entries[before...])
    }

    /// Keeps a completed line in the tail and applies the rules to it.
    private mutating func read(line raw: ArraySlice<UInt8>, at elapsedSeconds: Double) {
        completedTail.append(ConsoleLines.boundedText(raw))
        if completedTail.count > Self.tailLineCount { completedTail.removeFirst(completedTail.count - Self.tailLineCount) }
        read(ConsoleLines.boundedText(ConsoleLines.strippingTimestamp(raw)), at: elapsedSeconds)
    }

    // MARK: the rules

    /// Applies one line (timestamp stripped) to the boot count and the milestones.
    private mutating func read(_ line: String, at time: Double) {
        typealias P = ConsolePatterns
        if line.contains(P.kernelBanner) {
            if boot == .first { record(.kernelStarted, time, line) } else { boot = .starting }
        }
        if line.contains(P.commandLine) { readCommandLine(line, at: time) }

        switch boot {
        case .first:
            if P.reportsReservation(line) { record(.crashKernelReserved, time, line) }
            if P.reportsNoReservation(line) { record(.crashKernelNotReserved, time, line) }
            if let reason = Self.text(after: P.notArmedMarker, in: line) {
                let trimmed = String(reason.drop { $0 == ":" || $0 == " " })
                record(.kdumpNotArmed, time, trimmed.isEmpty ? nil : trimmed)
            } else if line.contains(P.armedMarker) {
                record(.kdumpArmed, time, line)
            }
            if line.contains(P.crashingMarker) { record(.triggerFired, time, line) }
            if reached(.triggerFired), line.contains(P.panicLine) || P.containsAny(line, P.sysrqCrash) {
                record(.panic, time, line)
                boot = .panicked
            }
        case .capture:
            if P.containsAny(line, P.dumpSaved) { record(.dumpWritten, time, line) }
            if P.containsAny(line, P.dumpNotSaved) || line.contains(P.panicLine) { record(.dumpFailed, time, line) }
        case .second:
            if P.containsAny(line, P.userspace) { record(.secondBootUserspace, time, line) }
        case .panicked:
            if line.contains(P.panicEnd) { haltedAfterPanic = true }
        case .starting:
            break
        }
        if boot != .first, P.containsAny(line, P.restart) { record(.reboot, time, line) }
    }

    /// A command line after the panic says which kernel this is. One seen without a `Linux
    /// version` line before it still counts (console output can be lost), except that the capture
    /// kernel repeating its own, or the second boot printing one, starts nothing new.
    private mutating func readCommandLine(_ line: String, at time: Double) {
        let capture = line.contains(ConsolePatterns.captureParameter)
        switch (boot, capture) {
        case (.panicked, true), (.starting, true):
            boot = .capture
            record(.captureKernelStarted, time, line)
        case (.panicked, false), (.starting, false), (.capture, false):
            boot = .second
            record(.secondBootKernel, time, line)
        default:
            break
        }
    }

    private mutating func record(_ milestone: DrillMilestone, _ time: Double, _ detail: String?) {
        guard !reached(milestone) else { return }
        entries.append(TimelineEntry(milestone: milestone, elapsedSeconds: time, detail: detail))
    }

    // MARK: text

    /// The text after the first `marker` in `line`, or nil when it has none.
    static func text(after marker: String, in line: String) -> Substring? {
        line.range(of: marker).map { line[$0.upperBound...] }
    }
}
