import Foundation
import KdumpBakeCore
import TestSupport
import Testing

@Suite struct TemplateRendererTests {
    private func profile(_ name: String) throws -> Profile {
        try #require(Manifest.builtin().profile(named: name))
    }

    private func templates(_ files: [String: String]) throws -> TemplateSet {
        let directory = try HostDirectory()
        for (name, text) in files { try text.write(toFile: directory.path + "/" + name, atomically: true, encoding: .utf8) }
        return try TemplateSet.overriding(with: directory.path)
    }

    @Test func rendersTheKBBlockForEl6() throws {
        let text = try TemplateRenderer.render("kdump-el6.conf.mustache", templates: .builtin(),
                                               variables: .forProfile(try profile("el6-hyperv")))
        let directives = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(directives == [
            "path /var/crash",
            "core_collector makedumpfile -c --message-level 1 -d 31",
            "extra_modules ata_piix sr_mod sd_mod",
            "blacklist hv_vmbus hv_storvsc hv_utils hv_netvsc hid-hyperv",
            "options ata_piix prefer_ms_hyperv=0",
            "disk_timeout 100",
        ])
    }

    @Test func el7TemplateHasNoFatalDirectives() throws {
        for (name, family, version) in [("el7-azure", KdumpFamily.el7, DistroVersion(7, 9)), ("el7-legacy-hyperv", .el7, DistroVersion(7, 5)),
                                        ("el8-azure", .el8, DistroVersion(8, 9))] {
            let text = try TemplateRenderer.render("kdump-el7.conf.mustache", templates: .builtin(), variables: .forProfile(try profile(name)))
            let conf = KdumpConf.parse(text)
            let release = KexecToolsRelease.resolve(family: family, distroVersion: version, package: nil)
            #expect(release.configProblems(text).isEmpty, "\(name): \(text)")
            #expect(conf.last("path")?.arguments == "/var/crash")
        }
        let azure = try TemplateRenderer.render("kdump-el7.conf.mustache", templates: .builtin(), variables: .forProfile(try profile("el7-azure")))
        #expect(KdumpConf.parse(azure).dracutAddDrivers() == ["hv_vmbus", "hv_storvsc"])
    }

    @Test func noHTMLEscaping() throws {
        var variables = TemplateVariables.forProfile(try profile("el6-hyperv"))
        variables.scalars["core_collector"] = "makedumpfile -c -d 31 <&\"'>"
        let text = try TemplateRenderer.render("kdump-el6.conf.mustache", templates: .builtin(), variables: variables)
        #expect(text.contains("core_collector makedumpfile -c -d 31 <&\"'>\n"))
    }

