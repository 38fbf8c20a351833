import Foundation
import Glibc
import HostProcess
import KdumpBakeCore
import Synchronization
import TestImages
import TestSupport
import Testing

/// `kdumpbake audit URL`: images read in place from a real web server (nginx on loopback, HTTP
/// and HTTPS), never downloaded, and the SAS token never shown to anyone.
@Suite struct RemoteAuditTests {
    /// Stands for an Azure SAS token: nothing kdumpbake writes or exposes may contain it.
    static let token = "sig=kdbSECRETtoken7Qx2Zp"
    static let query = "sv=2025-01-05&se=2026-12-31&sr=b&sp=r&" + token

    @Test func auditOverHTTPAndHTTPSMatchesTheLocalAuditReadingAFractionOfTheImage() throws {
        let image = try TestImageBuilder.image(.centos64, format: .vhd)
        let before = try FileFingerprint(image.path)
        let root = try HostDirectory()
        let name = "golden-centos64.vhd"
        try FileManager.default.createSymbolicLink(atPath: root.path + "/" + name, withDestinationPath: image.path)
        let server = try RangeServer(serving: root.path)
        let work = try HostDirectory()
        let secrets = try HostDirectory()
        let urls = [server.url("images", name, query: Self.query), server.url("images", name, https: true, query: Self.query)]
        try (urls.joined(separator: "\n") + "\n").write(toFile: secrets.path + "/urls.txt", atomically: true, encoding: .utf8)

        let watcher = CommandLineWatcher(looking: Self.token)
        let run = try CLIRun.run(["audit", "--jobs", "1", "--format", "json", "--output", work.path + "/audit.json", "--report", work.path + "/reports",
                                  "--events", "json", "--url-file", secrets.path + "/urls.txt", "--ca-file", server.certificate, image.path])
        let (exposed, watched) = watcher.stop()
        #expect(watched.contains { $0.contains("--url-file") }, "the watcher never saw kdumpbake's own command line")

        #expect(run.status == 1, "\(run.stderr)")   // the stock look-alike is non-compliant, as the local audit says
        #expect(exposed.isEmpty, "the token showed in the command line of \(exposed)")
        try expectNoToken(in: run, reports: work.path)

        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work.path + "/audit.json"))) as? [String: Any])
        let entries = try #require(document["images"] as? [[String: Any]])
        // Positional images first, then the URL file's, as documented.
        #expect(entries.map { $0["path"] as? String } == [image.path] + urls.map { $0.replacingOccurrences(of: Self.query, with: RemoteImageURL.queryMarker) })
        let local = findings(entries[0], path: image.path)
        #expect(local.count == CheckID.audit.count)
        #expect(findings(entries[1], path: urls[0].replacingOccurrences(of: Self.query, with: RemoteImageURL.queryMarker)) == local)
        #expect(findings(entries[2], path: urls[1].replacingOccurrences(of: Self.query, with: RemoteImageURL.queryMarker)) == local)
        #expect(entries[1]["os"] as? [String: String] == entries[0]["os"] as? [String: String])
        #expect(entries[2]["os"] as? [String: String] == entries[0]["os"] as? [String: String])

        // What the server sent for the two audits: a small part of the image each, never all of it.
        let served = try server.requests().filter { $0.uri == "/images/\(name)" }
        let bytes = served.reduce(0) { $0 + $1.bytes }
        #expect(served.allSatisfy { $0.status == 206 || $0.method == "HEAD" }, "\(served)")
        #expect(bytes > 0 && bytes < before.size / 5, "served \(bytes) of 2 × \(before.size) bytes")
        // Each URL's transfer is reported (as a progress event here), named without its query.
        for url in urls {
            let redacted = url.replacingOccurrences(of: Self.query, with: RemoteImageURL.queryMarker)
            #expect(run.stdout.split(separator: "\n").contains { $0.contains(redacted.replacingOccurrences(of: "/", with: "\\/")) && $0.contains("range requests") }
                    || run.stdout.split(separator: "\n").contains { $0.contains(redacted) && $0.contains("range requests") }, "\(run.stdout)")
        }
        #expect(try FileFingerprint(image.path) == before)
    }

    @Test(arguments: [
        ("redirect", "redirect (HTTP 302)"),
        ("forbidden", "access denied (HTTP 403)"),
        ("missing", "not found (HTTP 404)"),
        ("norange", "does not support range requests"),
        ("short", "short read"),
        ("slow", "no complete answer within 2 s"),
        ("untrusted", "TLS failed"),
    ])
    func serverProblemsGiveOneLineAndExitTwo(location: String, problem: String) throws {
        let image = try TestImageBuilder.image(.centos64, format: .vhd)
        let root = try HostDirectory()
        try FileManager.default.createSymbolicLink(atPath: root.path + "/g.vhd", withDestinationPath: image.path)
        let server = try RangeServer(serving: root.path)
        let url: String
        switch location {
        case "missing": url = server.url("images", "missing.vhd", query: Self.query)
        case "untrusted": url = server.url("images", "g.vhd", https: true, query: Self.query)
        default: url = server.url(location, "g.vhd", query: Self.query)
        }
        let work = try HostDirectory()
        let secrets = try HostDirectory()
        try url.write(toFile: secrets.path + "/urls.txt", atomically: true, encoding: .utf8)
        let run = try CLIRun.run(["audit", "--http-timeout", "2", "--report", work.path + "/reports", "--url-file", secrets.path + "/urls.txt"])
        #expect(run.status == 2, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("kdumpbake: ") }
        #expect(lines.count == 1, "\(run.stderr)")
        let redacted = url.replacingOccurrences(of: Self.query, with: RemoteImageURL.queryMarker)
        #expect(lines.first?.hasPrefix("kdumpbake: \(redacted): ") == true, "\(run.stderr)")
        #expect(lines.first?.contains(problem) == true, "\(run.stderr)")
        try expectNoToken(in: run, reports: work.path)
        // Nothing beyond the first request reached the server for an image that failed it.
        #expect(try server.requests().filter { $0.uri.hasSuffix(".vhd") }.count <= 1)
    }

    @Test func urlsAreRefusedWhereTheyCannotBeSafeOrUsed() throws {
        // Its own token: this one is on a command line on purpose, which the other test's watcher would see.
        let positionalToken = "sig=onTheCommandLine"
        let positional = try CLIRun.run(["audit", "https://example.invalid/c/golden.vhd?sv=1&" + positionalToken])
        #expect(positional.status == 2)
        #expect(positional.stderr.contains("https://example.invalid/c/golden.vhd?\(RemoteImageURL.queryMarker): a URL with a query string"))
        #expect(positional.stderr.contains("--url-file"))
        #expect(!positional.stderr.contains(positionalToken) && positional.stdout.isEmpty)

        let work = try HostDirectory()
        let patch = try CLIRun.run(["patch", "--output", work.path, "https://example.invalid/c/golden.vhd"])
        #expect(patch.status == 2)
        #expect(patch.stderr == "kdumpbake: https://example.invalid/c/golden.vhd: this command works on local image files only (download the image first, e.g. with azcopy or curl -o); only audit reads images in place over HTTP\n")
        for command in [["recover"], ["drill"]] {
            let refused = try CLIRun.run(command + ["https://example.invalid/c/golden.vhd?sv=1&" + positionalToken])
            #expect(refused.status == 2, "\(command)")
            #expect(refused.stderr == "kdumpbake: https://example.invalid/c/golden.vhd?\(RemoteImageURL.queryMarker): this command works on local image files only (download the image first, e.g. with azcopy or curl -o); only audit reads images in place over HTTP\n")
        }

        try "# fleet\nhttps://example.invalid/a.vhd\nftp://example.invalid/b.vhd?\(Self.query)\n".write(toFile: work.path + "/urls.txt", atomically: true, encoding: .utf8)
        let badFile = try CLIRun.run(["audit", "--url-file", work.path + "/urls.txt"])
        #expect(badFile.status == 2)
        #expect(badFile.stderr == "kdumpbake: \(work.path)/urls.txt:3: not a usable image URL: scheme ftp: only http and https are supported\n", "\(badFile.stderr)")
    }

    private func findings(_ entry: [String: Any], path: String) -> [String] {
        ((entry["findings"] as? [[String: Any]]) ?? []).map { finding in
            let message = (finding["message"] as? String ?? "").replacingOccurrences(of: path, with: "IMAGE")
            return "\(finding["check"] ?? "") \(finding["status"] ?? "") \(message)"
        }
    }

    private func expectNoToken(in run: CLIRun, reports directory: String) throws {
        #expect(!run.stdout.contains(Self.token) && !run.stderr.contains(Self.token))
        let files = FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? []
        for file in files {
            let text = (try? String(contentsOfFile: directory + "/" + file, encoding: .utf8)) ?? ""
            #expect(!text.contains(Self.token), "\(file) holds the token")
        }
    }
}

/// Reads every process's /proc/PID/cmdline over and over on a thread of its own until stopped,
/// and remembers the commands in which `needle` appeared.
final class CommandLineWatcher: Sendable {
    private let found = Mutex<Set<String>>([])
    private let all = Mutex<Set<String>>([])
    private let running = Mutex(true)
    private let done = DispatchSemaphore(value: 0)

    init(looking needle: String) {
        Thread.detachNewThread { [self] in
            while running.withLock({ $0 }) {
                for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where entry.allSatisfy(\.isNumber) {
                    guard let bytes = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
                    let text = String(decoding: bytes.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
                    _ = all.withLock { $0.insert(text) }
                    if text.contains(needle) { _ = found.withLock { $0.insert(text) } }
                }
                usleep(20_000)
            }
            done.signal()
        }
    }

    /// Stops watching; the commands seen with the needle, and every command seen (which proves
    /// the watcher was looking).
    func stop() -> (withNeedle: Set<String>, all: Set<String>) {
        running.withLock { $0 = false }
        done.wait()
        return (found.withLock { $0 }, all.withLock { $0 })
    }
}
