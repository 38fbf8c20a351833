import Foundation
import HostProcess
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages
import TestSupport
import Testing

/// A guest whose kdump.conf, /etc/redhat-release and kernel directory names carry terminal
/// control sequences (OSC retitle, CSI clear screen, C1 CSI/OSC code points), audited by the
/// real CLI in a real appliance: the text report and the log lines show them escaped (`\x1b…`)
/// and never raw, while the JSON reports written in the same run keep them exactly.
/// One appliance launch: text on stdout, log lines on stderr (not a terminal: lines mode), and
/// the JSON and JUnit reports through `--report DIR`.
@Suite struct HostileTextTests {
    static let release = "CentOS release 6.4 (Final)\u{1B}]0;pwned-release\u{07}\u{9B}2J\u{9D}x"
    static let kernel = "2.6.32-999\u{1B}]0;pwned-kernel\u{07}\u{1B}[2J\u{9B}1A\u{9D}.el6.x86_64"
    /// Line 1: OSC that retitles the window; line 2: CSI clear screen and a C1 CSI; line 3: an
    /// unknown directive with a C1 OSC and the four characters `\x1b` (not an ESC).
    static let kdumpConf = "path /var/crash\u{1B}]0;pwned-title\u{07}\n"
        + "core_collector makedumpfile -c \u{1B}[2J\u{9B}31m\n"
        + "bogus\u{9D}0;x\\x1b 1\n"
    static let recipe = GuestRecipe.centos64
        .withFile("/etc/redhat-release", release + "\n")
        .withFile("/etc/centos-release", release + "\n")
        .withFile("/etc/kdump.conf", kdumpConf)
        .withKernel(kernel)

    /// The captured bytes of one run, exactly as the process wrote them.
    struct RawRun {
        var status: Int32
        var stdout: Data
        var stderr: Data
    }

    /// Runs the built kdumpbake with stdout and stderr captured whole through pipes (not
    /// terminals), so the assertions see every byte as written, before any decoding.
    static func run(_ arguments: [String]) throws -> RawRun {
        let outcome = try ChildProcess(CLIRun.binary, arguments, standardOutput: .captureAll, standardError: .captureAll).run()
        return RawRun(status: outcome.termination.statusOrSignal, stdout: Data(outcome.standardOutput), stderr: Data(outcome.standardError))
    }

    /// What must never reach a terminal raw: C0 controls but line feed and tab (ESC included),
    /// DEL, and the C1 code points; the bytes must be valid UTF-8, so no lone 0x80–0x9F byte either.
    static func terminalSafetyProblems(_ data: Data) -> [String] {
        guard let text = String(data: data, encoding: .utf8), Data(text.utf8) == data else { return ["not valid UTF-8"] }
        return text.unicodeScalars.compactMap { scalar in
            let value = scalar.value
            let bad = (value < 0x20 && scalar != "\n" && scalar != "\t") || value == 0x7F || (0x80...0x9F).contains(value)
            return bad ? "U+\(String(value, radix: 16)) in \(text.debugDescription)" : nil
        }
    }

