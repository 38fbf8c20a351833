import Foundation
import HostProcess
@testable import KdumpBakeCore
import Synchronization
import Testing

/// Remote images without a server: URL handling and redaction, curl's reports, the block cache,
/// and the NBD relay read by qemu's own NBD client (`qemu-img`).
@Suite struct RemoteImageTests {
    @Test func urlsKeepTheirQueryOutOfEveryDisplay() throws {
        let url = try RemoteImageURL("HTTPS://acct.blob.core.windows.net/vhds/golden%20v2.vhd?sv=2025&sig=abc%2Bdef#frag")
        #expect(url.redacted == "https://acct.blob.core.windows.net/vhds/golden%20v2.vhd?[query hidden]")
        #expect("\(url)" == url.redacted)
        #expect(url.full == "https://acct.blob.core.windows.net/vhds/golden%20v2.vhd?sv=2025&sig=abc%2Bdef")
        #expect(url.fileName == "golden v2.vhd")
        #expect(url.hasQuery)
        #expect(try RemoteImageURL("http://h:8080/a.vhd").redacted == "http://h:8080/a.vhd")
        #expect(String(decoding: CurlConfig.url("http://h/a\"b\\c"), as: UTF8.self) == "url = \"http://h/a\\\"b\\\\c\"\n")
    }

    @Test(arguments: [
        ("ftp://h/a.vhd", "scheme ftp: only http and https are supported"),
        ("https://user:pw@h/a.vhd?sig=x", "user name or password in the URL"),
        ("https://h/", "no file name in the path"),
        ("https://h/a b.vhd?sig=x", "contains spaces"),
        ("https:///a.vhd", "no host"),
    ])
    func badURLsAreRefusedWithoutQuotingThem(text: String, reason: String) {
        #expect(throws: RemoteImageURLError.self) { try RemoteImageURL(text) }
        do { _ = try RemoteImageURL(text) } catch {
            #expect(error.description.contains(reason), "\(error)")
            #expect(!error.description.contains("sig=x") && !error.description.contains("pw"))
        }
    }

    @Test func curlReportsAreReadFromTheLastResponseAndScrubbed() {
        let dump = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 206 Partial Content\r\nContent-Range: bytes 268435456-268435967/268435968\r\n\r\n"
        let ok = CurlResponse(headers: dump, query: nil)
        #expect(ok.status == 206 && ok.fileSize == 268_435_968 && ok.statusProblem == nil)
        #expect(CurlResponse(headers: "HTTP/1.1 302 Found\r\nLocation: /x?sig=y\r\n\r\n", query: nil).statusProblem == .redirect(302))
        #expect(CurlResponse(headers: "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", query: nil).statusProblem.map { if case .noRangeSupport = $0 { true } else { false } } == true)
        let failed = CurlResponse(headers: "curl: (6) Could not resolve host: h?sig=SECRET\n", query: "sig=SECRET")
        #expect(failed.curlMessage == "curl: (6) Could not resolve host: h?[query hidden]")
        #expect(failed.problem(curlExit: 6, seconds: 5) == .transport("Could not resolve host: h?[query hidden]"))
        #expect(failed.problem(curlExit: 28, seconds: 5) == .timedOut(5))
        #expect(CurlResponse.totalSize(contentRange: " bytes 0-1/*") == nil)
        #expect(CurlResponse.totalSize(contentRange: "items 0-1/9") == nil)
    }

    /// 3½ blocks of recognisable bytes, and a count of the fetches that reached "the server".
    final class FetchLog: Sendable {
        let ranges = Mutex<[ClosedRange<UInt64>]>([])
    }

    static func memoryImage() throws -> (RemoteImage, [UInt8], FetchLog) {
        let bytes: [UInt8] = (0..<(3 * RemoteImage.blockSize + RemoteImage.blockSize / 2)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        let fetched = FetchLog()
        let image = RemoteImage(url: try RemoteImageURL("https://h/c/golden.vhd?sig=SECRET"), size: UInt64(bytes.count)) { offset, count in
            fetched.ranges.withLock { $0.append(offset...(offset + UInt64(count) - 1)) }
            return Array(bytes[Int(offset)..<Int(offset) + count])
        }
        return (image, bytes, fetched)
    }

    @Test func theCacheFetchesEachBlockOnceAndReadsExactly() throws {
        let (image, bytes, fetched) = try Self.memoryImage()
        let block = UInt64(RemoteImage.blockSize)
        #expect(try image.read(at: 100, count: 1000) == Array(bytes[100..<1100]))
        #expect(try image.read(at: block - 10, count: Int(block) + 20) == Array(bytes[Int(block) - 10..<2 * Int(block) + 10]))
        #expect(try image.read(at: 50, count: 10) == Array(bytes[50..<60]))
        #expect(try image.read(at: UInt64(bytes.count) - 5, count: 100) == Array(bytes.suffix(5)))
        #expect(try image.read(at: UInt64(bytes.count), count: 1).isEmpty)
        // Block 0, then blocks 1-2 (block 0 cached), then block 3 (the short last one).
        #expect(fetched.ranges.withLock { $0 } == [0...(block - 1), block...(3 * block - 1), (3 * block)...(UInt64(bytes.count) - 1)])
        #expect(image.transfer == RemoteImage.Transfer(bytes: UInt64(bytes.count), requests: 3))
        #expect(RemoteImage.runs(of: [1, 2, 3, 7, 8]) == [1...3, 7...8])
        #expect(image.transfer.summary(ofImageSize: 1 << 30).hasSuffix("of 1024.0 MiB (0.09 %) in 3 range requests"))
    }

    @Test func qemuReadsTheImageThroughTheNBDRelay() throws {
        let (image, bytes, _) = try Self.memoryImage()
        let relay = try NBDRelay(serving: image)
        defer { relay.stop() }
        #expect(relay.server.hasPrefix("unix:") && !relay.server.contains("SECRET"))
        var info = stat()
        #expect(stat((relay.socketPath as NSString).deletingLastPathComponent, &info) == 0 && info.st_mode & 0o777 == 0o700)
        let out = NSTemporaryDirectory() + "/kdumpbake-nbd-test-\(UUID().uuidString).raw"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let copy = try ChildProcess("/usr/bin/qemu-img", ["convert", "-f", "raw", "-O", "raw", "nbd+unix:///?socket=\(relay.socketPath)", out],
                                    standardError: .captureAll, timeLimit: .seconds(60)).run()
        #expect(copy.termination == .exited(0), "\(copy.standardErrorText)")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: out))) == bytes)
        // The export says it is read-only (NBD_FLAG_READ_ONLY): qemu refuses to open it for writing.
        let write = try ChildProcess("/usr/bin/qemu-io", ["-f", "raw", "-c", "write 0 512", "nbd+unix:///?socket=\(relay.socketPath)"],
                                     standardOutput: .captureAll, standardError: .captureAll, timeLimit: .seconds(60)).run()
        #expect(write.termination == .exited(1), "\(write.standardOutputText)\(write.standardErrorText)")
        #expect(write.standardErrorText.contains("Could not open image: Permission denied"), "\(write.standardErrorText)")
    }
}
