import Testing
@testable import KdumpBakeCore

/// Panic-only profiles (`kdump: disabled`): kernel.panic and panic= written, kdump untouched, and
/// an audit that explains instead of failing the kdump checks.
@Suite struct PanicOnlyTests {
    private let planner = PatchPlanner(templates: .builtin())

    private func findings(_ builder: FactsBuilder, _ profile: String) -> [CheckID: Finding] {
        Dictionary(uniqueKeysWithValues: GuestChecks.run(builder.context(profile)).map { ($0.check, $0) })
    }

    private func changedPaths(_ plan: PatchPlan) -> [String] { plan.fileChanges.map(\.path) }

    @Test func el7WritesOnlyPanicSettings() throws {
        let builder = FactsBuilder.el7()
            .file(GuestPaths.defaultGrub, Fixture.defaultGrub(cmdline: "console=tty1 rootdelay=300"))
            .file(GuestPaths.grub2Config, Fixture.grubCfg(arguments: "ro console=tty1"))
            .kernels(Fixture.el7Kernel)
        let before = findings(builder, "panic-only-el7")
        #expect(before[.sysctlKernelPanic]?.status == .fail)
        for check in [CheckID.kdumpInstalled, .kdumpConfig, .kdumpInitrd, .kdumpInitrdModules, .bootCrashkernel] {
            #expect(before[check]?.status == .skip)
            #expect(before[check]?.message.contains("STIG service_kdump_disabled") == true)
        }
        #expect(before[.kdumpEnabled]?.status == .pass)
        let plan = try planner.plan(facts: builder.build, profile: Profiles.named("panic-only-el7"))
        #expect(Set(changedPaths(plan)) == [PatchPlanner.sysctlDropIn, GuestPaths.defaultGrub, GuestPaths.grub2Config])
        #expect(plan.initrdRebuilds.isEmpty && !plan.operations.contains { if case .linkService = $0 { return true }; return false })
        let grub = String(decoding: plan.fileChanges.first { $0.path == GuestPaths.grub2Config }!.new, as: UTF8.self)
        #expect(grub.contains("ro console=tty1 panic=10"))
        #expect(!grub.contains("crashkernel"))
        // Applied, the audit passes and a second plan is empty.
        var after = builder
        for change in plan.fileChanges { after = after.file(change.path, String(decoding: change.new, as: UTF8.self)) }
        #expect(findings(after, "panic-only-el7").values.allSatisfy { $0.status != .fail })
        #expect(try planner.plan(facts: after.build, profile: Profiles.named("panic-only-el7")).operations.isEmpty)
    }

    @Test func anEnabledKdumpIsReportedNotChanged() {
        let enabled = FactsBuilder.el7().serviceLinks(GuestPaths.kdumpWantsLink).kernels(Fixture.el7Kernel)
        let finding = findings(enabled, "panic-only-el7")[.kdumpEnabled]
        #expect(finding?.status == .warn)
        #expect(finding?.message.contains("kdump is enabled") == true)
    }

    @Test func debianAndSlesUseTheirOwnBootFiles() throws {
        let debian = try planner.plan(facts: DebianTexts.freshInstall().build, profile: Profiles.named("panic-only-debian"))
        #expect(Set(changedPaths(debian)) == [PatchPlanner.sysctlDropIn, KdumpToolsPaths.grubConfig, PatchPlanner.grubDropIn])
        #expect(debian.initrdRebuilds.isEmpty)
        let sles = try planner.plan(facts: SlesTexts.guest().build, profile: Profiles.named("panic-only-sles"))
        #expect(Set(changedPaths(sles)) == [PatchPlanner.sysctlDropIn, GuestPaths.grub2Config, GuestPaths.defaultGrub])
        #expect(String(decoding: sles.fileChanges.first { $0.path == GuestPaths.grub2Config }!.new, as: UTF8.self).contains("quiet panic=10\n"))
    }

    @Test func profilesAreOptInAndValidated() throws {
        let manifest = Manifest.builtin()
        #expect(manifest.profile(forDistro: "rhel", version: DistroVersion(9, 3), arch: "x86_64")?.name == "el8-azure")
        #expect(manifest.profile(named: "panic-only-el8")?.kdump == .disabled)
        let text = """
            version: 1
            profiles:
              - name: p
                family: el7
                kdump: disabled
                match: {distro: [centos], versions: ">=7"}
                values: {enable_service: true}
            """
        do {
            _ = try Manifest.parse(text, file: "m.yaml")
            Issue.record("a contradicting panic-only profile was accepted")
        } catch {
            #expect("\(error)".contains("disabled needs values.panic_timeout"))
            #expect("\(error)".contains("disabled contradicts values.enable_service"))
        }
    }
}
