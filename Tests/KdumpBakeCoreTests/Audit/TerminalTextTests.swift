import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import KdumpBakeCore
import TestSupport
import Testing

extension Checks {
    /// Guest text on the operator's terminal: `TerminalText.escape`, the text report built with
    /// it, the JSON and JUnit reports that must stay exact, and the length bound on findings.
    @Suite("TerminalText")
    struct TerminalTextTests {
        /// What a hostile kdump.conf line can carry: OSC (retitle the window), CSI clear screen,
        /// C1 CSI and OSC as single code points, DEL, NUL, a carriage return that would overwrite
        /// the line, and a line feed that would start a forged report line.
        static let hostile = "path /var/crash\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m\u{9D}0;x\u{7F}\u{0}\r  PASS\n  PASS  kdump.config  all fine"

        /// A scalar that must never reach a terminal raw: C0 but tab (and line feed, which is
        /// checked separately), DEL, C1.
        static func isControl(_ scalar: Unicode.Scalar) -> Bool {
            (scalar.value < 0x20 && scalar != "\t" && scalar != "\n") || (0x7F...0x9F).contains(scalar.value)
        }

        // MARK: the escaping function

        @Test func escapesC0ControlsVisibly() {
            #expect(TerminalText.escape("a\u{1B}]0;title\u{07}b") == "a\\x1b]0;title\\x07b")
            #expect(TerminalText.escape("\u{1B}[2J") == "\\x1b[2J")
            #expect(TerminalText.escape("\u{0}") == "\\x00")
            #expect(TerminalText.escape("x\u{8}y") == "x\\x08y")
            #expect(TerminalText.escape("ok\rFAIL") == "ok\\x0dFAIL")
            #expect(TerminalText.escape("\u{1F}") == "\\x1f")
        }

        @Test func escapesDELAndC1() {
            #expect(TerminalText.escape("\u{7F}") == "\\x7f")
            #expect(TerminalText.escape("\u{9B}31m") == "\\x9b31m")
            #expect(TerminalText.escape("\u{9D}0;t\u{9C}") == "\\x9d0;t\\x9c")
            #expect(TerminalText.escape("\u{80}\u{9F}") == "\\x80\\x9f")
            // The first characters after C1 are ordinary text: no-break space, ¡, é.
            #expect(TerminalText.escape("\u{A0}\u{A1}é") == "\u{A0}\u{A1}é")
        }

        @Test func keepsTab() {
            #expect(TerminalText.escape("a\tb") == "a\tb")
            #expect(TerminalText.escape("a\tb", allowingNewlines: true) == "a\tb")
        }

        @Test func newlinesOnlyWhereAllowed() {
            #expect(TerminalText.escape("a\nb") == "a\\x0ab")
            #expect(TerminalText.escape("a\nb", allowingNewlines: true) == "a\nb")
            // A carriage return overwrites even in multi-line text: always escaped, CRLF included.
            #expect(TerminalText.escape("a\r\nb", allowingNewlines: true) == "a\\x0d\nb")
            #expect(TerminalText.escape("a\r\nb") == "a\\x0d\\x0ab")
            #expect(!TerminalText.escape(Self.hostile).contains("\n"))
        }

        @Test func backslashIsDoubledSoEscapesCannotBeForged() {
            #expect(TerminalText.escape("a\\b") == "a\\\\b")
            // The four characters `\x1b` in the guest do not print like a real ESC does.
            let literal = "\\x1b"
            #expect(TerminalText.escape(literal) == "\\\\x1b")
            #expect(TerminalText.escape(literal) != TerminalText.escape("\u{1B}"))
            // Nor does a backslash before a real ESC look like either of them.
            #expect(TerminalText.escape("\\\u{1B}") == "\\\\\\x1b")
            #expect(Set([literal, "\u{1B}", "\\\u{1B}", "\\\\x1b"].map { TerminalText.escape($0) }).count == 4)
        }

        @Test func keepsUnicodeAndPrintableText() {
            let text = "é ✓ 🙂 👩‍👩‍👧 日本語 ☃︎ \u{FFFD} line 3: core_collector is 'makedumpfile -c' ~!@#$%^&*()_+{}|:\"<>?`-=[];',./"
            #expect(TerminalText.escape(text) == text)
            #expect(TerminalText.escape(text, allowingNewlines: true) == text)
            #expect(TerminalText.escape("") == "")
        }

