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
    /// Console lines longer than this are cut (the kernel's own lines are far shorter).
    public static let maximumLineBytes = 512
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

    /// The line being received (at most `maximumLineBytes`; later bytes of a longer line are dropped).
    private var pending: [UInt8] = []
    /// The last byte was a carriage return: a line feed right after it ends no second line.
    private var afterCarriageReturn = false
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
        if !pending.isEmpty { lines.append(Self.boundedText(pending[...])) }
        return Array(lines.suffix(Self.tailLineCount))
    }

    /// Reads the next console bytes; lines end at `\n` or `\r` (`\r\n` counts once) and may span
    /// chunks. Returns the milestones first seen in this chunk, in order.
    public mutating func feed(_ bytes: some Collection<UInt8>, at elapsedSeconds: Double) -> [TimelineEntry] {
        let before = entries.count
        let chunk = Array(bytes)
        chunk.withUnsafeBufferPointer { buffer in scan(buffer, at: elapsedSeconds) }
        return Array(entries[before...])
    }

    /// Reads the line still being received as if it had ended (qemu exited or the drill stopped
    /// mid-line): a last line without a newline can still show a milestone.
    public mutating func finish(at elapsedSeconds: Double) -> [TimelineEntry] {
        let before = entries.count
        endLine(at: elapsedSeconds)
        return Array(entries[before...])
    }

    private mutating func scan(_ buffer: UnsafeBufferPointer<UInt8>, at elapsedSeconds: Double) {
        let lineFeed = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        var index = 0
        while index < buffer.count {
            let byte = buffer[index]
            if byte == lineFeed || byte == carriageReturn {
                if !(byte == lineFeed && afterCarriageReturn) { endLine(at: elapsedSeconds) }
                afterCarriageReturn = byte == carriageReturn
                index += 1
                continue
            }
            afterCarriageReturn = false
            var end = index + 1
            while end < buffer.count, buffer[end] != lineFeed, buffer[end] != carriageReturn { end += 1 }
            let room = Self.maximumLineBytes - pending.count
            if room > 0 { pending.append(contentsOf: buffer[index..<min(end, index + room)]) }
            index = end
        }
    }

    private mutating func endLine(at elapsedSeconds: Double) {
        guard !pending.isEmpty else { return }
        let raw = pending
        pending.removeAll(keepingCapacity: true)
        completedTail.append(Self.boundedText(raw[...]))
        if completedTail.count > Self.tailLineCount { completedTail.removeFirst(completedTail.count - Self.tailLineCount) }
        read(Self.boundedText(Self.strippingTimestamp(raw[...])), at: elapsedSeconds)
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

    /// The line without a leading kernel timestamp `[   12.345678] ` (the kernel pads the seconds
    /// with blanks; the one blank after the bracket goes too). Anything else is left alone.
    static func strippingTimestamp(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var index = line.startIndex
        guard index < line.endIndex, line[index] == UInt8(ascii: "[") else { return line }
        index += 1
        while index < line.endIndex, line[index] == UInt8(ascii: " ") { index += 1 }
        let digitsStart = index
        while index < line.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[index]) { index += 1 }
        guard index > digitsStart, index < line.endIndex, line[index] == UInt8(ascii: ".") else { return line }
        index += 1
        let fractionStart = index
        while index < line.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[index]) { index += 1 }
        guard index > fractionStart, index < line.endIndex, line[index] == UInt8(ascii: "]") else { return line }
        index += 1
        if index < line.endIndex, line[index] == UInt8(ascii: " ") { index += 1 }
        return line[index...]
    }

    /// Guest bytes as text: invalid UTF-8 replaced (U+FFFD), then cut at a scalar boundary so the
    /// result is at most `maximumLineBytes` UTF-8 bytes (a replacement character takes three).
    static func boundedText(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(maximumLineBytes), as: UTF8.self)
        guard text.utf8.count > maximumLineBytes else { return text }
        var kept = String.UnicodeScalarView()
        var size = 0
        for scalar in text.unicodeScalars {
            size += UTF8.width(scalar)
            guard size <= maximumLineBytes else { break }
            kept.append(scalar)
        }
        return String(kept)
    }
}
