import Testing

/// Namespace for the audit-check tests (pure: hand-built facts, no appliance), so
/// `swift test --filter Checks` selects exactly them.
@Suite("Checks") enum Checks {}
