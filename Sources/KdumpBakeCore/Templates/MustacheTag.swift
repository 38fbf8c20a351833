import Foundation

/// The tags of a Mustache template, scanned independently of the renderer so the strict
/// variable check can see them (swift-mustache keeps its tokens internal).
struct MustacheTag: Equatable {
    enum Kind: Equatable { case variable, sectionStart, invertedStart, sectionEnd, other }

    var kind: Kind
    var name: String
    var line: Int

    struct ScanError: Error { var message: String }

    /// Finds `{{…}}` and `{{{…}}}` tags. Comments (`!`), partials (`>`) and pragmas (`%`) are `.other`.
    static func scan(_ text: String) throws -> [MustacheTag] {
        var tags: [MustacheTag] = []
        var rest = Substring(text)
        var line = 1
        while let open = rest.range(of: "{{") {
            line += rest[..<open.lowerBound].filter { $0 == "\n" }.count
            let triple = rest[open.upperBound...].hasPrefix("{")
            let bodyStart = triple ? rest.index(after: open.upperBound) : open.upperBound
            guard let close = rest[bodyStart...].range(of: triple ? "}}}" : "}}") else {
                throw ScanError(message: "line \(line): unclosed tag")
            }
            let body = rest[bodyStart..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            line += rest[open.lowerBound..<close.upperBound].filter { $0 == "\n" }.count
            rest = rest[close.upperBound...]
            guard let sigil = body.first else { throw ScanError(message: "line \(line): empty tag") }
            let name = body.dropFirst().trimmingCharacters(in: .whitespaces)
            switch sigil {
            case "#": tags.append(MustacheTag(kind: .sectionStart, name: name, line: line))
            case "^": tags.append(MustacheTag(kind: .invertedStart, name: name, line: line))
            case "/": tags.append(MustacheTag(kind: .sectionEnd, name: name, line: line))
            case "&": tags.append(MustacheTag(kind: .variable, name: name, line: line))
            case "!", ">", "%", "$", "<", "=": tags.append(MustacheTag(kind: .other, name: name, line: line))
            default: tags.append(MustacheTag(kind: .variable, name: body, line: line))
            }
        }
        return tags
    }
}
