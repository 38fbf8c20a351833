/// A test guest made from a cached real guest (`RealGuestRecipe`) by editing a few files of its root
/// filesystem: the real packages, kernels and tools stay, only an identity and a few release facts change.
///
/// Used for the Ubuntu look-alikes (`RealGuest.ubuntu2204Like`, `ubuntu2404Like`): no Ubuntu is ever
/// installed, they are the real Debian 12 tree claiming to be Ubuntu and carrying the kdump-tools traps of
/// those releases. Nothing is debootstrapped a second time: the base's cached raw image is copied and its
/// ext4 root edited in place by e2fsprogs' debugfs (see `Ext4FileEditor`).
///
/// The base's fingerprint, its cached image (size and modification time) and every edit make up the derived
/// image's fingerprint, so a rebuilt base (even from an unchanged recipe, on a newer mirror) or a changed
/// edit builds a new derived image.
public struct DerivedGuestRecipe: Sendable, Hashable {
    /// The base name of the cached image ("ubuntu2204-like").
    public var name: String
    public var base: RealGuestRecipe
    /// Applied in order; several edits may touch one file.
    public var edits: [GuestFileEdit]

    public init(name: String, base: RealGuestRecipe, edits: [GuestFileEdit]) {
        self.name = name
        self.base = base
        self.edits = edits
    }
}

/// One change to a file of the base guest's root filesystem.
public enum GuestFileEdit: Sendable, Hashable {
    /// Replace `old` by `new` in the file at `path`; the build fails unless `old` occurs exactly once, so a
    /// change in the base distribution's file (a new package version) is noticed instead of silently
    /// producing a guest without the intended fact. The file keeps its mode and owner (root).
    case replace(path: String, old: String, new: String)
    /// A file that must not exist in the base (the build fails if it does), written with `mode`, owned by root.
    case create(path: String, text: String, mode: Int)

    var path: String {
        switch self {
        case .replace(let path, _, _), .create(let path, _, _): path
        }
    }
}
