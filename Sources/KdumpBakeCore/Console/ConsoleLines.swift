/// Splits a console byte stream (qemu's serial port, the appliance console) into lines as the
/// bytes arrive, in chunks that may end mid-line.
///
/// The console is hostile input: a line is cut at `maximumLineBytes` and the rest of an endless
/// line is dropped as it arrives, never buffered. Lines end at `\n` or `\r` (`\r\n` counts once);
/// empty lines are not reported.
public struct ConsoleLines: Sendable {
    /// Console lines longer than this are cut (the kernel's own lines are far shorter).
    public static let maximumLineBytes = 512

    /// The line being received (at most `maximumLineBytes`; later bytes of a longer line are dropped).
    private var pending: [UInt8] = []
    /// The last byte was a carriage return: a line feed right after it ends no second line.
    private var afterCarriageReturn = false

    public init() {}

    /// The line still being received, if any.
    public var partialLine: ArraySlice<UInt8>? { pending.isEmpty ? nil : pending[...] }

    /// Reads the next bytes and calls `line` with every line they complete, in order.
    public mutating func feed(_ bytes: some Collection<UInt8>, line: (ArraySlice<UInt8>) -> Void) {
        let chunk = Array(bytes)
        chunk.withUnsafeBufferPointer { buffer in
            let lineFeed = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
            var index = 0
            while index < buffer.count {
                let byte = buffer[index]
                if byte == lineFeed || byte == carriageReturn {
                    if !(byte == lineFeed && afterCarriageReturn) { finish(line: line) }
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
    }

    /// Ends the line still being received as if a newline had come (the stream stopped mid-line).
    public mutating func finish(line: (ArraySlice<UInt8>) -> Void) {
        guard !pending.isEmpty else { return }
        let raw = pending
        pending.removeAll(keepingCapacity: true)
        line(raw[...])
    }

    /// The line without a leading kernel timestamp `[   12.345678] ` (the kernel pads the seconds
    /// with blanks; the one blank after the bracket goes too). Anything else is left alone.
    public static func strippingTimestamp(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
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
    public static func boundedText(_ bytes: ArraySlice<UInt8>) -> String {
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
