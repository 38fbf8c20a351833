import KdumpBakeCore
import Testing

@Suite struct CrashkernelEditTests {
    let grubConf = """
        default=0
        timeout=5
        title CentOS (2.6.32-358.el6.x86_64)
        \troot (hd0,0)
        \tkernel /vmlinuz-2.6.32-358.el6.x86_64 ro root=UUID=abc rhgb quiet
        \tinitrd /initramfs-2.6.32-358.el6.x86_64.img
        title Other
        \tkernel /vmlinuz-x ro crashkernel=256M
        """

    private func facts(_ files: [String: String], version: DistroVersion) -> GuestFacts {
        var result = GuestFacts(os: GuestOS(type: "linux", distro: "centos", version: version, arch: "x86_64", productName: "", root: ""),
                                kernels: [], mkdumprdPath: "/sbin/mkdumprd")
        result.files["/etc/kdump.conf"] = GuestFile(path: "/etc/kdump.conf", state: .read(bytes: []))
        for (path, text) in files { result.files[path] = GuestFile(path: path, state: .read(bytes: Array(text.utf8))) }
        return result
    }

    private func profile(_ name: String, ensure: Bool = true) throws -> Profile {
        var profile = try #require(Manifest.builtin().profile(named: name))
        profile.values.ensureCrashkernel = ensure
        return profile
    }

    @Test func el6AddsAutoToEntriesLackingIt() throws {
        let plan = try PatchPlanner(templates: .builtin()).plan(facts: facts(["/boot/grub/grub.conf": grubConf], version: DistroVersion(6, 4)),
                                                                profile: try profile("el6-hyperv"))
        let change = try #require(plan.fileChanges.first { $0.path == "/boot/grub/grub.conf" })
        #expect(change.strategy == .lineEdit)
        let text = String(decoding: change.new, as: UTF8.self)
        #expect(text == grubConf.replacingOccurrences(of: "rhgb quiet", with: "rhgb quiet crashkernel=auto"))
    }

    @Test func nothingWhenNotAskedOrAlreadyPresent() throws {
        let planner = PatchPlanner(templates: .builtin())
        let off = try planner.plan(facts: facts(["/boot/grub/grub.conf": grubConf], version: DistroVersion(6, 4)), profile: try profile("el6-hyperv", ensure: false))
        #expect(!off.fileChanges.contains { $0.path == "/boot/grub/grub.conf" })
        let present = grubConf.replacingOccurrences(of: "rhgb quiet", with: "rhgb quiet crashkernel=auto")
        let done = try planner.plan(facts: facts(["/boot/grub/grub.conf": present], version: DistroVersion(6, 4)), profile: try profile("el6-hyperv"))
        #expect(!done.fileChanges.contains { $0.path == "/boot/grub/grub.conf" })
    }

    @Test func el7EditsDefaultGrubAndGrubCfgTogether() throws {
        let defaults = "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX=\"console=tty1 rootdelay=300\"\nGRUB_DISABLE_RECOVERY=\"true\"\n"
        let cfg = "menuentry 'CentOS Linux (3.10.0-1160.el7.x86_64) 7 (Core)' {\n\tlinux16 /vmlinuz-3.10.0-1160.el7.x86_64 root=UUID=x ro console=tty1\n\tinitrd16 /initramfs-3.10.0-1160.el7.x86_64.img\n}\n"
        var el7 = try profile("el7-azure")
        el7.values.crashkernel = "256M"
        let plan = try PatchPlanner(templates: .builtin()).plan(facts: facts(["/etc/default/grub": defaults, "/boot/grub2/grub.cfg": cfg], version: DistroVersion(7, 9)), profile: el7)
        let newDefaults = String(decoding: try #require(plan.fileChanges.first { $0.path == "/etc/default/grub" }).new, as: UTF8.self)
        #expect(newDefaults == defaults.replacingOccurrences(of: "rootdelay=300\"", with: "rootdelay=300 crashkernel=256M\""))
        let newCfg = String(decoding: try #require(plan.fileChanges.first { $0.path == "/boot/grub2/grub.cfg" }).new, as: UTF8.self)
        #expect(newCfg.contains("ro console=tty1 crashkernel=256M\n\tinitrd16"))
    }

    @Test func manifestRequiresAValueToEnsure() throws {
        let error = #expect(throws: ManifestErrors.self) {
            try Manifest.parse("version: 1\nprofiles:\n  - {name: p, family: el6, match: {distro: centos, versions: \"6\"}, values: {ensure_crashkernel: true}}\n", file: "m.yaml")
        }
        #expect(error?.description == "m.yaml:3: profiles[0].values.ensure_crashkernel: needs crashkernel: the value to add (or any, meaning auto)")
    }
}
