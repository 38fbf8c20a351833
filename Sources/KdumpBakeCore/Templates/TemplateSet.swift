import DefaultTemplates
import Foundation

/// The templates a patch renders: the built-in ones, with any file of the same name in a
/// `--templates DIR` taking precedence (so a team can change one template and keep the rest).
public struct TemplateSet: Sendable {
    /// Template text by file name (`kdump-el6.conf.mustache`).
    public private(set) var sources: [String: String]
    /// Where each template came from, for messages: `<built-in>` or a path.
    public private(set) var origins: [String: String]

    public static func builtin() -> TemplateSet {
        var set = TemplateSet(sources: [:], origins: [:])
        for (name, bytes) in DefaultTemplates.templates {
            set.sources[name] = String(decoding: bytes, as: UTF8.self)
            set.origins[name] = "<built-in>/\(name)"
        }
        return set
    }

    /// The built-in templates overridden by the `*.mustache` files in `directory`.
    public static func overriding(with directory: String) throws -> TemplateSet {
        var set = builtin()
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".mustache") }
        } catch {
            throw TemplateError(template: directory, message: "cannot read the templates directory: \(error.localizedDescription)")
        }
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw TemplateError(template: path, message: "cannot be read as UTF-8 text")
            }
            set.sources[name] = text
            set.origins[name] = path
        }
        return set
    }

    private init(sources: [String: String], origins: [String: String]) {
        self.sources = sources
        self.origins = origins
    }
}

/// A template that cannot be rendered: names the template and the problem.
public struct TemplateError: Error, Equatable, Sendable, CustomStringConvertible {
    public var template: String
    public var message: String
    public var description: String { "\(template): \(message)" }
}
