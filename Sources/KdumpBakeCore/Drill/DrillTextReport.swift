/// The human report of `kdumpbake drill`: per image, the machine, the timeline with elapsed
/// times, the dump found, the console's last lines when the drill did not succeed, the honest
/// limit, and the verdict. Everything from the guest (milestone details, file names, console
/// lines) and the image path go through `TerminalText`, one line each.
public enum DrillTextReport {
    /// Milestones whose console line is worth printing beside them.
    static let detailed: Set<DrillMilestone> = [.crashKernelNotReserved, .kdumpNotArmed, .dumpWritten, .dumpFailed]

    public static func render(_ document: DrillDocument, colour: Bool = false) -> String {
        var out = ""
        func line(_ text: String) { out += TerminalText.escape(text) + "\n" }
        for report in document.images {
            line(report.path)
            line("  \(report.accelerator.rawValue), \(report.memoryMiB) MiB, \(report.cpus) CPU\(report.cpus == 1 ? "" : "s")")
            let times = report.timeline.map { DrillTimes.elapsed($0.elapsedSeconds) }
            let width = times.map(\.count).max() ?? 0
            for (entry, time) in zip(report.timeline, times) {
                let padded = String(repeating: " ", count: width - time.count) + time
                let detail = detailed.contains(entry.milestone) ? entry.detail.map { "  \($0)" } ?? "" : ""
                line("  \(padded) \(entry.milestone.rawValue)\(detail)")
            }
            if report.timeline.isEmpty { line("  (no milestone on the console)") }
            if let evidence = report.evidence {
                if evidence.files.isEmpty { line("  on disk: nothing under \(evidence.dumpDirectory)") }
                for file in evidence.files { line("  on disk: \(file.path) (\(file.size) bytes)") }
            }
            if report.verdict != .rebootedWithDump, !report.consoleTail.isEmpty {
                line("  console, last \(report.consoleTail.count) line\(report.consoleTail.count == 1 ? "" : "s"):")
                for consoleLine in report.consoleTail { line("    | \(consoleLine)") }
            }
            line("  not shown: \(report.notShown)")
            let verdict = "\(report.verdict.rawValue.uppercased()): \(report.reason)"
            out += "  => " + paint(TerminalText.escape(verdict), success: report.verdict == .rebootedWithDump, colour: colour) + "\n\n"
        }
        let counts = DrillVerdict.allCases.compactMap { verdict in
            document.summary.count(verdict) > 0 ? "\(document.summary.count(verdict)) \(verdict.rawValue)" : nil
        }
        let images = document.images.count
        out += "\(images) image\(images == 1 ? "" : "s")\(counts.isEmpty ? "" : ": " + counts.joined(separator: ", "))\n"
        return out
    }

    private static func paint(_ text: String, success: Bool, colour: Bool) -> String {
        colour ? "\u{1B}[\(success ? "32" : "31")m\(text)\u{1B}[0m" : text
    }
}

/// JUnit XML for `kdumpbake drill --format junit`: one testsuite per image, one testcase per
/// milestone a drill that rebooted with a dump shows, and a `verdict` testcase that fails
/// unless the verdict is `rebooted-with-dump` (the console alone proves nothing: the verdict
/// also needs the dump on the disk). Escaping follows `JUnitReport`.
public enum DrillJUnitReport {
    public static func render(_ document: DrillDocument) -> String {
        let suites = document.images.map(suite)
        let tests = suites.reduce(0) { $0 + $1.tests }
        let failures = suites.reduce(0) { $0 + $1.failures }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"kdumpbake drill\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\">\n"
        for suite in suites { xml += suite.xml }
        return xml + "</testsuites>\n"
    }

    private static func suite(_ report: DrillReport) -> (xml: String, tests: Int, failures: Int) {
        let path = escape(report.path)
        let last = report.timeline.last.map { "last milestone: \($0.milestone.rawValue)" } ?? "no milestone on the console"
        var cases = ""
        var failures = 0
        for milestone in DrillMilestone.expectedWithDump {
            cases += "    <testcase classname=\"\(path)\" name=\"\(milestone.rawValue)\""
            if let entry = report.timeline.first(where: { $0.milestone == milestone }) {
                cases += ">\n      <system-out>\(escape(DrillTimes.elapsed(entry.elapsedSeconds) + (entry.detail.map { " " + $0 } ?? "")))</system-out>\n    </testcase>\n"
            } else {
                failures += 1
                cases += ">\n      <failure message=\"not reached (\(escape(last)))\">\(escape(report.reason))</failure>\n    </testcase>\n"
            }
        }
        cases += "    <testcase classname=\"\(path)\" name=\"verdict\""
        if report.verdict == .rebootedWithDump {
            cases += ">\n      <system-out>\(escape(report.verdict.rawValue + ": " + report.reason))</system-out>\n    </testcase>\n"
        } else {
            failures += 1
            cases += ">\n      <failure message=\"\(escape(report.verdict.rawValue + ": " + report.reason))\">\(escape(report.notShown))</failure>\n"
            cases += "      <system-out>\(escape(report.consoleTail.joined(separator: "\n")))</system-out>\n    </testcase>\n"
        }
        let tests = DrillMilestone.expectedWithDump.count + 1
        let xml = "  <testsuite name=\"\(path)\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\">\n" + cases + "  </testsuite>\n"
        return (xml, tests, failures)
    }

    private static func escape(_ text: String) -> String { JUnitReport.escape(text) }
}
