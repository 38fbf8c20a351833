import KdumpBakeCore
import Testing

private let minimal = """
    version: 1
    images: [golden/centos-6.4.vhd, "golden/el7-*.vhd"]
    unmatched: skip
    profiles:
      - name: el6-hyperv
        family: el6
        match: {distro: [centos, rhel], versions: ">=6.3, <7"}
        values: {panic_timeout: 5, dump_path: /var/crash, disk_timeout: 100,
                 blacklist: [hv_vmbus, hv_storvsc, hid-hyperv],
                 extra_modules: [ata_piix, sr_mod, sd_mod],
                 module_options: {ata_piix: prefer_ms_hyperv=0}}
        initrd: invalidate
        kernels: default
    """

/// Parses `text` and returns the single error line, or the joined lines when several.
private func errors(_ text: String) -> [String] {
    do {
        _ = try Manifest.parse(text, file: "manifest.yaml")
        return []
    } catch let error as ManifestErrors {
        return error.errors.map(\.description)
    } catch {
        return ["unexpected \(error)"]
    }
}

/// A manifest with one profile whose lines are replaced by `profile`.
private func withProfile(_ profile: String) -> String {
    "version: 1\nprofiles:\n" + profile
}

@Suite struct ManifestParsingTests {
    @Test func readsEveryField() throws {
        let manifest = try Manifest.parse(minimal, file: "manifest.yaml")
        #expect(manifest.images == ["golden/centos-6.4.vhd", "golden/el7-*.vhd"])
        #expect(manifest.unmatched == .skip)
        let profile = try #require(manifest.profiles.first)
        #expect(profile.name == "el6-hyperv")
        #expect(profile.family == .el6)
        #expect(profile.match.distros == ["centos", "rhel"])
        #expect(profile.values.panicTimeout == 5)
        #expect(profile.values.blacklist == ["hv_vmbus", "hv_storvsc", "hid-hyperv"])
        #expect(profile.values.extraModules == ["ata_piix", "sr_mod", "sd_mod"])
        #expect(profile.values.moduleOptions == ["ata_piix": "prefer_ms_hyperv=0"])
        #expect(profile.values.diskTimeout == 100)
        #expect(profile.initrd == .invalidate)
        #expect(profile.kernels == .default)
        #expect(manifest.profile(forDistro: "centos", version: DistroVersion(6, 4), arch: "x86_64")?.name == "el6-hyperv")
        #expect(manifest.profile(forDistro: "centos", version: DistroVersion(6, 2), arch: "x86_64") == nil)
        #expect(manifest.profile(forDistro: "ubuntu", version: DistroVersion(6, 4), arch: "x86_64") == nil)
    }

    @Test func defaultsWhenOptionalKeysAreAbsent() throws {
        let manifest = try Manifest.parse(withProfile("""
              - name: p
                family: el7
                match: {distro: centos, versions: "7"}
            """), file: "m.yaml")
        #expect(manifest.unmatched == .fail)
        #expect(manifest.images == [])
        #expect(manifest.profiles[0].initrd == .rebuild)
        #expect(manifest.profiles[0].kernels == .all)
        #expect(manifest.profiles[0].match.distros == ["centos"])
        #expect(!manifest.profiles[0].optIn)
    }

    @Test func builtinManifestIsValidAndCoversTheFamilies() throws {
        let manifest = Manifest.builtin()
        #expect(manifest.profile(forDistro: "centos", version: DistroVersion(6, 4), arch: "x86_64")?.name == "el6-hyperv")
        #expect(manifest.profile(forDistro: "centos", version: DistroVersion(6, 2), arch: "x86_64")?.name == "el6-pre63-hyperv")
        #expect(manifest.profile(forDistro: "centos", version: DistroVersion(7, 9), arch: "x86_64")?.name == "el7-azure")
        #expect(manifest.profile(forDistro: "rocky", version: DistroVersion(9, 3), arch: "x86_64")?.name == "el8-azure")
        #expect(manifest.profile(named: "el7-legacy-hyperv")?.optIn == true)
        // The KB block, with the HID driver spelled as its file is named.
        let el6 = try #require(manifest.profile(named: "el6-hyperv"))
        #expect(el6.values.blacklist.contains("hid-hyperv"))
        #expect(!el6.values.blacklist.contains("hid_hyperv"))
        // No el7+ profile carries a directive that is fatal there.
        for profile in manifest.profiles where profile.family != .el6 {
            #expect(profile.values.diskTimeout == nil, "\(profile.name)")
        }
        #expect(manifest.profiles.allSatisfy { $0.initrd == .rebuild })
    }
}