    @Test func missingVariableNamesTemplateAndVariable() throws {
        var values = try profile("el6-hyperv")
        values.values.dumpPath = nil
        let error = #expect(throws: TemplateError.self) {
            try TemplateRenderer.render("kdump-el6.conf.mustache", templates: .builtin(), variables: .forProfile(values))
        }
        #expect(error?.description == "<built-in>/kdump-el6.conf.mustache: line 5: variable dump_path has no value for profile el6-hyperv; set it in the profile's values")
    }

    @Test func unknownVariableIsATypo() throws {
        let set = try templates(["kdump-el6.conf.mustache": "path {{dump_pth}}\n"])
        let error = #expect(throws: TemplateError.self) {
            try TemplateRenderer.render("kdump-el6.conf.mustache", templates: set, variables: .forProfile(try profile("el6-hyperv")))
        }
        #expect(error?.description.hasSuffix("kdump-el6.conf.mustache: line 1: unknown variable dump_pth (known: add_drivers, auto_reset_crashkernel, blacklist, boot_parameters, core_collector, disk_timeout, dump_path, extra_modules, force_no_rebuild, kdump_commandline_append, module_options, panic_timeout, profile)") == true)
    }

    @Test func newlineInAValueIsRejected() throws {
        var variables = TemplateVariables.forProfile(try profile("el6-hyperv"))
        variables.scalars["dump_path"] = "/var/crash\nblacklist ata_piix"
        let error = #expect(throws: TemplateError.self) {
            try TemplateRenderer.render("kdump-el6.conf.mustache", templates: .builtin(), variables: variables)
        }
        #expect(error?.message.contains("value of dump_path contains a control character (U+A)") == true)
        var listed = TemplateVariables.forProfile(try profile("el6-hyperv"))
        listed.lists["module_options"] = [["module": "ata_piix", "options": "x=1\rdisk_timeout 0"]]
        #expect(throws: TemplateError.self) {
            try TemplateRenderer.render("kdump-el6.conf.mustache", templates: .builtin(), variables: listed)
        }
    }

    @Test func malformedSectionsAreReported() throws {
        let set = try templates(["sysctl-panic.conf.mustache": "{{#blacklist}}x\n", "sysconfig-kdump.mustache": "{{#blacklist}}{{/extra_modules}}"])
        let variables = TemplateVariables.forProfile(try profile("el6-hyperv"))
        #expect(throws: TemplateError.self) { try TemplateRenderer.render("sysctl-panic.conf.mustache", templates: set, variables: variables) }
        #expect(throws: TemplateError.self) { try TemplateRenderer.render("sysconfig-kdump.mustache", templates: set, variables: variables) }
    }

    @Test func overridesReplaceOnlyTheirFile() throws {
        let set = try templates(["sysctl-panic.conf.mustache": "kernel.panic = {{panic_timeout}} # site\n"])
        #expect(set.origins["sysctl-panic.conf.mustache"]?.hasSuffix("/sysctl-panic.conf.mustache") == true)
        #expect(set.origins["kdump-el6.conf.mustache"] == "<built-in>/kdump-el6.conf.mustache")
        let text = try TemplateRenderer.render("sysctl-panic.conf.mustache", templates: set, variables: .forProfile(try profile("el7-azure")))
        #expect(text == "kernel.panic = 5 # site\n")
    }

    @Test func everyTemplateFileIsEmbedded() throws {
        let directory = URL(fileURLWithPath: Repository.path("Templates"))
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
        #expect(Set(onDisk) == Set(TemplateSet.builtin().sources.keys))
        for name in onDisk {
            #expect(try String(contentsOfFile: directory.appendingPathComponent(name).path, encoding: .utf8) == TemplateSet.builtin().sources[name])
        }
    }
}

@Suite struct PatchPlannerTests {
    private let manifest = Manifest.builtin()

    private func stockEl6(sysctl: String = "kernel.sysrq = 0\nkernel.panic = 0\n") -> GuestFacts {
        GuestFacts(
            os: GuestOS(type: "linux", distro: "centos", version: DistroVersion(6, 4), arch: "x86_64", productName: "", root: "/dev/sda2"),
            files: [
                "/etc/kdump.conf": GuestFile(path: "/etc/kdump.conf", state: .read(bytes: Array("#path /var/crash\n".utf8)), mtime: 100),
                "/etc/sysctl.conf": GuestFile(path: "/etc/sysctl.conf", state: .read(bytes: Array(sysctl.utf8)), mtime: 100),
            ],
            kernels: ["2.6.32-358.el6.x86_64"], mkdumprdPath: "/sbin/mkdumprd")
    }

