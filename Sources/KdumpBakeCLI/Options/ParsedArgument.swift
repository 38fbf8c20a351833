import ArgumentParser
import KdumpBakeCore

/// A value kdumpbake parses from text (`K/N`, `6.4`).
protocol ParsableFromText: Sendable {
    init?(parsing text: String)
}

extension Shard: ParsableFromText {}

extension DistroVersion: ParsableFromText {}

/// An option's value as typed, and what it parses to (nil: it does not parse).
///
/// Parsing never fails inside ArgumentParser on purpose: ArgumentParser would refuse the value in
/// its own words (`The value 'x' is invalid for '--shard <K/N>'`), while kdumpbake's refusal names
/// the flag, the value and the expected form (`--shard 4/3: expected K/N with 1 <= K <= N, e.g. 2/4`),
/// as the README and the tests have it. The command refuses `value == nil` with that line.
struct ParsedArgument<Value: ParsableFromText>: ExpressibleByArgument, Sendable {
    /// What the user typed.
    let text: String
    let value: Value?

    init(argument: String) {
        text = argument
        value = Value(parsing: argument)
    }
}
