import Foundation
import Glibc
import Synchronization

/// A read-only HTTP server on 127.0.0.1 that serves one `RemoteImage` to qemu's curl driver.
///
/// Why a relay instead of handing qemu the URL: libguestfs puts a network drive's URL on qemu's
/// command line, where every local user can read it (`ps`, `/proc/PID/cmdline`), SAS token and
/// all. qemu is given `http://127.0.0.1:PORT/RANDOM/NAME` instead; the real URL stays in
/// kdumpbake. The relay also caches blocks (see `RemoteImage`) and records the server's real
/// problem when a read fails, which qemu would only report as an I/O error.
///
/// It answers only what the curl driver asks — `HEAD` for the size and `GET` of one byte
/// range — on the one random path, and only to connections owned by kdumpbake's own user
/// (looked up in /proc/net/tcp): another local user cannot read the image through it.
public final class LoopbackRelay: Sendable {
    /// `127.0.0.1:PORT`, for libguestfs's `server`.
    public let server: String
    /// The path qemu asks for.
    public let path: String
    private let image: RemoteImage
    private let listener: Int32
    private let port: UInt16
    private let connections = Mutex<Set<Int32>>([])
    private let stopped = Mutex(false)

    public init(serving image: RemoteImage) throws(RemoteImageError) {
        self.image = image
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw RemoteImageError(url: image.url, problem: .transport("relay socket: \(String(cString: strerror(errno)))")) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && listen(descriptor, 32) == 0
                    && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw RemoteImageError(url: image.url, problem: .transport("relay on 127.0.0.1: \(reason)"))
        }
        listener = descriptor
        port = UInt16(bigEndian: address.sin_port)
        server = "127.0.0.1:\(port)"
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<4).map { _ in String(generator.next() as UInt32, radix: 16) }.joined()
        let name = image.url.path.split(separator: "/").last.map(String.init) ?? "image"
        path = "/\(secret)/\(name)"
        Thread.detachNewThread { [self] in acceptConnections() }
    }

    /// Stops accepting and ends every open connection. Call it after the appliance is shut down.
    public func stop() {
        guard !stopped.withLock({ let was = $0; $0 = true; return was }) else { return }
        Glibc.shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        connections.withLock { for descriptor in $0 { Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) } }
    }

    deinit { stop() }

    private func acceptConnections() {
        while true {
            let descriptor = accept(listener, nil, nil)
            if descriptor < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            // Not SOCK_CLOEXEC at birth (accept4 is not imported); the connection is shut down,
            // not only closed, at its end, so a child that inherited it meanwhile cannot keep it open.
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            guard LoopbackPeer.isOwnUser(descriptor, serverPort: port) else {
                close(descriptor)
                continue
            }
            var timeout = timeval(tv_sec: 300, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let open = connections.withLock { set in
                guard !stopped.withLock({ $0 }) else { return false }
                set.insert(descriptor)
                return true
            }
            guard open else { close(descriptor); return }
            Thread.detachNewThread { [self] in
                serve(descriptor)
                connections.withLock { _ = $0.remove(descriptor) }
                Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
                close(descriptor)
            }
        }
    }

    /// Answers requests on one connection until the client closes it or asks to.
    private func serve(_ descriptor: Int32) {
        var buffer: [UInt8] = []
        while let head = Self.readHead(descriptor, buffer: &buffer) {
            guard let request = RelayRequest(head: head) else { send(descriptor, status: "400 Bad Request"); return }
            guard request.target == path else { send(descriptor, status: "404 Not Found"); return }
            switch request.method {
            case "HEAD":
                guard send(descriptor, status: "200 OK", headers: ["Content-Length: \(image.size)", "Accept-Ranges: bytes"]) else { return }
            case "GET":
                guard let spec = request.range else {
                    send(descriptor, status: "416 Range Not Satisfiable", headers: ["Content-Range: bytes */\(image.size)"]); return
                }
                guard let range = spec.resolve(size: image.size) else {
                    send(descriptor, status: "416 Range Not Satisfiable", headers: ["Content-Range: bytes */\(image.size)"]); return
                }
                let bytes: [UInt8]
                do {
                    bytes = try image.read(at: range.lowerBound, count: Int(range.upperBound - range.lowerBound + 1))
                } catch {
                    send(descriptor, status: "502 Bad Gateway"); return
                }
                guard send(descriptor, status: "206 Partial Content",
                           headers: ["Content-Length: \(bytes.count)", "Content-Range: bytes \(range.lowerBound)-\(range.upperBound)/\(image.size)",
                                     "Accept-Ranges: bytes"], body: bytes) else { return }
            default:
                send(descriptor, status: "405 Method Not Allowed", headers: ["Allow: GET, HEAD"]); return
            }
            if request.closesConnection { return }
        }
    }

    /// The next request head on the connection (up to the blank line); nil at EOF, on a read
    /// error or timeout, or when the head is longer than `RelayRequest.maximumHeadLength`.
    /// Requests have no body: whatever follows the blank line is the next request.
    private static func readHead(_ descriptor: Int32, buffer: inout [UInt8]) -> [UInt8]? {
        let end: [UInt8] = [13, 10, 13, 10]
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let found = buffer.firstRange(of: end) {
                let head = Array(buffer[..<found.lowerBound])
                buffer.removeSubrange(..<found.upperBound)
                return head
            }
            guard buffer.count <= RelayRequest.maximumHeadLength else { return nil }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            buffer += chunk[..<count]
        }
    }

    /// Writes one response; false when the connection is gone.
    @discardableResult
    private func send(_ descriptor: Int32, status: String, headers: [String] = ["Content-Length: 0"], body: [UInt8] = []) -> Bool {
        let head = "HTTP/1.1 \(status)\r\n" + headers.map { "\($0)\r\n" }.joined() + (headers.contains { $0.hasPrefix("Content-Length") } ? "" : "Content-Length: 0\r\n") + "\r\n"
        return Self.sendAll(descriptor, Array(head.utf8)) && Self.sendAll(descriptor, body)
    }

    private static func sendAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                let count = Glibc.send(descriptor, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                sent += count
            }
            return true
        }
    }
}

/// Who is on the other end of a loopback TCP connection.
enum LoopbackPeer {
    /// Whether the client socket connected to `serverPort` belongs to our own user: its row in
    /// /proc/net/tcp (local 127.0.0.1:CLIENTPORT, remote 127.0.0.1:serverPort) names its uid.
    static func isOwnUser(_ descriptor: Int32, serverPort: UInt16) -> Bool {
        var peer = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let found = withUnsafeMutablePointer(to: &peer) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(descriptor, $0, &length) == 0 }
        }
        guard found, let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return false }
        return owner(in: table, clientPort: UInt16(bigEndian: peer.sin_port), serverPort: serverPort) == getuid()
    }

    /// The uid of the socket 127.0.0.1:clientPort → 127.0.0.1:serverPort in a /proc/net/tcp table.
    static func owner(in table: String, clientPort: UInt16, serverPort: UInt16) -> uid_t? {
        let local = "0100007F:" + hex(clientPort), remote = "0100007F:" + hex(serverPort)
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 7, fields[1] == local, fields[2] == remote else { continue }
            return uid_t(fields[7])
        }
        return nil
    }

    private static func hex(_ port: UInt16) -> String {
        let digits = String(port, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
