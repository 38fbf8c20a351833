import Testing

/// Namespace for the parser tests, so `swift test --filter Parsers` selects exactly them
/// (the filter matches test identifiers, `KdumpBakeCoreTests.Parsers/…`).
@Suite("Parsers") enum Parsers {}
