/// JUnit XML: one testsuite per image, one testcase per check, so CI systems show audits natively.
/// `fail` → <failure>, `error` → <error>, `skip` → <skipped>; `warn` passes with the message in system-out.
public enum JUnitReport {
    public static func render(_ document: AuditDocument) -> String {
        let findings = document.images.flatMap(\.findings)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"kdumpbake audit\" tests=\"\(findings.count)\" failures=\"\(count(findings, .fail))\" errors=\"\(count(findings, .error))\" skipped=\"\(count(findings, .skip))\">\n"
        for image in document.images {
            xml += "  <testsuite name=\"\(escape(image.path))\" tests=\"\(image.findings.count)\" failures=\"\(count(image.findings, .fail))\" errors=\"\(count(image.findings, .error))\" skipped=\"\(count(image.findings, .skip))\">\n"
            for finding in image.findings {
                xml += "    <testcase classname=\"\(escape(image.path))\" name=\"\(finding.check.rawValue)\""
                let message = escape(finding.message)
                switch finding.status {
                case .pass: xml += "/>\n"
                case .warn: xml += ">\n      <system-out>warning: \(message)</system-out>\n    </testcase>\n"
                case .skip: xml += ">\n      <skipped message=\"\(message)\"/>\n    </testcase>\n"
                case .fail: xml += ">\n      <failure message=\"\(message)\">\(detail(finding))</failure>\n    </testcase>\n"
                case .error: xml += ">\n      <error message=\"\(message)\">\(detail(finding))</error>\n    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    private static func count(_ findings: [Finding], _ status: FindingStatus) -> Int {
        findings.filter { $0.status == status }.count
    }

    private static func detail(_ finding: Finding) -> String {
        [finding.path.map { "path: \($0)" }, finding.expected.map { "expected: \($0)" }, finding.actual.map { "actual: \($0)" }]
            .compactMap { $0 }.map(escape).joined(separator: "\n")
    }

    /// XML-escapes text, dropping characters XML 1.0 cannot carry (guest text may hold any byte).
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
