import Testing

/// Namespace for the drill's pure core (`KdumpBakeCore/Drill`): `swift test --filter KdumpBakeCoreTests.Drill`.
@Suite("Drill") enum Drill {}
