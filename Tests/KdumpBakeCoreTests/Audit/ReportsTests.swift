import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import KdumpBakeCore
import TestSupport
import Testing

extension Checks {
    @Suite("Reports")
    struct ReportsTests {
        static let os = ImageReport.OS(type: "linux", distro: "centos", version: "6.4", arch: "x86_64", product: "CentOS release 6.4 (Final)")

        static func finding(_ check: CheckID, _ status: FindingStatus, _ message: String = "msg", path: String? = nil,
                            expected: String? = nil, actual: String? = nil) -> Finding {
            Finding(check: check, status: status, message: message, path: path, expected: expected, actual: actual)
        }

        static let compliantImage = ImageReport(path: "/images/good.vhd", format: .vhd, os: os, profile: "el6-hyperv", findings: [
            finding(.vhdFormat, .pass), finding(.osSupported, .pass), finding(.kdumpInitrd, .warn, "stale"),
            finding(.kdumpInitrdModules, .skip, "none yet"),
        ])
        static let failingImage = ImageReport(path: "/images/bad.qcow2", format: .qcow2, os: os, profile: "el6-hyperv", findings: [
            finding(.vhdFormat, .skip), finding(.sysctlKernelPanic, .fail, "kernel.panic is not set", path: "/etc/sysctl.conf",
                                                  expected: "5", actual: "0 (kernel default)"),
        ])
        static let brokenImage = ImageReport(path: "/images/broken.raw", findings: [finding(.imageOpen, .error, "cannot open")])

        // MARK: JSON

        @Test func jsonShape() throws {
            let document = AuditDocument(images: [Self.compliantImage, Self.failingImage, Self.brokenImage])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(document.json().utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["tool", "version", "images", "summary"])
            #expect(object["tool"] as? String == "kdumpbake")
            #expect(object["version"] as? String == KdumpBakeVersion.current)

            let summary = try #require(object["summary"] as? [String: Any])
            #expect(Set(summary.keys) == ["images", "compliant", "non_compliant", "errors"])
            #expect(summary["images"] as? Int == 3)
            #expect(summary["compliant"] as? Int == 1)
            #expect(summary["non_compliant"] as? Int == 2)
            #expect(summary["errors"] as? Int == 1)

            let images = try #require(object["images"] as? [[String: Any]])
            #expect(images.count == 3)
            for image in images {
                #expect(Set(image.keys) == ["path", "format", "os", "profile", "compliant", "findings"])
            }
            #expect(images.map { $0["path"] as? String } == ["/images/good.vhd", "/images/bad.qcow2", "/images/broken.raw"])
            #expect(images.map { $0["compliant"] as? Bool } == [true, false, false])
            #expect(images[0]["format"] as? String == "vhd")
            #expect(images[0]["profile"] as? String == "el6-hyperv")
            #expect(images[2]["format"] is NSNull)
            #expect(images[2]["os"] is NSNull)

            let os = try #require(images[0]["os"] as? [String: Any])
            #expect(os["distro"] as? String == "centos")
            #expect(os["version"] as? String == "6.4")

            let findings = try #require(images[1]["findings"] as? [[String: Any]])
            #expect(findings.map { $0["check"] as? String } == ["vhd.format", "sysctl.kernel_panic"])
            #expect(findings.map { $0["status"] as? String } == ["skip", "fail"])
            #expect(findings[1]["message"] as? String == "kernel.panic is not set")
            #expect(findings[1]["path"] as? String == "/etc/sysctl.conf")
            #expect(findings[1]["expected"] as? String == "5")
            #expect(findings[1]["actual"] as? String == "0 (kernel default)")
            for finding in findings { #expect(Set(["check", "status", "message"]).isSubset(of: finding.keys)) }
            #expect(document.json().hasSuffix("}\n"))
        }

        @Test func jsonKeepsHostileTextIntact() throws {
            let hostile = "a\u{1}b \"q\" </x> & \\ é"
            let image = ImageReport(path: "/i.vhd", findings: [Self.finding(.kdumpConfig, .fail, hostile)])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(AuditDocument(images: [image]).json().utf8)) as? [String: Any])
            let images = try #require(object["images"] as? [[String: Any]])
            let findings = try #require(images.first?["findings"] as? [[String: Any]])
            #expect(findings.first?["message"] as? String == hostile)
        }

        // MARK: typed statuses write the words they replaced