    @Test func guestControlSequencesAreEscapedOnTheTerminalAndExactInJSON() throws {
        let scratch = try HostDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let copy = try TestImageBuilder.scratchCopy(Self.recipe, format: .raw)
        defer { copy.discardScratch() }
        // The image's own file name carries sequences too (it is in every progress line), and an
        // empty file beside it gets an error line on stderr, also naming its hostile path.
        let image = (copy.path as NSString).deletingLastPathComponent + "/evil\u{1B}]0;img\u{07}\u{9B}2J.raw"
        try FileManager.default.moveItem(atPath: copy.path, toPath: image)
        let empty = scratch.path + "/empty\u{1B}[2J\u{9D}.raw"
        FileManager.default.createFile(atPath: empty, contents: Data())
        let reports = scratch.path + "/reports"

        let run = try Self.run(["audit", "--jobs", "1", "--format", "text", "--report", reports, image, empty])
        let stdout = String(decoding: run.stdout, as: UTF8.self), stderr = String(decoding: run.stderr, as: UTF8.self)
        #expect(run.status == 2, "\(stdout)\n\(stderr)")

        // Nothing raw on either stream: no ESC at all (no terminal, so no colours either).
        #expect(!run.stdout.contains(0x1B) && !run.stderr.contains(0x1B))
        #expect(Self.terminalSafetyProblems(run.stdout).isEmpty, "\(Self.terminalSafetyProblems(run.stdout))")
        #expect(Self.terminalSafetyProblems(run.stderr).isEmpty, "\(Self.terminalSafetyProblems(run.stderr))")

        // The guest text is there, escaped, where the report quotes it.
        let imageName = "evil\\x1b]0;img\\x07\\x9b2J.raw"
        let emptyShown = "\(scratch.path)/empty\\x1b[2J\\x9d.raw"
        let kernelShown = "2.6.32-999\\x1b]0;pwned-kernel\\x07\\x1b[2J\\x9b1A\\x9d.el6.x86_64"
        for expected in [
            "/" + imageName + "\n",
            "(CentOS release 6.4 (Final)\\x1b]0;pwned-release\\x07\\x9b2J\\x9dx): profile el6-hyperv",
            "line 1: path is /var/crash\\x1b]0;pwned-title\\x07, expected /var/crash",
            "line 2: core_collector is 'makedumpfile -c \\x1b[2J\\x9b31m', expected 'makedumpfile -c --message-level 1 -d 31'",
            "line 3: mkdumprd stops with \"Unknown parameter  bogus\\x9d0;x\\\\x1b\"",
            kernelShown + ": no /boot/initrd-" + kernelShown + "kdump.img",
            emptyShown + ": empty file, not a disk image",
        ] {
            #expect(stdout.contains(expected), "\(expected) not in:\n\(stdout)")
        }
        // Log lines: the progress of each image under its escaped name, the error line of the empty file.
        let lines = stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("[") && $0.contains("] \(imageName): auditing") }, "\(stderr)")
        #expect(lines.contains { $0.contains("] \(imageName): non-compliant") }, "\(stderr)")
        #expect(lines.contains("kdumpbake: \(emptyShown): empty file, not a disk image"), "\(stderr)")

        // The JSON report of the guest holds the exact original strings.
        let files = try FileManager.default.contentsOfDirectory(atPath: reports)
        var documents: [[String: Any]] = []
        for name in files where name.hasSuffix(".json") {
            let data = try Data(contentsOf: URL(fileURLWithPath: reports + "/" + name))
            documents.append(try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]))
        }
        #expect(documents.count == 2, "\(files)")
        let guest = try #require(documents.lazy.compactMap { ($0["images"] as? [[String: Any]])?.first }.first { $0["path"] as? String == image })
        let empties = documents.compactMap { ($0["images"] as? [[String: Any]])?.first }.filter { $0["path"] as? String == empty }
        #expect(empties.count == 1)
        #expect((guest["os"] as? [String: Any])?["product"] as? String == Self.release)
        let findings = try #require(guest["findings"] as? [[String: Any]])
        func finding(_ check: String) -> [String: Any]? { findings.first { $0["check"] as? String == check } }
        let config = try #require(finding("kdump.config"))
        #expect(config["status"] as? String == "fail")
        let message = try #require(config["message"] as? String)
        #expect(message.contains("line 1: path is /var/crash\u{1B}]0;pwned-title\u{07}, expected /var/crash"), "\(message.debugDescription)")
        #expect(message.contains("line 2: core_collector is 'makedumpfile -c \u{1B}[2J\u{9B}31m'"), "\(message.debugDescription)")
        #expect(message.contains("Unknown parameter  bogus\u{9D}0;x\\x1b\""), "\(message.debugDescription)")
        #expect(config["actual"] as? String
            == "path /var/crash\u{1B}]0;pwned-title\u{07}; core_collector makedumpfile -c \u{1B}[2J\u{9B}31m; bogus\u{9D}0;x\\x1b 1")
        let initrd = try #require(finding("kdump.initrd")?["message"] as? String)
        #expect(initrd.contains("\(Self.kernel): no /boot/initrd-\(Self.kernel)kdump.img"), "\(initrd.debugDescription)")
        #expect((finding("os.supported")?["message"] as? String)?.contains("(\(Self.release))") == true)

        // JUnit keeps its XML rules: well-formed, C0 controls dropped as U+FFFD.
        let xml = try String(contentsOfFile: reports + "/junit.xml", encoding: .utf8)
        #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" })
        let parsed = try JUnitXML(xml)
        #expect(parsed.elements.contains { $0.name == "testsuite" && $0.attributes["name"] == image.replacingOccurrences(of: "\u{1B}", with: "\u{FFFD}").replacingOccurrences(of: "\u{07}", with: "\u{FFFD}") })
    }
}