        @Test func invalidUTF8ArrivesAsReplacementCharacters() {
            // A raw 0x9B byte (CSI in 8-bit terminals) is not UTF-8: decoding already made it U+FFFD.
            let decoded = String(decoding: [0x61, 0x9B, 0x1B, 0x5B, 0x32, 0x4A, 0xC3, 0x28] as [UInt8], as: UTF8.self)
            #expect(TerminalText.escape(decoded) == "a\u{FFFD}\\x1b[2J\u{FFFD}(")
        }

        @Test func everyControlScalarIsEscapedAndNothingElse() {
            for value in UInt32(0)...0x2FF {
                let scalar = Unicode.Scalar(value)!
                let escaped = TerminalText.escape(String(Character(scalar)))
                #expect(!escaped.unicodeScalars.contains(where: Self.isControl), "U+\(String(value, radix: 16))")
                #expect(!escaped.contains("\n"))
                let expected: String
                if scalar == "\\" {
                    expected = "\\\\"
                } else if Self.isControl(scalar) || scalar == "\n" {
                    expected = "\\x" + (value < 0x10 ? "0" : "") + String(value, radix: 16)
                } else {
                    expected = String(Character(scalar))
                }
                #expect(escaped == expected, "U+\(String(value, radix: 16))")
            }
        }

        // MARK: the text report

        static func hostileDocument() -> AuditDocument {
            let os = ImageReport.OS(type: "linux", distro: "centos", version: "6.4", arch: "x86_64\u{1B}[8m",
                                    product: "CentOS release 6.4 (Final)\u{1B}]0;pwned\u{07}\u{9B}2J")
            let kernel = "2.6.32-999\u{1B}]0;kern\u{07}\u{1B}[2J\u{9B}1A\u{9D}.el6.x86_64"
            var config = Finding(check: .kdumpConfig, status: .fail, message: "line 3: \(Self.hostile), expected /var/crash",
                                 path: "/etc/kdump.conf", expected: "path /var/crash", actual: Self.hostile)
            config.rules = "kexec-tools ≈2.0.0-258\u{1B}[5m"
            let image = ImageReport(path: "/images/evil\u{1B}[31m.vhd", format: .raw, os: os, profile: "el6-hyperv", findings: [
                Finding(check: .osSupported, status: .pass, message: "centos 6.4 x86_64 (\(os.product)): profile el6-hyperv"),
                config,
                Finding(check: .kdumpInitrd, status: .warn, message: "\(kernel): no /boot/initrd-\(kernel)kdump.img; built at first boot"),
            ])
            return AuditDocument(images: [image])
        }

        @Test func textReportWithoutColourHasNoControlCharacters() {
            let text = TextReport(colour: false).render(Self.hostileDocument())
            #expect(!text.unicodeScalars.contains(where: Self.isControl), "\(text.debugDescription)")
            #expect(!text.utf8.contains(0x1B))
            // The guest's bytes are shown, escaped, where the guest text is quoted.
            #expect(text.contains("/images/evil\\x1b[31m.vhd\n"))
            #expect(text.contains("  raw, centos 6.4 x86_64\\x1b[8m, profile el6-hyperv\n"))
            #expect(text.contains("  rules of kexec-tools ≈2.0.0-258\\x1b[5m\n"))
            #expect(text.contains("(Final)\\x1b]0;pwned\\x07\\x9b2J): profile el6-hyperv\n"))
            #expect(text.contains("path /var/crash\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\x9d0;x\\x7f\\x00\\x0d  PASS\\x0a  PASS  kdump.config  all fine, expected /var/crash\n"))
            #expect(text.contains("2.6.32-999\\x1b]0;kern\\x07\\x1b[2J\\x9b1A\\x9d.el6.x86_64: no /boot/initrd-"))
            // One line per finding: the guest's line feed forged no PASS line.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.filter { $0.hasPrefix("  PASS") }.count == 1)
            #expect(lines.filter { $0.hasPrefix("  FAIL  kdump.config") }.count == 1)
            #expect(text.contains("NON-COMPLIANT: kdump.config"))
        }

