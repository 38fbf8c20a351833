/// The GRUB2 environment block, /boot/grub2/grubenv.
///
/// el7 keeps the default entry there (`saved_entry`), el8 also the shared kernel command line
/// (`kernelopts`) that every BLS entry pulls in with `$kernelopts`: crashkernel= usually lives
/// in grubenv on el8, not in any entry file.
public struct GrubEnv: Sendable, Equatable {
    public var variables: [String: String]

    public init(variables: [String: String] = [:]) {
        self.variables = variables
    }

    public subscript(name: String) -> String? { variables[name] }
    public var savedEntry: String? { variables["saved_entry"] }
    public var kernelopts: String? { variables["kernelopts"] }

    public static func parse(bytes: [UInt8]) -> GrubEnv { parse(ConfigText.decode(bytes)) }

    /// Parses the block: `# GRUB Environment Block`, then `name=value` lines, then `#` padding to
    /// 1024 bytes. GRUB escapes `\` and newline in values with a backslash; those are undone.
    /// Lines without `=` and comment lines are ignored; a later duplicate wins.
    public static func parse(_ text: String) -> GrubEnv {
        var variables: [String: String] = [:]
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if scalars[index] == "#" || scalars[index] == "\n" {
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
                index += 1
                continue
            }
            var name: [Unicode.Scalar] = []
            while index < scalars.count, scalars[index] != "=", scalars[index] != "\n" {
                name.append(scalars[index]); index += 1
            }
            guard index < scalars.count, scalars[index] == "=" else { continue }
            index += 1
            var value: [Unicode.Scalar] = []
            while index < scalars.count, scalars[index] != "\n" {
                if scalars[index] == "\\", index + 1 < scalars.count {
                    value.append(scalars[index + 1]); index += 2
                } else {
                    value.append(scalars[index]); index += 1
                }
            }
            index += 1
            if value.last == "\r" { value.removeLast() }
            if !name.isEmpty { variables[ConfigText.string(name)] = ConfigText.string(value) }
        }
        return GrubEnv(variables: variables)
    }

    /// Expands `$name` and `${name}` like GRUB does at boot: unknown variables expand to nothing,
    /// and their names are returned so the audit can say what it could not resolve.
    /// Single pass (values are not re-expanded), so a hostile self-referencing value cannot loop.
    public func expand(_ text: String) -> (text: String, unresolved: [String]) {
        let scalars = Array(text.unicodeScalars)
        var out: [Unicode.Scalar] = []
        var unresolved: [String] = []
        var index = 0
        // Once a `${` has no closing brace after it, none later has either: remembering that
        // keeps hostile input such as `${${${…` linear.
        var unclosedFrom = Int.max
        func isNameScalar(_ s: Unicode.Scalar) -> Bool {
            (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") || s == "_"
        }
        while index < scalars.count {
            guard scalars[index] == "$", index + 1 < scalars.count else {
                out.append(scalars[index]); index += 1; continue
            }
            var nameStart = index + 1, nameEnd = nameStart, next = nameStart
            if scalars[nameStart] == "{" {
                nameStart += 1
                guard nameStart < unclosedFrom, let close = scalars[nameStart...].firstIndex(of: "}") else {
                    unclosedFrom = min(unclosedFrom, nameStart)
                    out.append(scalars[index]); index += 1; continue
                }
                nameEnd = close; next = close + 1
            } else {
                while nameEnd < scalars.count, isNameScalar(scalars[nameEnd]) { nameEnd += 1 }
                next = nameEnd
            }
            guard nameEnd > nameStart else { out.append(scalars[index]); index += 1; continue }
            let name = ConfigText.string(scalars[nameStart..<nameEnd])
            if let value = variables[name] { out += value.unicodeScalars } else { unresolved.append(name) }
            index = next
        }
        return (ConfigText.string(out), unresolved)
    }
}