    @Test func el6PlanWritesAndRebuildsWithArgv() throws {
        let plan = try PatchPlanner(templates: .builtin()).plan(facts: stockEl6(), profile: try #require(manifest.profile(named: "el6-hyperv")))
        #expect(plan.fileChanges.map(\.path) == ["/etc/kdump.conf", "/etc/sysctl.conf"])
        let sysctl = String(decoding: plan.fileChanges[1].new, as: UTF8.self)
        #expect(sysctl.contains("# kdumpbake: superseded by the managed block: kernel.panic = 0"))
        #expect(sysctl.hasSuffix("kernel.panic = 5\n# END kdumpbake managed block\n"))
        #expect(plan.initrdRebuilds == [InitrdRebuild(kernel: "2.6.32-358.el6.x86_64", initrdPath: "/boot/initrd-2.6.32-358.el6.x86_64kdump.img",
                                                      arguments: ["/sbin/mkdumprd", "-d", "-f", "--allow-missing", "/boot/initrd-2.6.32-358.el6.x86_64kdump.img", "2.6.32-358.el6.x86_64"])])
    }

    @Test func el6RebuildHonoursSysconfig() throws {
        // KDUMP_BOOTDIR moves the initrd, MKDUMPRD_ARGS reach mkdumprd as separate argv words,
        // KDUMP_KERNELVER pins the one kernel the service loads.
        var facts = stockEl6()
        facts.kernels = ["2.6.32-358.el6.x86_64", "2.6.32-431.el6.x86_64"]
        facts.files["/etc/sysconfig/kdump"] = GuestFile(path: "/etc/sysconfig/kdump", state: .read(bytes: Array(
            "KDUMP_BOOTDIR=\"/boot/kdump\"\nMKDUMPRD_ARGS=\"--with 'a b'\"\nKDUMP_KERNELVER=\"2.6.32-431.el6.x86_64\"\n".utf8)))
        let plan = try PatchPlanner(templates: .builtin()).plan(facts: facts, profile: try #require(manifest.profile(named: "el6-hyperv")))
        #expect(plan.initrdRebuilds.map(\.arguments) == [["/sbin/mkdumprd", "-d", "-f", "--allow-missing", "--with", "a b",
                                                          "/boot/kdump/initrd-2.6.32-431.el6.x86_64kdump.img", "2.6.32-431.el6.x86_64"]])
    }

    @Test func planIsIdempotentOnItsOwnResult() throws {
        let profile = try #require(manifest.profile(named: "el6-hyperv"))
        let planner = PatchPlanner(templates: .builtin())
        let first = try planner.plan(facts: stockEl6(), profile: profile)
        var patched = stockEl6()
        for change in first.fileChanges { patched.files[change.path] = GuestFile(path: change.path, state: .read(bytes: change.new), mtime: 200) }
        patched.kdumpInitrds["/boot/initrd-2.6.32-358.el6.x86_64kdump.img"] = KdumpInitrd(
            path: "/boot/initrd-2.6.32-358.el6.x86_64kdump.img", exists: true, mtime: 300, modules: .success(["ata_piix", "sr_mod", "sd_mod"]),
            files: ["init": Array(["ata_piix.ko prefer_ms_hyperv=0", "sr_mod.ko", "sd_mod.ko"]
                .map { "insmod /lib/modules/2.6.32-358.el6.x86_64/\($0)\n" }.joined().utf8)])
        let second = try planner.plan(facts: patched, profile: profile)
        #expect(second.fileChanges.isEmpty)
        #expect(second.initrdRebuilds.isEmpty)
        #expect(second.operations.filter { !$0.changesTheGuest } == [.keepInitrd(kernel: "2.6.32-358.el6.x86_64")])
    }

    @Test func hostileConfigurationIsNotWrittenThrough() throws {
        var facts = stockEl6()
        facts.files["/etc/kdump.conf"] = GuestFile(path: "/etc/kdump.conf", resolvedPath: "/dev/zero", state: .notRegular)
        let error = #expect(throws: PatchError.self) {
            try PatchPlanner(templates: .builtin()).plan(facts: facts, profile: try #require(manifest.profile(named: "el6-hyperv")))
        }
        #expect(error?.description.contains("not a regular file") == true)
    }

    @Test func legacyEl7MergesTheCommandLine() throws {
        var facts = stockEl6()
        facts.os.version = DistroVersion(7, 9)
        facts.files["/etc/sysconfig/kdump"] = GuestFile(path: "/etc/sysconfig/kdump", state: .read(bytes: Array(
            "KDUMP_COMMANDLINE_APPEND=\"irqpoll nr_cpus=1 rd.driver.blacklist=floppy\"\n".utf8)))
        let plan = try PatchPlanner(templates: .builtin()).plan(facts: facts, profile: try #require(manifest.profile(named: "el7-legacy-hyperv")))
        let sysconfig = try #require(plan.fileChanges.first { $0.path == "/etc/sysconfig/kdump" })
        let text = String(decoding: sysconfig.new, as: UTF8.self)
        #expect(text.contains("KDUMP_COMMANDLINE_APPEND=\"irqpoll nr_cpus=1 ata_piix.prefer_ms_hyperv=0 rd.driver.blacklist=floppy,hv_vmbus,hv_storvsc,hv_utils,hv_netvsc,hid-hyperv,hyperv_fb\""))
        #expect(text.contains("# kdumpbake: superseded by the managed block: KDUMP_COMMANDLINE_APPEND=\"irqpoll"))
        #expect(plan.fileChanges.contains { $0.path == "/etc/sysctl.d/99-zz-kdumpbake.conf" && $0.old == nil })
        #expect(plan.initrdRebuilds.first?.arguments == ["/sbin/mkdumprd", "-f", "/boot/initramfs-2.6.32-358.el6.x86_64kdump.img", "2.6.32-358.el6.x86_64"])
    }
}

