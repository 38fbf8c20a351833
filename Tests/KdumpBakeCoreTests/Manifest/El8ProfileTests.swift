import KdumpBakeCore
import Testing

/// The built-in el8 profile covers RHEL 8, 9 and 10 and their rebuilds (reference L13, L28–147).
@Suite struct El8ProfileTests {
    @Test("one profile for 8.x, 9.x and 10.x on every RHEL rebuild; not 11")
    func coversEightNineTen() {
        let manifest = Manifest.builtin()
        for distro in ["rhel", "centos", "almalinux", "rocky", "oraclelinux"] {
            for version in [DistroVersion(8, 0), DistroVersion(8, 10), DistroVersion(9, 0), DistroVersion(9, 6), DistroVersion(10, 0), DistroVersion(10, 1)] {
                #expect(manifest.profile(forDistro: distro, version: version, arch: "x86_64")?.name == "el8-azure", "\(distro) \(version)")
            }
            #expect(manifest.profile(forDistro: distro, version: DistroVersion(11, 0), arch: "x86_64") == nil)
        }
    }

    @Test("L120, L138–142, L355–356: the Azure drivers and nvme, force_no_rebuild, the release's default crashkernel")
    func values() throws {
        let profile = try #require(Manifest.builtin().profile(named: "el8-azure"))
        #expect(profile.values.addDrivers == ["hv_vmbus", "hv_storvsc", "hv_netvsc", "nvme"])
        #expect(profile.values.requiredInitrdModules.contains("nvme"))
        #expect(profile.values.forceNoRebuild)
        #expect(profile.values.crashkernel == "any")
        #expect(profile.values.ensureCrashkernel)
        // L40–42: nothing the el8+ kdumpctl refuses.
        #expect(profile.values.blacklist.isEmpty && profile.values.moduleOptions.isEmpty && profile.values.diskTimeout == nil)
        #expect(profile.values.extraModules.isEmpty)
    }

    @Test func forceNoRebuildIsRefusedForEl6() {
        let text = """
            version: 1
            profiles:
              - name: old
                family: el6
                match: {distro: centos, versions: "6"}
                values: {force_no_rebuild: true}
            """
        let error = #expect(throws: ManifestErrors.self) { try Manifest.parse(text, file: "m.yaml") }
        #expect(error?.description.contains("force_no_rebuild is not a kdump.conf directive on el6") == true)
    }
}
