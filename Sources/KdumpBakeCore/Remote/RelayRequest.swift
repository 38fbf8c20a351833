/// One request qemu's curl driver sends the relay: `HEAD` for the size, `GET` with one byte
/// range for data. Anything else is answered with an error; nothing here trusts the request
/// beyond what it parses.
struct RelayRequest: Equatable {
    var method: String
    var target: String
    var range: RangeSpec?
    /// The client asked to close after this answer (`Connection: close`, or HTTP/1.0).
    var closesConnection: Bool

    /// The longest request head accepted.
    static let maximumHeadLength = 16 << 10

    /// One `Range: bytes=…` spec.
    enum RangeSpec: Equatable {
        case from(UInt64, through: UInt64?)
        case suffix(UInt64)

        /// The bytes meant, inside a file of `size` bytes; nil when unsatisfiable.
        func resolve(size: UInt64) -> ClosedRange<UInt64>? {
            switch self {
            case .from(let first, let last):
                guard first < size else { return nil }
                let end = min(last ?? (size - 1), size - 1)
                return first <= end ? first...end : nil
            case .suffix(let count):
                guard count > 0, size > 0 else { return nil }
                return (size - min(count, size))...(size - 1)
            }
        }

        /// Parses `bytes=A-B`, `bytes=A-` or `bytes=-N`; several ranges are not supported.
        init?(header value: Substring) {
            let trimmed = value.drop(while: { $0 == " " })
            guard trimmed.lowercased().hasPrefix("bytes=") else { return nil }
            let spec = trimmed.dropFirst(6).prefix(while: { $0 != " " && $0 != "\t" })
            guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
            let first = spec[..<dash], last = spec[spec.index(after: dash)...]
            if first.isEmpty {
                guard let count = UInt64(last) else { return nil }
                self = .suffix(count)
            } else {
                guard let start = UInt64(first) else { return nil }
                if last.isEmpty { self = .from(start, through: nil) } else {
                    guard let end = UInt64(last) else { return nil }
                    self = .from(start, through: end)
                }
            }
        }
    }

    /// Parses a request head (request line and headers, without the blank line); nil when it
    /// is not HTTP/1.x. A `Range` header that cannot be parsed leaves `range` nil.
    init?(head: [UInt8]) {
        let text = String(decoding: head, as: UTF8.self)
        // "\r\n" is one Character in Swift: split on it as well as on a bare "\n".
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\r\n" || $0 == "\n" })
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else { return nil }
        method = String(requestLine[0])
        target = String(requestLine[1])
        range = nil
        var closes = requestLine[2] == "HTTP/1.0"
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...]
            if name == "range" { range = RangeSpec(header: value) }
            if name == "connection" { closes = value.lowercased().contains("close") }
        }
        closesConnection = closes
    }
}