        @Test func verdicts() {
            #expect(Self.compliantImage.verdict == .compliant)
            #expect(Self.failingImage.verdict == .nonCompliant)
            #expect(Self.brokenImage.verdict == .error)
            #expect(ImageReport.Verdict.allCases.map(\.rawValue) == ["compliant", "non-compliant", "error"])
            #expect("\(ImageReport.Verdict.nonCompliant)" == "non-compliant")
        }

        @Test func patchSummaryEncodesLikeTheDictionaryItReplaced() throws {
            let reports = [PatchReport(path: "/a", status: .patched, message: "a"), PatchReport(path: "/b", status: .alreadyCompliant, message: "b"),
                           PatchReport(path: "/c", status: .patched, message: "c")]
            let summary = PatchDocument(reports: reports).summary
            #expect(summary.images == 3 && summary.count(.patched) == 2 && summary.count(.alreadyCompliant) == 1 && summary.count(.failed) == 0)
            let compact = try #require(JSONOutput.encode(summary, pretty: false))
            #expect(String(decoding: compact, as: UTF8.self) == #"{"already-compliant":1,"images":3,"patched":2}"#)
            let dictionary: [String: Int] = ["images": 3, "patched": 2, "already-compliant": 1]
            #expect(JSONOutput.encode(summary, pretty: true) == JSONOutput.encode(dictionary, pretty: true))
            let empty = try #require(JSONOutput.encode(PatchDocument(reports: []).summary, pretty: false))
            #expect(String(decoding: empty, as: UTF8.self) == #"{"images":0}"#)
        }

        @Test func patchReportDirectoryJUnitHasAPatchCaseFirst() throws {
            let directory = try HostDirectory()
            var failed = PatchReport(path: "/images/f.vhd", status: .failed, message: "verification failed")
            failed.findings = [Self.finding(.sysctlKernelPanic, .fail, "not set")]
            let reports = [PatchReport(path: "/images/p.vhd", status: .patched, message: "patched"), failed,
                           PatchReport(path: "/images/i.vhd", status: .invalid, message: "not patchable"),
                           PatchReport(path: "/images/s.vhd", status: .skipped, message: "skipped")]
            try ReportDirectory.write(patch: reports, to: directory.path)
            let parsed = try JUnitXML(String(contentsOfFile: directory.path + "/junit.xml", encoding: .utf8))
            let cases = parsed.elements.filter { $0.name == "testcase" }
            #expect(cases.map { $0.attributes["name"] } == ["patch", "patch", "sysctl.kernel_panic", "patch", "patch"])
            #expect(parsed.elements.filter { $0.name == "failure" }.map { $0.attributes["message"] } == ["verification failed", "not set"])
            #expect(parsed.elements.filter { $0.name == "error" }.map { $0.attributes["message"] } == ["not patchable"])
        }

        // MARK: JUnit

        @Test func junitCountsAndStructure() throws {
            let image = ImageReport(path: "/images/mixed.vhd", findings: [
                Self.finding(.vhdFormat, .pass), Self.finding(.osSupported, .pass),
                Self.finding(.sysctlKernelPanic, .fail, "not set", path: "/etc/sysctl.conf", expected: "5", actual: "0"),
                Self.finding(.kdumpConfig, .fail, "bad"),
                Self.finding(.kdumpInitrd, .warn, "stale"),
                Self.finding(.kdumpInitrdModules, .skip, "none"),
                Self.finding(.bootCrashkernel, .error, "unreadable"),
            ])
            let xml = JUnitReport.render(AuditDocument(images: [image, Self.compliantImage]))
            let parsed = try JUnitXML(xml)
            #expect(parsed.elements.first?.name == "testsuites")
            let root = parsed.elements[0].attributes
            #expect(root["tests"] == "11")
            #expect(root["failures"] == "2")
            #expect(root["errors"] == "1")
            #expect(root["skipped"] == "2")

            let suites = parsed.elements.filter { $0.name == "testsuite" }
            #expect(suites.map { $0.attributes["name"] } == ["/images/mixed.vhd", "/images/good.vhd"])
            #expect(suites.map { $0.attributes["tests"] } == ["7", "4"])
            #expect(suites.map { $0.attributes["failures"] } == ["2", "0"])
            #expect(suites.map { $0.attributes["errors"] } == ["1", "0"])
            #expect(suites.map { $0.attributes["skipped"] } == ["1", "1"])

            let cases = parsed.elements.filter { $0.name == "testcase" }
            #expect(cases.count == 11)
            #expect(cases.prefix(7).map { $0.attributes["name"] } == image.findings.map(\.check.rawValue))
            #expect(cases.allSatisfy { $0.attributes["classname"] != nil })
            #expect(parsed.elements.filter { $0.name == "failure" }.map { $0.attributes["message"] } == ["not set", "bad"])
            #expect(parsed.elements.filter { $0.name == "error" }.map { $0.attributes["message"] } == ["unreadable"])
            #expect(parsed.elements.filter { $0.name == "skipped" }.count == 2)
            #expect(parsed.text.contains("warning: stale"))
            #expect(parsed.text.contains("path: /etc/sysctl.conf"))
            #expect(parsed.text.contains("expected: 5"))
        }