        @Test func textReportWithColourHasOnlyItsOwnEscapeSequences() throws {
            let text = TextReport(colour: true).render(Self.hostileDocument())
            // kdumpbake's own SGR sequences: red, green, yellow, dim, reset.
            let own = try Regex("\u{1B}\\[(31|32|33|2|0)m")
            #expect(text.matches(of: own).count >= 6)
            let stripped = text.replacing(own, with: "")
            #expect(!stripped.unicodeScalars.contains(where: Self.isControl), "\(stripped.debugDescription)")
            #expect(!stripped.utf8.contains(0x1B))
            #expect(text.contains("\u{1B}[31mFAIL \u{1B}[0m kdump.config  line 3: path /var/crash\\x1b]0;pwned\\x07"))
            #expect(stripped == TextReport(colour: false).render(Self.hostileDocument()))
        }

        // MARK: JSON and JUnit stay exact

        @Test func jsonRoundTripIsExact() throws {
            let document = Self.hostileDocument()
            let json = document.json()
            // JSON's own rules: every C0 control as a \u escape, nothing raw but the printer's line feeds.
            #expect(json.contains("\\u001b]0;pwned\\u0007"))
            #expect(json.contains("\\u0000"))
            #expect(json.contains("\\r"))
            #expect(!json.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let image = try #require((object["images"] as? [[String: Any]])?.first)
            #expect(image["path"] as? String == document.images[0].path)
            #expect((image["os"] as? [String: Any])?["product"] as? String == document.images[0].os?.product)
            let findings = try #require(image["findings"] as? [[String: Any]])
            for (decoded, original) in zip(findings, document.images[0].findings) {
                #expect(decoded["message"] as? String == original.message)
                #expect(decoded["actual"] as? String == original.actual)
                #expect(decoded["rules"] as? String == original.rules)
            }
            #expect(findings[1]["actual"] as? String == Self.hostile)
            // Finding's own Decodable gives back the same values, scalar for scalar.
            let data = try JSONSerialization.data(withJSONObject: findings)
            let typed = try JSONDecoder().decode([Finding].self, from: data)
            #expect(typed == document.images[0].findings)
            #expect(Array(typed[1].actual!.unicodeScalars) == Array(Self.hostile.unicodeScalars))
        }

        @Test func junitKeepsItsXMLRules() throws {
            let xml = JUnitReport.render(Self.hostileDocument())
            // What XML 1.0 cannot carry (C0 but tab, LF, CR) is dropped as U+FFFD; C1 and DEL are
            // legal XML characters and stay; backslashes are not doubled (JUnit is not a terminal).
            #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" })
            let parsed = try JUnitXML(xml)
            let failure = try #require(parsed.elements.first { $0.name == "failure" }?.attributes["message"])
            #expect(failure.hasPrefix("line 3: path /var/crash\u{FFFD}]0;pwned\u{FFFD}\u{FFFD}[2J\u{9B}31m\u{9D}0;x\u{7F}\u{FFFD}"))
            #expect(JUnitReport.escape("a\\x1b\u{9B}") == "a\\x1b\u{9B}")
        }

        // MARK: length bound

        @Test func findingBoundsMessageAndValues() {
            let long = String(repeating: "a", count: 10_000)
            let finding = Finding(check: .kdumpConfig, status: .fail, message: long, expected: long, actual: long)
            #expect(finding.message == String(repeating: "a", count: Finding.messageLimit) + "… (\(10_000 - Finding.messageLimit) more characters)")
            #expect(finding.actual == String(repeating: "a", count: Finding.valueLimit) + "… (\(10_000 - Finding.valueLimit) more characters)")
            #expect(finding.expected == finding.actual)
            #expect(Finding.messageLimit >= 2048 && Finding.messageLimit <= 8192)
            #expect(Finding.valueLimit >= 256 && Finding.valueLimit <= 2048)
        }

        @Test func findingBoundKeepsTextUpToTheLimit() {
            let exact = String(repeating: "é", count: Finding.messageLimit)
            #expect(Finding(check: .kdumpConfig, status: .pass, message: exact).message == exact)
            let short = Finding(check: .kdumpConfig, status: .fail, message: "kernel.panic is not set", actual: "0 (kernel default)")
            #expect(short.message == "kernel.panic is not set" && short.actual == "0 (kernel default)")
            #expect(Finding(check: .kdumpConfig, status: .pass, message: "m").actual == nil)
        }

        @Test func findingBoundCountsScalarsNotCharacters() {
            // One grapheme cluster, 20 001 scalars: `count` says 1, the bound still applies.
            let zalgo = "e" + String(repeating: "\u{301}", count: 20_000)
            #expect(zalgo.count == 1)
            let finding = Finding(check: .kdumpConfig, status: .fail, message: zalgo)
            #expect(finding.message.unicodeScalars.count < Finding.messageLimit + 40)
            #expect(finding.message.hasSuffix("… (\(20_001 - Finding.messageLimit) more characters)"))
        }

