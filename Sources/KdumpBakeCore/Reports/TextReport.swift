import Foundation

/// The human report: a table per image and a one-line verdict. Colour only when asked (on a TTY).
///
/// Every string that reaches the report from outside kdumpbake (guest text in messages, the
/// product name, kernel versions, image paths) goes through `TerminalText.escape` before
/// kdumpbake adds its own colour codes, so the only escape sequences in the output are those.
/// Each field is kept to one line: a line feed from the guest cannot start a forged report line.
public struct TextReport {
    public var colour: Bool

    public init(colour: Bool) { self.colour = colour }

    public func render(_ document: AuditDocument) -> String {
        var out = ""
        for image in document.images {
            out += "\(safe(image.path))\n"
            let identity = [image.format?.rawValue, image.os.map { "\($0.distro) \($0.version) \($0.arch)" }, image.profile.map { "profile \($0)" }]
                .compactMap { $0 }.joined(separator: ", ")
            if !identity.isEmpty { out += "  \(safe(identity))\n" }
            if let rules = image.findings.lazy.compactMap(\.rules).first { out += "  rules of \(safe(rules))\n" }
            let checks = image.findings.map(\.check.rawValue)  // kdumpbake's own words (`CheckID`): nothing to escape
            let width = checks.map(\.count).max() ?? 0
            for (finding, check) in zip(image.findings, checks) {
                let padded = check.padding(toLength: width, withPad: " ", startingAt: 0)
                out += "  \(paint(finding.status)) \(padded)  \(safe(finding.message))\n"
            }
            out += "  => \(verdict(image))\n\n"
        }
        let s = document.summary
        out += "\(s.images) image\(s.images == 1 ? "" : "s"): \(s.compliant) compliant, \(s.nonCompliant) non-compliant\(s.errors > 0 ? ", \(s.errors) not fully audited" : "")\n"
        return out
    }

    private func verdict(_ image: ImageReport) -> String {
        if image.hasErrors { return colourise("NOT AUDITED: see the errors above", "31") }
        if image.compliant { return colourise("COMPLIANT: reboots by itself after a panic on Azure", "32") }
        let failing = image.findings.filter { $0.status.breaksCompliance }.map(\.check.rawValue)
        return colourise("NON-COMPLIANT: \(failing.joined(separator: ", "))", "31")
    }

    /// Text from outside kdumpbake, as one line without control characters.
    private func safe(_ text: String) -> String { TerminalText.escape(text) }

    private func paint(_ status: FindingStatus) -> String {
        let label = status.rawValue.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)
        switch status {
        case .pass: return colourise(label, "32")
        case .fail, .error: return colourise(label, "31")
        case .warn: return colourise(label, "33")
        case .skip: return colourise(label, "2")
        }
    }

    private func colourise(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
