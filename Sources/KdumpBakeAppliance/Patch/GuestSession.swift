import KdumpBakeCore
import Guestfs

/// The one guest of an image in a launched appliance: its root, its profile, its facts.
struct GuestSession {
    let handle: GuestfsHandle
    let root: GuestRoot
    let selection: Finding
    let profile: Profile?
    private let firstFacts: GuestFacts?

    /// Finds exactly one supported root on drive 0 and chooses its profile; anything else is an
    /// input error that leaves the image untouched, or a skip when no supported guest is there
    /// (no OS, Windows) and the manifest says `unmatched: skip`.
    init(handle: GuestfsHandle, path: String, options: PatchOptions) throws {
        self.handle = handle
        let roots = try RootFinder.findRoots(on: handle)
        guard let root = roots.first else {
            var unidentified = UnidentifiedGuests(handle: handle)
            let finding = unidentified.describe(drive: 0, unmatched: options.auditOptions.manifest.unmatched)
            throw finding.status == .skip ? PatchError.unmatchedSkipped(finding.message) : PatchError.notPatchable(finding.message)
        }
        guard roots.count == 1 else {
            throw PatchError.notPatchable("several operating systems found (\(roots.map(\.device).joined(separator: ", "))); kdumpbake patches one per image")
        }
        self.root = root
        let choice = ProfileSelection.choose(for: root.os, manifest: options.auditOptions.manifest, profileName: options.auditOptions.profileName)
        selection = choice.finding
        if choice.profile == nil, choice.finding.status == .error {
            throw PatchError.notPatchable(choice.finding.message)
        }
        profile = choice.profile
        firstFacts = profile == nil ? nil : try GuestFactsReader(handle: handle).read(root)
    }

    func facts() throws -> GuestFacts {
        if let firstFacts { return firstFacts }
        return try GuestFactsReader(handle: handle).read(root)
    }

    /// Facts read again, after the plan was applied: the verifying audit must see the guest as
    /// it now is, including the initrds mkdumprd just wrote.
    func rereadFacts() throws -> GuestFacts {
        try GuestFactsReader(handle: handle).read(root)
    }
}