        @Test func findingBoundAppliesToLaterChanges() {
            var finding = Finding(check: .kdumpConfig, status: .fail, message: "short")
            finding.message = String(repeating: "m", count: 50_000)
            finding.actual = String(repeating: "v", count: 50_000)
            finding.expected = String(repeating: "w", count: 50_000)
            #expect(finding.message.unicodeScalars.count < Finding.messageLimit + 40)
            #expect(finding.actual!.unicodeScalars.count < Finding.valueLimit + 40)
            #expect(finding.expected!.hasSuffix("… (\(50_000 - Finding.valueLimit) more characters)"))
            finding.actual = nil
            #expect(finding.actual == nil)
        }

        @Test func excerptOfAGuestString() {
            #expect(Finding.excerpt("makedumpfile -c") == "makedumpfile -c")
            let line = String(repeating: "x", count: 1_000)
            #expect(Finding.excerpt(line) == String(repeating: "x", count: Finding.excerptLimit) + "… (\(1_000 - Finding.excerptLimit) more characters)")
        }

        @Test func hugeKdumpConfLinesMakeBoundedFindings() {
            // One 100 000-character path and 2 000 unknown directives holding escape sequences.
            let conf = "path /" + String(repeating: "x", count: 100_000) + "\n"
                + String(repeating: "bogus\u{1B}[2J 1\n", count: 2_000)
            let finding = KdumpConfigCheck.run(Fixture.el6.file("/etc/kdump.conf", conf).context("el6-hyperv"))
            #expect(finding.status == .fail)
            #expect(finding.message.unicodeScalars.count < Finding.messageLimit + 40)
            #expect(finding.message.hasSuffix("more characters)"))
            #expect(finding.message.contains("mkdumprd stops with \"Unknown parameter  bogus\u{1B}[2J\""))
            #expect(finding.actual!.unicodeScalars.count < Finding.valueLimit + 40)
            // The path quoted inside the message is an excerpt, not the whole line.
            let el7 = KdumpConfigCheck.run(Fixture.el7.file("/etc/kdump.conf", "path /" + String(repeating: "y", count: 5_000) + "\n")
                .context("el7-azure"))
            #expect(el7.message.contains("line 1: path is /" + String(repeating: "y", count: Finding.excerptLimit - 1)
                + "… (\(5_001 - Finding.excerptLimit) more characters), expected /var/crash"))
        }

        @Test func patchTextReportEscapesEverythingAndKeepsDiffLines() {
            var report = PatchReport(path: "/img/a\u{1B}]0;x\u{07}.vhd", status: .wouldPatch, message: "/img/a\u{1B}]0;x\u{07}.vhd: dry run")
            report.changes = ["run /sbin/mkdumprd '2.6.32\u{9B}2J'"]
            report.notes = ["kernel \u{1B}[2J"]
            report.diff = "--- a/etc/kdump.conf\n+++ b/etc/kdump.conf\n-path \u{1B}[31m/var/crash\r\n+path /var/crash\n"
            let text = PatchTextReport.render([report])
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) })
            #expect(text.contains("/img/a\\x1b]0;x\\x07.vhd: dry run\n"))
            #expect(text.contains("  run /sbin/mkdumprd '2.6.32\\x9b2J'\n"))
            #expect(text.contains("  note: kernel \\x1b[2J\n"))
            #expect(text.contains("-path \\x1b[31m/var/crash\\x0d\n+path /var/crash\n"))
        }

        @Test func jsonOutputEscapesDELAndC1AndRoundTrips() throws {
            let guest = "bogus\u{1B}[2J \u{7F} \u{9B}31m \u{9D}0;t\u{07}"
            let document = AuditDocument(images: [ImageReport(path: "/i.vhd", findings: [Finding(check: .kdumpConfig, status: .fail, message: guest)])])
            let json = document.json()
            #expect(!json.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) })
            #expect(json.contains("bogus\\u001b[2J \\u007f \\u009b31m \\u009d0;t\\u0007"))
            let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let findings = ((decoded?["images"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]]) ?? []
            #expect(findings.first?["message"] as? String == guest)
        }
    }
}
