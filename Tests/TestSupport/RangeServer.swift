import Foundation
import Glibc
import HostProcess

/// A real HTTP server for the remote-audit tests: Debian's nginx on loopback, plain HTTP and
/// HTTPS (a self-signed certificate made for the run, which the tests trust with --ca-file),
/// serving one directory with range requests, plus locations that fail the ways servers fail.
///
/// Locations (each serves the files of `root` by name):
/// - `/images/NAME`      range requests as any web server does;
/// - `/redirect/NAME`    302 to /images/NAME;
/// - `/forbidden/NAME`   403, as Azure answers an expired SAS token;
/// - `/images/missing`   404;
/// - `/norange/NAME`     no range support (`max_ranges 0`: the whole file, 200);
/// - `/short/NAME`       206 with a 5-byte body whatever was asked;
/// - `/slow/NAME`        32 bytes a second.
/// The access log has one line per request: `METHOD URI STATUS BODY_BYTES RANGE`.
public final class RangeServer {
    public let directory: HostDirectory
    public let httpPort: UInt16
    public let httpsPort: UInt16
    /// The self-signed certificate, to pass as --ca-file.
    public let certificate: String
    private let child: RunningChild

    public var accessLog: String { directory.path + "/access.log" }

    public init(serving root: String) throws {
        directory = try HostDirectory()
        let path = directory.path
        certificate = path + "/cert.pem"
        let key = path + "/key.pem"
        let made = try ChildProcess("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                                                       "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                                    standardError: .captureAll).run()
        guard made.termination == .exited(0) else { throw RangeServerError(message: "openssl: \(made.standardErrorText)") }
        httpPort = try Self.freePort()
        httpsPort = try Self.freePort()
        let locations = """
                location /images/ { alias \(root)/; }
                location /redirect/ { rewrite ^/redirect/(.*)$ /images/$1 redirect; }
                location /forbidden/ { return 403; }
                location /norange/ { alias \(root)/; max_ranges 0; }
                location /short/ { add_header Content-Range "bytes 0-511/268435968" always; return 206 "short"; }
                location /slow/ { alias \(root)/; limit_rate 32; }
            """
        let config = """
            pid \(path)/nginx.pid;
            error_log \(path)/error.log;
            events { worker_connections 64; }
            http {
                log_format ranges '$request_method $uri $status $body_bytes_sent $http_range';
                access_log \(path)/access.log ranges;
                client_body_temp_path \(path)/tmp; proxy_temp_path \(path)/tmp; fastcgi_temp_path \(path)/tmp;
                uwsgi_temp_path \(path)/tmp; scgi_temp_path \(path)/tmp;
                server { listen 127.0.0.1:\(httpPort); \(locations) }
                server {
                    listen 127.0.0.1:\(httpsPort) ssl;
                    ssl_certificate \(certificate); ssl_certificate_key \(key);
                    \(locations)
                }
            }
            """
        try FileManager.default.createDirectory(atPath: path + "/tmp", withIntermediateDirectories: true)
        try config.write(toFile: path + "/nginx.conf", atomically: true, encoding: .utf8)
        // One process in the foreground, killed with the test process however it ends.
        child = try ChildProcess("/usr/sbin/nginx", ["-p", path, "-c", path + "/nginx.conf", "-g", "daemon off; master_process off;"],
                                 standardError: .capture(limit: 64 << 10), diesWithParent: true).start()
        for _ in 0..<100 where !(Self.accepts(httpPort) && Self.accepts(httpsPort)) { usleep(50_000) }
        guard Self.accepts(httpPort), Self.accepts(httpsPort) else {
            child.send(SIGKILL)
            throw RangeServerError(message: "nginx did not start: \((try? String(contentsOfFile: path + "/error.log", encoding: .utf8)) ?? "")")
        }
    }

    deinit {
        child.send(SIGKILL)
        _ = child.wait()
    }

    public func url(_ location: String, _ name: String, https: Bool = false, query: String? = nil) -> String {
        let base = https ? "https://localhost:\(httpsPort)" : "http://127.0.0.1:\(httpPort)"
        return "\(base)/\(location)/\(name)" + (query.map { "?" + $0 } ?? "")
    }

    /// The access log's lines so far: (method, uri, status, body bytes).
    public func requests() throws -> [(method: String, uri: String, status: Int, bytes: UInt64)] {
        let text = (try? String(contentsOfFile: accessLog, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 4, let status = Int(fields[2]), let bytes = UInt64(fields[3]) else { return nil }
            return (String(fields[0]), String(fields[1]), status, bytes)
        }
    }

    /// A port nothing listens on now (the kernel's pick for a socket bound to port 0).
    static func freePort() throws -> UInt16 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard ok else { throw RangeServerError(message: "no free port: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: address.sin_port)
    }

    static func accepts(_ port: UInt16) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

public struct RangeServerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