@Suite struct ManifestValidationTests {
    @Test func versionRangeErrorNamesFileLineAndKey() {
        let text = withProfile("""
              - name: a
                family: el6
                match: {distro: centos, versions: ">=6"}
              - name: b
                family: el6
                match:
                  distro: centos
                  versions: "6.x"
            """)
        #expect(errors(text) == [#"manifest.yaml:10: profiles[1].match.versions: "6.x" is not a version range (examples: ">=6.3, <7", "7", "8.4")"#])
    }

    @Test func missingRequiredKeys() {
        #expect(errors("images: []\n") == ["manifest.yaml:1: version: is required"])
        #expect(errors(withProfile("  - name: p\n")) == [
            "manifest.yaml:3: profiles[0].family: is required",
            "manifest.yaml:3: profiles[0].match: is required",
        ])
    }

    @Test func unknownKeysAreReportedAsTypos() {
        let result = errors(withProfile("""
              - name: p
                family: el6
                match: {distro: centos, versions: "6"}
                valuez: {}
            """))
        #expect(result.count == 1)
        #expect(result[0].hasPrefix("manifest.yaml:6: profiles[0].valuez: unknown key (known keys: description, family"))
    }

    @Test func wrongTypesAndChoices() {
        let result = errors("""
            version: 2
            unmatched: ignore
            profiles:
              - name: p
                family: el5
                match: {distro: [], versions: "7"}
                initrd: rebuilt
                opt_in: maybe
                values: {panic_timeout: soon, blacklist: ["hv vmbus"], dump_path: var/crash, enable_service: 1}
            """)
        #expect(result == [
            "manifest.yaml:1: version: unsupported manifest version 2; this kdumpbake reads version 1",
            "manifest.yaml:2: unmatched: \"ignore\" is not one of fail, skip",
            "manifest.yaml:5: profiles[0].family: \"el5\" is not one of el6, el7, el8, kdump-tools, sles",
            "manifest.yaml:6: profiles[0].match.distro: must name at least one distro",
            "manifest.yaml:7: profiles[0].initrd: \"rebuilt\" is not one of rebuild, invalidate, keep",
            "manifest.yaml:8: profiles[0].opt_in: must be true or false",
            "manifest.yaml:9: profiles[0].values.panic_timeout: must be a whole number",
            "manifest.yaml:9: profiles[0].values.blacklist: \"hv vmbus\" is not a kernel module name",
            "manifest.yaml:9: profiles[0].values.dump_path: \"var/crash\" must be an absolute path without spaces",
            "manifest.yaml:9: profiles[0].values.enable_service: must be true or false",
        ])
    }

    @Test func valueWithNewlineIsRejected() {
        let result = errors(withProfile("""
              - name: p
                family: el6
                match: {distro: centos, versions: "6"}
                values:
                  core_collector: "makedumpfile -c\\nblacklist ata_piix"
            """))
        #expect(result == ["manifest.yaml:7: profiles[0].values.core_collector: contains a control character (U+000A); values are written into configuration files line by line"])
    }

    @Test func fatalDirectiveForFamilyAndZeroPanic() {
        let result = errors(withProfile("""
              - name: p
                family: el7
                match: {distro: centos, versions: "7"}
                values: {disk_timeout: 100, panic_timeout: 0}
            """))
        #expect(result.contains("manifest.yaml:6: profiles[0].values.panic_timeout: 0 means never reboot after a panic; use a positive number of seconds"))
        #expect(result.contains(#"manifest.yaml:6: profiles[0].values: disk_timeout is fatal on el7: kdumpctl refuses to start ("Deprecated kdump config option")"#))
    }

    @Test func duplicateProfileNamesAndBadNames() {
        let result = errors(withProfile("""
              - {name: p, family: el6, match: {distro: centos, versions: "6"}}
              - {name: p, family: el6, match: {distro: centos, versions: "6"}}
              - {name: "bad name", family: el6, match: {distro: centos, versions: "6"}}
            """))
        #expect(result == [
            "manifest.yaml:4: profiles[1]: profile name \"p\" is used twice",
            "manifest.yaml:5: profiles[2].name: \"bad name\" is not a profile name (letters, digits, '-', '_', '.')",
        ])
    }

    @Test func yamlSyntaxAndShapeErrors() {
        #expect(errors("version: 1\nprofiles: [\n").first?.hasPrefix("manifest.yaml:3: not valid YAML") == true)
        #expect(errors("") == ["manifest.yaml: is empty"])
        #expect(errors("- a\n- b\n") == ["manifest.yaml:1: must be a mapping (key: value)"])
        #expect(errors("version: 1\nprofiles: {}\n") == ["manifest.yaml:2: profiles: must be a list"])
        #expect(errors("version: 1\nprofiles: []\n") == ["manifest.yaml:2: profiles: must list at least one profile"])
        #expect(errors("version: 1\nversion: 1\nprofiles: []\n").first?.contains("duplicate keys: version") == true)
    }

    @Test func loadReportsUnreadableFiles() {
        #expect(throws: ManifestErrors.self) { try Manifest.load(path: "/nonexistent/manifest.yaml") }
        do {
            _ = try Manifest.load(path: "/tmp")
        } catch let error as ManifestErrors {
            #expect(error.description == "/tmp: is a directory, not a manifest")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

@Suite struct VersionRangeTests {
    @Test(arguments: [
        (">=6.3, <7", "6.3", true), (">=6.3, <7", "6.2", false), (">=6.3, <7", "6.10", true), (">=6.3, <7", "7.0", false),
        ("7", "7.9", true), ("7", "8.0", false), ("7", "6.10", false), ("6.4", "6.4", true), ("6.4", "6.5", false),
        ("!=7.4", "7.4", false), ("!=7.4", "7.5", true), ("> 6", "6.0", false), ("> 6", "6.1", true), ("<=8.4", "8.4", true),
        ("==9", "9.0", true), ("=9.1", "9.1", true),
    ])
    func contains(range: String, version: String, expected: Bool) throws {
        let parsed = try #require(VersionRange(parsing: range))
        #expect(parsed.contains(try #require(DistroVersion(parsing: version))) == expected)
    }

    @Test(arguments: ["6.x", "", ">=", "6.3,", "~>6", ">=6.3.1", "six", ">=-1", "6..3"])
    func rejects(range: String) {
        #expect(VersionRange(parsing: range) == nil)
    }
}

/// A fleet manifest lists images and uses the built-in profiles, changing a few values by profile
/// name, instead of copying every profile (issue 16, item 5).
@Suite struct FleetManifestTests {
    @Test func withoutProfilesTheBuiltInOnesAreUsed() throws {
        let manifest = try Manifest.parse("version: 1\nimages: [golden/*.vhd]\nunmatched: skip\n", file: "fleet.yaml")
        #expect(manifest.images == ["golden/*.vhd"] && manifest.unmatched == .skip)
        #expect(manifest.profiles == Manifest.builtin().profiles)
        #expect(manifest.source == "fleet.yaml")
    }

    @Test func overridesReplaceOnlyTheKeysGiven() throws {
        let manifest = try Manifest.parse("""
            version: 1
            images: [a.vhd]
            overrides:
              el7-azure: {panic_timeout: 10, dump_path: /mnt/crash}
              debian-azure:
                extra_modules: [hv_vmbus, hv_storvsc, nvme]
            """, file: "fleet.yaml")
        let builtin = Manifest.builtin()
        let el7 = try #require(manifest.profile(named: "el7-azure"))
        var expected = try #require(builtin.profile(named: "el7-azure"))
        expected.values.panicTimeout = 10
        expected.values.dumpPath = "/mnt/crash"
        #expect(el7 == expected, "everything else, add_drivers and crashkernel included, stays built-in")
        #expect(manifest.profile(named: "debian-azure")?.values.extraModules == ["hv_vmbus", "hv_storvsc", "nvme"])
        // Profiles not named are untouched, and their order (which decides matching) too.
        #expect(manifest.profiles.map(\.name) == builtin.profiles.map(\.name))
        #expect(manifest.profile(named: "el6-hyperv") == builtin.profile(named: "el6-hyperv"))
    }

    @Test func overridesAreCheckedAgainstTheProfilesFamily() {
        #expect(errors("""
            version: 1
            overrides:
              el7-azure: {disk_timeout: 100}
              debian-azure: {blacklist: [hv_vmbus]}
              panic-only-el7: {extra_modules: [ata_piix]}
              el6-hyperv: {panic_timeout: 0}
              no-such-profile: {panic_timeout: 5}
            """) == [
            #"manifest.yaml:3: overrides.el7-azure: disk_timeout is fatal on el7: kdumpctl refuses to start ("Deprecated kdump config option")"#,
            "manifest.yaml:4: overrides.debian-azure: blacklist has no effect on kdump-tools (a kdump.conf value); name drivers with extra_modules",
            "manifest.yaml:5: overrides.panic-only-el7: profile panic-only-el7 is kdump: disabled, and disabled contradicts values.extra_modules: a panic-only profile leaves kdump alone",
            "manifest.yaml:6: overrides.el6-hyperv.panic_timeout: 0 means never reboot after a panic; use a positive number of seconds",
            "manifest.yaml:7: overrides.no-such-profile: unknown key (known keys: \(Manifest.builtin().profiles.map(\.name).sorted().joined(separator: ", ")))",
        ])
    }

    @Test func overridesNeedTheBuiltInProfiles() {
        #expect(errors(withProfile("""
              - name: p
                family: el6
                match: {distro: centos, versions: "6"}
            overrides: {el6-hyperv: {panic_timeout: 10}}
            """)) == ["manifest.yaml:6: overrides: changes the built-in profiles, and this manifest lists its own: set the values in its profiles instead"])
    }
}
