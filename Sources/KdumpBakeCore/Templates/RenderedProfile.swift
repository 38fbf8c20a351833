/// The files a profile writes, rendered without a guest, for `kdumpbake render`: the same
/// templates and variables the planner uses, against an empty stock guest.
public enum RenderedProfile {
    public struct File: Sendable {
        public var path: String
        public var strategy: String
        public var text: String
    }

    /// `version`: the distro version asked for, whose release decides what depends on it (RHEL
    /// 9.3+'s `auto_reset_crashkernel`); without one, nothing release-specific is written.
    public static func files(for profile: Profile, templates: TemplateSet, version: DistroVersion? = nil) throws -> [File] {
        let stock = GuestFacts(
            os: GuestOS(type: "linux", distro: profile.match.distros.first ?? "centos", version: version ?? DistroVersion(0), arch: "x86_64", productName: "", root: ""),
            files: [GuestPaths.kdumpConf: GuestFile(path: GuestPaths.kdumpConf, state: .read(bytes: []))],
            mkdumprdPath: "/sbin/mkdumprd")
        let plan = try PatchPlanner(templates: templates).plan(facts: stock, profile: profile)
        return plan.fileChanges.map { File(path: $0.path, strategy: $0.strategy.rawValue, text: String(decoding: $0.new, as: UTF8.self)) }
    }
}