        @Test func junitEscapesHostileText() throws {
            let hostile = "bad <directive> & \"quoted\" 'single' \u{1}\u{8}\u{1B}[31m end"
            let image = ImageReport(path: "/images/<evil>&\".vhd", findings: [
                Self.finding(.kdumpConfig, .fail, hostile, path: "/etc/kdump.conf", actual: "blacklist <x> & \u{7}"),
                Self.finding(.kdumpInitrd, .warn, hostile),
                Self.finding(.kdumpEnabled, .skip, hostile),
                Self.finding(.bootCrashkernel, .error, hostile),
            ])
            let xml = JUnitReport.render(AuditDocument(images: [image]))
            #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" })
            let parsed = try JUnitXML(xml)
            let escaped = "bad <directive> & \"quoted\" 'single' \u{FFFD}\u{FFFD}\u{FFFD}[31m end"
            #expect(parsed.elements.first { $0.name == "testsuite" }?.attributes["name"] == "/images/<evil>&\".vhd")
            #expect(parsed.elements.first { $0.name == "failure" }?.attributes["message"] == escaped)
            #expect(parsed.elements.first { $0.name == "skipped" }?.attributes["message"] == escaped)
            #expect(parsed.elements.first { $0.name == "error" }?.attributes["message"] == escaped)
            #expect(parsed.text.contains("warning: " + escaped))
            #expect(parsed.text.contains("actual: blacklist <x> & \u{FFFD}"))
        }

        @Test func junitEscapeFunction() {
            #expect(JUnitReport.escape("<&>\"'") == "&lt;&amp;&gt;&quot;&apos;")
            #expect(JUnitReport.escape("a\tb\nc\rd") == "a\tb\nc\rd")
            #expect(JUnitReport.escape("\u{0}\u{1F}\u{FFFE}\u{FFFF}") == "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}")
            #expect(JUnitReport.escape("é ✓ 🙂") == "é ✓ 🙂")
        }

        // MARK: Text

        @Test func textWithoutColour() {
            let text = TextReport(colour: false).render(AuditDocument(images: [Self.compliantImage, Self.failingImage, Self.brokenImage]))
            #expect(!text.utf8.contains(0x1B))
            #expect(text.contains("/images/good.vhd\n  vhd, centos 6.4 x86_64, profile el6-hyperv\n"))
            #expect(text.contains("COMPLIANT: reboots by itself after a panic on Azure"))
            #expect(text.contains("NON-COMPLIANT: sysctl.kernel_panic"))
            #expect(text.contains("NOT AUDITED: see the errors above"))
            #expect(text.contains("FAIL  sysctl.kernel_panic  kernel.panic is not set"))
            #expect(text.contains("WARN  kdump.initrd          stale"))
            #expect(text.hasSuffix("3 images: 1 compliant, 2 non-compliant, 1 not fully audited\n"))
        }

        @Test func textWithColour() {
            let text = TextReport(colour: true).render(AuditDocument(images: [Self.compliantImage, Self.failingImage]))
            #expect(text.utf8.contains(0x1B))
            #expect(text.contains("\u{1B}[31mFAIL \u{1B}[0m"))
            #expect(text.contains("\u{1B}[32mPASS \u{1B}[0m"))
            #expect(text.contains("\u{1B}[33mWARN \u{1B}[0m"))
            #expect(text.hasSuffix("2 images: 1 compliant, 1 non-compliant\n"))
        }

        @Test func textSingularSummary() {
            let text = TextReport(colour: false).render(AuditDocument(images: [Self.compliantImage]))
            #expect(text.hasSuffix("1 image: 1 compliant, 0 non-compliant\n"))
        }
    }
}

