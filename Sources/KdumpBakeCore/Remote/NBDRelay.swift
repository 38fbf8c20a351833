import Foundation
import Glibc
import Synchronization

/// Serves one `RemoteImage` read-only to qemu over NBD, on a Unix socket in a private (0700)
/// directory: the way the appliance reads an image that lives on a web server.
///
/// Why not give qemu the URL (libguestfs's `http`/`https` drives, qemu's curl driver):
/// - libguestfs puts that URL on qemu's command line, readable by every local user (`ps`,
///   /proc/PID/cmdline), SAS token included; qemu here sees only the socket's path.
/// - qemu 7.2's curl driver hung mid-mount in 2 of 3 audits here (its requests all answered)
///   and re-reads the same ranges: 171 MB in 656 requests for a 256 MiB image.
/// - Only kdumpbake's own user can open the socket (the directory's mode), so no other local
///   user can read the image through it either.
///
/// The NBD subset served (the protocol's "fixed newstyle" handshake): `NBD_OPT_GO`,
/// `NBD_OPT_INFO` and `NBD_OPT_EXPORT_NAME` for any export name; `NBD_CMD_READ` and
/// `NBD_CMD_DISC`; every other option is answered "unsupported" and every other command
/// refused (writes with EPERM: the export is read-only).
public final class NBDRelay: Sendable {
    /// The socket, for libguestfs's `server` (`unix:PATH`).
    public var server: String { "unix:" + socketPath }
    let socketPath: String
    private let directory: HostTemporaryDirectory
    private let image: RemoteImage
    private let listener: Int32
    private let connections = Mutex<Set<Int32>>([])
    private let stopped = Mutex(false)

    public init(serving image: RemoteImage) throws(RemoteImageError) {
        self.image = image
        do { directory = try HostTemporaryDirectory(prefix: "kdumpbake-nbd") } catch {
            throw RemoteImageError(url: image.url, problem: .transport("\(error)"))
        }
        socketPath = directory.path + "/image.sock"
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        let fits = pathBytes.count < MemoryLayout.size(ofValue: address.sun_path)
        if fits {
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in pathBytes.enumerated() { buffer[index] = byte }
            }
        }
        let listening = descriptor >= 0 && fits && withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 && listen(descriptor, 16) == 0
            }
        }
        guard listening else {
            let reason = fits ? String(cString: strerror(errno)) : "socket path too long"
            if descriptor >= 0 { close(descriptor) }
            throw RemoteImageError(url: image.url, problem: .transport("relay socket \(socketPath): \(reason)"))
        }
        listener = descriptor
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
            // Not close-on-exec from birth (accept4 is not imported); connections are shut
            // down, not only closed, at their end, so an inherited copy cannot keep one open.
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            let open = connections.withLock { set in
                guard !stopped.withLock({ $0 }) else { return false }
                set.insert(descriptor)
                return true
            }
            guard open else { close(descriptor); return }
            Thread.detachNewThread { [self] in
                var connection = NBDConnection(descriptor: descriptor, image: image)
                connection.run()
                connections.withLock { _ = $0.remove(descriptor) }
                Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
                close(descriptor)
            }
        }
    }
}
