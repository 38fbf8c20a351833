import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import KdumpBakeCore
import Testing

extension Drill {
    /// The drill's reports: JSON exact, text escaped, JUnit well-formed.
    @Suite("DrillReport")
    struct DrillReportTests {
        typealias T = DrillTranscripts

        static let machine = DrillMachine(memoryMiB: 2048, cpus: 2, accelerator: .tcg, overlayPath: "/tmp/o.qcow2",
                                          kernelPath: "/tmp/vmlinuz", initrdPath: "/tmp/initrd", appendWords: [])
        static let hostileLine = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m  PASS\\x1b"

        static var success: DrillReport {
            DrillReport(path: "debian-12.qcow2", machine: machine, timeline: T.timeline(T.withDump), end: .secondBootReached,
                        evidence: DrillJudgementTests.dumped)
        }

        static var hung: DrillReport {
            var timeline = T.timeline(T.firstBoot() + T.armAndCrash)
            _ = timeline.feed(Array((hostileLine + "\n").utf8), at: 100)
            return DrillReport(path: "evil\u{1B}[2J.qcow2", machine: machine, timeline: timeline,
                               end: .phaseLimit(.capturing, seconds: 120), evidence: DrillJudgementTests.nothing)
        }

        @Test func jsonIsExactAndSnakeCased() throws {
            let document = DrillDocument(images: [Self.success, Self.hung])
            let json = document.json()
            for key in ["\"elapsed_seconds\"", "\"console_tail\"", "\"not_shown\"", "\"memory_mib\"", "\"dump_directory\"",
                        "\"dmesg_mentions_panic\"", "\"rebooted-with-dump\" : 1", "\"hung\" : 1", "\"tool\" : \"kdumpbake\""] {
                #expect(json.contains(key), "\(key)")
            }
            #expect(!json.unicodeScalars.contains { $0.value == 0x1B || (0x7F...0x9F).contains($0.value) })
            struct Read: Decodable { var images: [DrillReport] }
            let read = try JSONDecoder().decode(Read.self, from: Data(json.utf8))
            #expect(read.images == document.images)
            #expect(read.images[1].consoleTail.last == Self.hostileLine)
            #expect(document.exitCode == 1)
            #expect(DrillDocument(images: [Self.success]).exitCode == 0)
        }

        @Test func textShowsTheTimelineAndEscapesTheGuest() {
            let text = DrillTextReport.render(DrillDocument(images: [Self.success, Self.hung]))
            #expect(!text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) })
            let firstBoot = T.firstBoot().count
            #expect(text.contains("\n  +\(firstBoot + 3).0s kdump-armed\n"))
            #expect(text.contains("dump-written  kdump-tools[250]:  * kdump-tools: saved vmcore in /var/crash/202411281200\n"))
            #expect(text.contains("  on disk: /var/crash/202411281200/dump.202411281200 (48213504 bytes)\n"))
            #expect(text.contains("  => REBOOTED-WITH-DUMP: the capture kernel wrote"))
            #expect(text.contains("  => HUNG: no progress for 120 s after panic"))
            #expect(text.contains("evil\\x1b[2J.qcow2\n"))
            #expect(text.contains("    | \\x1b]0;pwned\\x07\\x1b[2J\\x9b31m  PASS\\\\x1b\n"))
            #expect(text.contains("  not shown: qemu does not emulate Hyper-V's VMBus and storvsc"))
            // The console tail is for drills that failed.
            let successText = DrillTextReport.render(DrillDocument(images: [Self.success]))
            #expect(!successText.contains("console, last"))
            #expect(text.hasSuffix("2 images: 1 rebooted-with-dump, 1 hung\n"))
        }

        @Test func junitHasOneCasePerExpectedMilestoneAndTheVerdict() throws {
            let xml = DrillJUnitReport.render(DrillDocument(images: [Self.success, Self.hung]))
            let document = try XMLDocument(xmlString: xml)
            let suites = try document.nodes(forXPath: "/testsuites/testsuite").compactMap { $0 as? XMLElement }
            #expect(suites.count == 2)
            let names = try suites[0].nodes(forXPath: "testcase/@name").compactMap(\.stringValue)
            #expect(names == DrillMilestone.expectedWithDump.map(\.rawValue) + ["verdict"])
            #expect(suites[0].attribute(forName: "failures")?.stringValue == "0")
            // Hung after the panic: five milestones missing, and the verdict.
            #expect(suites[1].attribute(forName: "failures")?.stringValue == "6")
            #expect(suites[1].attribute(forName: "name")?.stringValue == "evil\u{FFFD}[2J.qcow2")
            let verdict = try suites[1].nodes(forXPath: "testcase[@name='verdict']/failure/@message").first?.stringValue
            #expect(verdict?.hasPrefix("hung: no progress for 120 s after panic") == true)
            #expect(document.rootElement()?.attribute(forName: "tests")?.stringValue == "22")
            #expect(!xml.unicodeScalars.contains { $0.value == 0x1B })
        }
    }
}
