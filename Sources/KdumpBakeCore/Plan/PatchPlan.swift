/// What a patch will do to one guest, decided from its facts and profile without touching it:
/// dry runs print it, the applier executes it, both in the order of `operations`.
public struct PatchPlan: Sendable, Equatable {
    /// In the order they run, which is also the order the report lists them: the configuration
    /// files first (mkdumprd reads kdump.conf and sysconfig), then the service links, then what
    /// happens to each kernel's kdump initrd.
    public var operations: [PatchOperation]

    public init(operations: [PatchOperation] = []) { self.operations = operations }

    /// True when applying would change nothing in the guest.
    public var isEmpty: Bool { !operations.contains(where: \.changesTheGuest) }

    /// The files written, in order (what `kdumpbake render` shows, what a dry run counts).
    public var fileChanges: [FileChange] {
        operations.compactMap { if case .writeFile(let change) = $0 { change } else { nil } }
    }

    /// The mkdumprd runs, in order (the rebuild budget is shared among them).
    public var initrdRebuilds: [InitrdRebuild] {
        operations.compactMap { if case .rebuildInitrd(let rebuild) = $0 { rebuild } else { nil } }
    }
}
