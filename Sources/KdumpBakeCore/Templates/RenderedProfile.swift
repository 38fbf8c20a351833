/// The files a profile writes, rendered without a guest, for `kdumpbake render`: the same
/// templates and variables the planner uses, against an empty stock guest.
public enum RenderedProfile {
    public struct File: Sendable {
        public var path: String
        public var strategy: String
        public var text: String
    }

    /// `distro` and `version`: the distro asked for, whose release decides what depends on it
    /// (RHEL 9.3+'s `auto_reset_crashkernel`, kdump-tools' default capture command line and
    /// crashkernel=); without a version, nothing release-specific is written.
    public static func files(for profile: Profile, templates: TemplateSet, distro: String? = nil, version: DistroVersion? = nil) throws -> [File] {
        var stock = GuestFacts(
            os: GuestOS(type: "linux", distro: distro ?? profile.match.distros.first ?? "centos", version: version ?? DistroVersion(0), arch: "x86_64", productName: "", root: ""),
            files: [GuestPaths.kdumpConf: GuestFile(path: GuestPaths.kdumpConf, state: .read(bytes: []))],
            mkdumprdPath: "/sbin/mkdumprd")
        for path in [KdumpToolsPaths.defaults, KdumpToolsPaths.kdumpConfig, GuestPaths.sysconfigKdump] {
            stock.files[path] = GuestFile(path: path, state: .read(bytes: []))
        }
        stock.mtimes[KdumpToolsPaths.mkinitramfs] = 0
        let plan = try PatchPlanner(templates: templates).plan(facts: stock, profile: profile)
        return plan.fileChanges.map { File(path: $0.path, strategy: $0.strategy.rawValue, text: String(decoding: $0.new, as: UTF8.self)) }
    }
}
