// The inputs of the mutation-based properties: per-format seed files and syntax tokens
// (`Corpus`), the generator that mutates them (`Corpus.cases`), and how a generated case
// prints on failure (`FuzzCase`, `SwiftLiteral`), so it can be replayed in Regressions.swift.

import PropertyBased
import Testing

/// A named realistic input that mutations start from.
struct Seed: Sendable {
    var name: String
    var bytes: [UInt8]

    init(_ name: String, _ text: String) {
        self.name = name
        bytes = Array(text.utf8)
    }

    init(_ name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// The seeds of one input format plus the tokens that mean something in it (`{`, `"`,
/// `TRAILER!!!`…): mutations insert those, since a parser's interesting paths start at its
/// syntax characters, which random bytes rarely hit.
struct Corpus: Sendable {
    var seeds: [Seed]
    var tokens: [[UInt8]]

    init(seeds: [Seed], tokens: [String], binaryTokens: [[UInt8]] = []) {
        self.seeds = seeds
        self.tokens = tokens.map { Array($0.utf8) } + binaryTokens + Self.commonTokens
    }

    /// Tokens worth trying in any text format: line ends, blanks, quotes, numbers past every
    /// integer type, and a combining accent (one `Character` with whatever precedes it).
    static let commonTokens: [[UInt8]] = [
        "\n", "\r\n", "\r", " ", "\t", "\u{0B}", "\u{0C}", "\"", "'", "\\", "\\\n", "#", "=", "$", "${", "}",
        "99999999999999999999999999999", "-1", "-9223372036854775808", "18446744073709551616", "0x", "\u{301}", "\u{FEFF}",
    ].map { Array($0.utf8) }

    /// Cases: a seed (or, one time in `seeds.count + 1`, seeded noise) with up to
    /// `maxMutations` mutations applied.
    func cases(maxMutations: Int = 8) -> Generator<FuzzCase, some SendableSequenceType> {
        let seeds = seeds, tokens = tokens
        return zip(Gen<Int>.value(in: 0...seeds.count), Gen<UInt64>.value(), Mutation.generator.array(of: 0...maxMutations))
            .map { parts in
                let (choice, noiseSeed, mutations) = parts
                let base = choice < seeds.count
                    ? seeds[choice]
                    : Seed("noise(\(noiseSeed))", bytes: Noise.bytes(seed: noiseSeed))
                var bytes = base.bytes
                for mutation in mutations { mutation.apply(to: &bytes, tokens: tokens) }
                let fuzzCase = FuzzCase(seed: base.name, mutations: mutations, bytes: bytes)
                CrashTrail.record(fuzzCase)
                return fuzzCase
            }
    }
}

/// One generated input, printed on failure as its recipe and its bytes as a Swift literal, so
/// it can be pasted into Regressions.swift.
struct FuzzCase: Sendable, CustomTestStringConvertible, CustomStringConvertible {
    var seed: String
    var mutations: [Mutation]
    var bytes: [UInt8]

    /// The bytes as UTF-8 with invalid sequences replaced: what every text parser here reads.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    var testDescription: String { description }

    var description: String {
        "seed \(seed), mutations \(mutations), \(bytes.count) bytes: \(SwiftLiteral.bytes(bytes))"
    }
}

/// Deterministic pseudo-random bytes from one 64-bit seed (SplitMix64), biased towards the
/// printable and structural ASCII every text format here is made of.
enum Noise {
    static func bytes(seed: UInt64, maxLength: Int = 600) -> [UInt8] {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let length = Int(next() % UInt64(maxLength + 1))
        return (0..<length).map { _ in
            let random = next()
            return random & 3 == 0 ? UInt8(truncatingIfNeeded: random >> 8) : UInt8(32 + (random >> 8) % 95)
        }
    }
}

/// Renders inputs as Swift source, for failure messages that become regression tests.
enum SwiftLiteral {
    /// `"text"` when the bytes are valid UTF-8 (with `\u{…}` escapes for controls), otherwise
    /// a `[UInt8]` array literal. Long inputs are cut, with a note, to keep messages readable.
    static func bytes(_ bytes: [UInt8], limit: Int = 4096) -> String {
        let shown = Array(bytes.prefix(limit))
        let note = bytes.count > limit ? " /* first \(limit) of \(bytes.count) bytes */" : ""
        if let text = String(validating: shown, as: UTF8.self) {
            return string(text) + note
        }
        return "[" + shown.map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: ", ") + "]" + note
    }

    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case " "..."~": out.unicodeScalars.append(scalar)
            default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out + "\""
    }
}
