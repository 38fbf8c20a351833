import Glibc

/// One client connection of `NBDRelay`: the handshake, then read requests until the client
/// disconnects. Numbers are big-endian on the wire, as the NBD protocol specifies.
struct NBDConnection {
    let descriptor: Int32
    let image: RemoteImage

    enum Magic {
        static let password: UInt64 = 0x4E42_444D_4147_4943          // "NBDMAGIC"
        static let option: UInt64 = 0x4948_4156_454F_5054            // "IHAVEOPT"
        static let optionReply: UInt64 = 0x0003_E889_0455_65A9
        static let request: UInt32 = 0x2560_9513
        static let simpleReply: UInt32 = 0x6744_6698
    }

    enum Option {
        static let exportName: UInt32 = 1, abort: UInt32 = 2, info: UInt32 = 6, go: UInt32 = 7
    }

    enum Reply {
        static let ack: UInt32 = 1, info: UInt32 = 3, unsupported: UInt32 = 0x8000_0001
    }

    enum Command {
        static let read: UInt16 = 0, write: UInt16 = 1, disconnect: UInt16 = 2
    }

    /// `NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES`.
    static let handshakeFlags: UInt16 = 0b11
    /// `NBD_FLAG_HAS_FLAGS | NBD_FLAG_READ_ONLY`.
    static let transmissionFlags: UInt16 = 0b11
    /// The longest option payload or read accepted (qemu asks for at most 32 MiB).
    static let maximumLength: UInt32 = 32 << 20

    mutating func run() {
        var hello = WireWriter()
        hello.u64(Magic.password); hello.u64(Magic.option); hello.u16(Self.handshakeFlags)
        guard send(hello.bytes), let flags = receive(4) else { return }
        var reader = WireReader(flags)
        let clientFlags = reader.u32()
        let noZeroes = clientFlags & 0b10 != 0
        guard negotiate(noZeroes: noZeroes) else { return }
        transmit()
    }

    /// Option haggling; true when the client moved on to transmission.
    private func negotiate(noZeroes: Bool) -> Bool {
        while true {
            guard let header = receive(16) else { return false }
            var reader = WireReader(header)
            let magic = reader.u64(), option = reader.u32(), length = reader.u32()
            // The payload (an export name, info requests) is read and not needed: there is one export.
            guard magic == Magic.option, length <= 4096, receive(Int(length)) != nil else { return false }
            switch option {
            case Option.exportName:
                var answer = WireWriter()
                answer.u64(image.size); answer.u16(Self.transmissionFlags)
                if !noZeroes { answer.bytes += [UInt8](repeating: 0, count: 124) }
                return send(answer.bytes)
            case Option.info, Option.go:
                var export = WireWriter()
                export.u16(0)   // NBD_INFO_EXPORT
                export.u64(image.size); export.u16(Self.transmissionFlags)
                guard reply(option, Reply.info, export.bytes), reply(option, Reply.ack, []) else { return false }
                if option == Option.go { return true }
            case Option.abort:
                _ = reply(option, Reply.ack, [])
                return false
            default:
                guard reply(option, Reply.unsupported, []) else { return false }
            }
        }
    }

    private func reply(_ option: UInt32, _ type: UInt32, _ data: [UInt8]) -> Bool {
        var writer = WireWriter()
        writer.u64(Magic.optionReply); writer.u32(option); writer.u32(type); writer.u32(UInt32(data.count))
        return send(writer.bytes + data)
    }

    /// Requests until the client disconnects; each gets a simple reply.
    private func transmit() {
        while let header = receive(28) {
            var reader = WireReader(header)
            let magic = reader.u32(), _ = reader.u16(), type = reader.u16()
            let handle = reader.u64(), offset = reader.u64(), length = reader.u32()
            guard magic == Magic.request else { return }
            switch type {
            case Command.read:
                guard length <= Self.maximumLength, offset <= image.size, UInt64(length) <= image.size - offset else {
                    guard answer(handle, error: EINVAL) else { return }
                    continue
                }
                do {
                    let bytes = try image.read(at: offset, count: Int(length))
                    guard bytes.count == Int(length) else { guard answer(handle, error: EIO) else { return }; continue }
                    guard answer(handle, error: 0, data: bytes) else { return }
                } catch {
                    guard answer(handle, error: EIO) else { return }
                }
            case Command.disconnect:
                return
            case Command.write:
                // Consume the payload, then refuse: the export is read-only.
                guard length <= Self.maximumLength, receive(Int(length)) != nil, answer(handle, error: EPERM) else { return }
            default:
                guard answer(handle, error: EINVAL) else { return }
            }
        }
    }

    private func answer(_ handle: UInt64, error: Int32, data: [UInt8] = []) -> Bool {
        var writer = WireWriter()
        writer.u32(Magic.simpleReply); writer.u32(UInt32(error)); writer.u64(handle)
        return send(writer.bytes) && (data.isEmpty || send(data))
    }

    /// Exactly `count` bytes, or nil at EOF or on an error.
    private func receive(_ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + got, count - got, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            got += n
        }
        return buffer
    }

    private func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                let n = Glibc.send(descriptor, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                sent += n
            }
            return true
        }
    }
}

/// Big-endian fields appended to a byte array.
struct WireWriter {
    var bytes: [UInt8] = []
    mutating func u16(_ value: UInt16) { bytes += withUnsafeBytes(of: value.bigEndian, Array.init) }
    mutating func u32(_ value: UInt32) { bytes += withUnsafeBytes(of: value.bigEndian, Array.init) }
    mutating func u64(_ value: UInt64) { bytes += withUnsafeBytes(of: value.bigEndian, Array.init) }
}

/// Big-endian fields read in order; the caller has checked the length.
struct WireReader {
    let bytes: [UInt8]
    var position = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    mutating func u16() -> UInt16 { UInt16(take(2)) }
    mutating func u32() -> UInt32 { UInt32(take(4)) }
    mutating func u64() -> UInt64 { take(8) }
    private mutating func take(_ count: Int) -> UInt64 {
        defer { position += count }
        return bytes[position..<position + count].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