@Suite struct FileStrategyTests {
    @Test func unknownStrategyIsAnError() throws {
        let error = #expect(throws: ManifestErrors.self) { try Manifest.parse("""
            version: 1
            profiles:
              - name: p
                family: el6
                match: {distro: centos, versions: "6"}
                files: {kdump_conf: managed-block, sysctl: replace}
              - name: q
                family: el6
                match: {distro: centos, versions: "6"}
                files: {kdump_conf: rewrite}
            """, file: "m.yaml") }
        #expect(error?.description == "m.yaml:10: profiles[1].files.kdump_conf: \"rewrite\" is not one of replace, managed-block")
    }

    @Test func validStrategiesParseAndDefault() throws {
        let manifest = try Manifest.parse("""
            version: 1
            profiles:
              - {name: p, family: el6, match: {distro: centos, versions: "6"}, files: {kdump_conf: managed-block, sysctl: replace}}
              - {name: q, family: el6, match: {distro: centos, versions: "6"}}
            """, file: "m.yaml")
        #expect(manifest.profiles[0].files == FileStrategies(kdumpConf: .managedBlock, sysctl: .replace))
        #expect(manifest.profiles[1].files == FileStrategies(kdumpConf: .replace, sysctl: .managedBlock))
    }

    @Test func managedBlockKdumpConfKeepsTheSiteDumpTarget() throws {
        var profile = try #require(Manifest.builtin().profile(named: "el6-hyperv"))
        profile.files.kdumpConf = .managedBlock
        let original = "# site settings\next4 UUID=1234\npath /srv/crash\nkdump_post /usr/local/bin/notify\n"
        let facts = GuestFacts(
            os: GuestOS(type: "linux", distro: "centos", version: DistroVersion(6, 4), arch: "x86_64", productName: "", root: ""),
            files: ["/etc/kdump.conf": GuestFile(path: "/etc/kdump.conf", state: .read(bytes: Array(original.utf8)))],
            kernels: [], mkdumprdPath: "/sbin/mkdumprd")
        let plan = try PatchPlanner(templates: .builtin()).plan(facts: facts, profile: profile)
        let change = try #require(plan.fileChanges.first { $0.path == "/etc/kdump.conf" })
        #expect(change.strategy == .managedBlock)
        let text = String(decoding: change.new, as: UTF8.self)
        #expect(text.hasPrefix("# site settings\next4 UUID=1234\n# kdumpbake: superseded by the managed block: path /srv/crash\nkdump_post /usr/local/bin/notify\n"))
        let conf = KdumpConf.parse(text)
        #expect(conf.last("path")?.arguments == "/var/crash")
        #expect(conf.last("ext4")?.arguments == "UUID=1234")
        #expect(conf.words(of: "blacklist") == ["hv_vmbus", "hv_storvsc", "hv_utils", "hv_netvsc", "hid-hyperv"])
        // Applying the plan's result again changes nothing.
        var patched = facts
        patched.files["/etc/kdump.conf"] = GuestFile(path: "/etc/kdump.conf", state: .read(bytes: change.new))
        #expect(try PatchPlanner(templates: .builtin()).plan(facts: patched, profile: profile).fileChanges.filter { $0.path == "/etc/kdump.conf" }.isEmpty)
    }
}
