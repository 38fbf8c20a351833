import Yams

/// Collects every problem found while reading one manifest, so a user fixes them all at once.
final class ManifestProblems {
    let file: String
    private var located: [(column: Int, error: ManifestError)] = []

    init(file: String) { self.file = file }

    func add(_ line: Int, _ column: Int = 0, _ key: String, _ message: String) {
        located.append((column, ManifestError(file: file, line: line, key: key, message: message)))
    }

    /// The problems in reading order: by line, then column.
    var errors: [ManifestError] {
        located.enumerated()
            .sorted { ($0.element.error.line, $0.element.column, $0.offset) < ($1.element.error.line, $1.element.column, $1.offset) }
            .map(\.element.error)
    }
}

/// A YAML node plus where it is (key path and line), with typed readers that report problems
/// instead of throwing. Each reader returns nil when the value is missing or wrong.
struct YAMLCursor {
    let node: Node
    /// `profiles[1].match.versions`
    let key: String
    let problems: ManifestProblems

    var line: Int { node.mark?.line ?? 0 }
    var column: Int { node.mark?.column ?? 0 }

    private func child(_ node: Node, _ key: String) -> YAMLCursor {
        YAMLCursor(node: node, key: key, problems: problems)
    }

    private func fail(_ message: String) { problems.add(line, column, key, message) }

    /// A mapping's entries by key; unknown keys are reported (they are usually typos).
    func mapping(allowed: Set<String>) -> [String: YAMLCursor]? {
        guard case .mapping(let mapping) = node else {
            fail("must be a mapping (key: value)")
            return nil
        }
        var entries: [String: YAMLCursor] = [:]
        for (keyNode, value) in mapping {
            guard let name = keyNode.string else {
                problems.add(keyNode.mark?.line ?? line, keyNode.mark?.column ?? 0, key, "keys must be strings")
                continue
            }
            let path = key.isEmpty ? name : "\(key).\(name)"
            if !allowed.contains(name) {
                let known = allowed.sorted().joined(separator: ", ")
                problems.add(keyNode.mark?.line ?? line, keyNode.mark?.column ?? 0, path, "unknown key (known keys: \(known))")
                continue
            }
            entries[name] = child(value, path)
        }
        return entries
    }

    /// Reports a required key that is missing from a mapping read with `mapping(allowed:)`.
    func require(_ entries: [String: YAMLCursor], _ name: String) -> YAMLCursor? {
        if let entry = entries[name] { return entry }
        problems.add(line, column, key.isEmpty ? name : "\(key).\(name)", "is required")
        return nil
    }

    func sequence() -> [YAMLCursor]? {
        guard case .sequence(let sequence) = node else {
            fail("must be a list")
            return nil
        }
        return sequence.enumerated().map { child($0.element, "\(key)[\($0.offset)]") }
    }

    /// A scalar string without control characters: values end up in configuration files line
    /// by line, so a newline would smuggle in a directive.
    func string() -> String? {
        guard case .scalar(let scalar) = node else {
            fail("must be a string")
            return nil
        }
        if let bad = scalar.string.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            fail("contains a control character (U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(to: 4))); values are written into configuration files line by line")
            return nil
        }
        return scalar.string
    }

    func int(in range: ClosedRange<Int>) -> Int? {
        guard case .scalar = node, let value = node.int else {
            fail("must be a whole number")
            return nil
        }
        guard range.contains(value) else {
            fail("must be between \(range.lowerBound) and \(range.upperBound), not \(value)")
            return nil
        }
        return value
    }

    func bool() -> Bool? {
        guard case .scalar = node, let value = node.bool else {
            fail("must be true or false")
            return nil
        }
        return value
    }

    /// A value from a fixed set of words, e.g. `rebuild | invalidate | keep`.
    func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> T? where T.RawValue == String {
        guard let text = string() else { return nil }
        guard let value = T(rawValue: text) else {
            fail("\"\(text)\" is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// A list of strings; a single string is accepted as a one-element list.
    func stringList() -> [String]? {
        if case .scalar = node { return string().map { [$0] } }
        guard let items = sequence() else { return nil }
        let values = items.map { $0.string() }
        return values.contains(nil) ? nil : values.compactMap { $0 }
    }

    /// A list of kernel module names (letters, digits, `_` and `-`).
    func moduleList() -> [String]? {
        guard let names = stringList() else { return nil }
        for name in names where !name.isModuleName {
            fail("\"\(name)\" is not a kernel module name")
            return nil
        }
        return names
    }

    /// A mapping of strings to strings.
    func stringMap() -> [String: String]? {
        guard case .mapping(let mapping) = node else {
            fail("must be a mapping (key: value)")
            return nil
        }
        var result: [String: String] = [:]
        for (keyNode, value) in mapping {
            let name = keyNode.string ?? ""
            guard let text = child(value, "\(key).\(name)").string() else { continue }
            result[name] = text
        }
        return result
    }

    /// Reports a problem at this cursor (for checks the readers cannot know).
    func report(_ message: String) { fail(message) }
}

extension String {
    /// Kernel module names as modprobe and mkdumprd accept them.
    var isModuleName: Bool {
        !isEmpty && unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }

    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
