import Mustache

/// Renders a template strictly: Mustache itself renders a missing variable as nothing, which in a
/// configuration file silently drops a directive. Here every variable a template uses must be
/// one kdumpbake knows, every variable used outside a section guarding it must have a value,
/// and no value may contain a newline or control character (no directive injection).
public enum TemplateRenderer {
    /// Renders `name` from `templates` with `variables`. Values are strings, or arrays of
    /// `[String: String]` for list sections; an absent key turns its section off.
    public static func render(_ name: String, templates: TemplateSet, variables: TemplateVariables) throws -> String {
        let origin = templates.origins[name] ?? name
        guard let source = templates.sources[name] else {
            throw TemplateError(template: name, message: "no such template")
        }
        for (key, value) in variables.scalars {
            try checkValue(value, variable: key, template: origin)
        }
        for (key, items) in variables.lists {
            for item in items { for (field, value) in item { try checkValue(value, variable: "\(key).\(field)", template: origin) } }
        }
        let tags: [MustacheTag]
        do {
            tags = try MustacheTag.scan(source)
        } catch let error as MustacheTag.ScanError {
            throw TemplateError(template: origin, message: error.message)
        }
        try checkVariables(tags, variables: variables, template: origin)
        do {
            // Text content type: no HTML escaping of `<`, `&`, quotes in configuration files.
            let template = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + source)
            return template.render(variables.mustacheContext)
        } catch {
            throw TemplateError(template: origin, message: "not a valid Mustache template: \(error)")
        }
    }

    private static func checkValue(_ value: String, variable: String, template: String) throws {
        if let bad = value.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            throw TemplateError(template: template, message: "value of \(variable) contains a control character (U+\(String(bad.value, radix: 16, uppercase: true))); refusing to write it into a configuration file")
        }
    }

    /// Every variable must be known; outside a section of its own name, it must have a value.
    private static func checkVariables(_ tags: [MustacheTag], variables: TemplateVariables, template: String) throws {
        var open: [String] = []
        for tag in tags {
            switch tag.kind {
            case .sectionStart, .invertedStart:
                guard TemplateVariables.known.contains(tag.name) else {
                    throw TemplateError(template: template, message: "line \(tag.line): unknown variable \(tag.name) (known: \(TemplateVariables.known.sorted().joined(separator: ", ")))")
                }
                open.append(tag.name)
            case .sectionEnd:
                guard open.last == tag.name else {
                    throw TemplateError(template: template, message: "line \(tag.line): {{/\(tag.name)}} closes \(open.last.map { "{{#\($0)}}" } ?? "nothing")")
                }
                open.removeLast()
            case .variable:
                // Inside a list section, item fields (module, options) resolve first.
                let listFields = open.compactMap { TemplateVariables.listFields[$0] }.flatMap { $0 }
                if listFields.contains(tag.name) { continue }
                guard TemplateVariables.known.contains(tag.name) else {
                    throw TemplateError(template: template, message: "line \(tag.line): unknown variable \(tag.name) (known: \(TemplateVariables.known.sorted().joined(separator: ", ")))")
                }
                if !open.contains(tag.name), !variables.has(tag.name) {
                    throw TemplateError(template: template, message: "line \(tag.line): variable \(tag.name) has no value for profile \(variables.scalars["profile"] ?? "?"); set it in the profile's values")
                }
            case .other:
                continue
            }
        }
        if let unclosed = open.last {
            throw TemplateError(template: template, message: "section {{#\(unclosed)}} is never closed")
        }
    }
}
