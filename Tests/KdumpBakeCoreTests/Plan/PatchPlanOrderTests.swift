import Foundation
import Testing
@testable import KdumpBakeCore

/// The plan's operations in the order they run, and the report lines and diff walked from them.
/// The expected texts were captured from the planner before the plan became one list of
/// operations: reports compare exact output, so these must never drift.
@Suite struct PatchPlanOrderTests {
    private let planner = PatchPlanner(templates: .builtin())

    /// Everything wrong on an el6 guest: every file, both runlevel links, grub.conf's
    /// crashkernel=, an initrd for each of two kernels (one with a hostile name).
    private func everythingEl6() throws -> PatchPlan {
        let facts = Fixture.el6
            .file("/etc/sysctl.conf", "kernel.sysrq = 0\nkernel.panic = 0\n")
            .file("/etc/kdump.conf", "#path /var/crash\n")
            .file("/boot/grub/grub.conf", Fixture.grubConf([(Fixture.el6Kernel, "rhgb quiet")]))
            .kernels(Fixture.el6Kernel, "2.6.32-431.el6.x86_64 x'y")
            .withoutInitrds()
            .serviceLinks()
            .build
        return try planner.plan(facts: facts, profile: Profiles.named("el6-hyperv") { $0.values.ensureCrashkernel = true })
    }

    /// An el7 guest with kdump disabled, no crashkernel= and a profile that invalidates initrds.
    private func invalidatingEl7() throws -> PatchPlan {
        let facts = Fixture.el7
            .without("/etc/sysctl.d/90-panic.conf")
            .file("/etc/default/grub", Fixture.defaultGrub(cmdline: "console=ttyS0"))
            .file("/boot/grub2/grub.cfg", Fixture.grubCfg(arguments: "console=ttyS0"))
            .kernels(Fixture.el7Kernel, "3.10.0-1062.el7.x86_64")
            .initrd("/boot/initramfs-3.10.0-1062.el7.x86_64kdump.img", modules: ["hv_vmbus"])
            .serviceLinks()
            .build
        return try planner.plan(facts: facts, profile: Profiles.named("el7-azure") {
            $0.values.ensureCrashkernel = true
            $0.values.crashkernel = "256M"
            $0.initrd = .invalidate
        })
    }

    @Test func el6RunsWritesThenLinksThenRebuilds() throws {
        let plan = try everythingEl6()
        #expect(plan.descriptions == [
            "write /etc/kdump.conf (replace)",
            "write /etc/sysctl.conf (managed-block)",
            "write /boot/grub/grub.conf (line-edit)",
            "link /etc/rc.d/rc3.d/S26kdump -> ../init.d/kdump",
            "link /etc/rc.d/rc5.d/S26kdump -> ../init.d/kdump",
            "run /sbin/mkdumprd -d -f --allow-missing /boot/initrd-2.6.32-358.el6.x86_64kdump.img 2.6.32-358.el6.x86_64",
            "run /sbin/mkdumprd -d -f --allow-missing '/boot/initrd-2.6.32-431.el6.x86_64 x'\\''ykdump.img' '2.6.32-431.el6.x86_64 x'\\''y'",
        ])
        #expect(diffHeaders(plan.diff) == [
            "--- a/etc/kdump.conf", "+++ b/etc/kdump.conf", "@@ -1 +1,15 @@",
            "--- a/etc/sysctl.conf", "+++ b/etc/sysctl.conf", "@@ -1,2 +1,6 @@",
            "--- a/boot/grub/grub.conf", "+++ b/boot/grub/grub.conf", "@@ -3,5 +3,5 @@",
        ])
        #expect(plan.diff.contains("""
            -        kernel /vmlinuz-2.6.32-358.el6.x86_64 ro root=UUID=1234 rd_NO_LUKS rhgb quiet
            +        kernel /vmlinuz-2.6.32-358.el6.x86_64 ro root=UUID=1234 rd_NO_LUKS rhgb quiet crashkernel=auto
            """))
    }

    /// The steps the applier shows as each operation starts, in the same order (SignalTests
    /// waits for `rebuilding kdump initrd`).
    @Test func progressStepsFollowTheOperations() throws {
        #expect(try everythingEl6().operations.compactMap(\.progressStep) == [
            "writing /etc/kdump.conf (replace)",
            "writing /etc/sysctl.conf (managed-block)",
            "writing /boot/grub/grub.conf (line-edit)",
            "enabling kdump at boot: /etc/rc.d/rc3.d/S26kdump -> ../init.d/kdump",
            "enabling kdump at boot: /etc/rc.d/rc5.d/S26kdump -> ../init.d/kdump",
            "rebuilding kdump initrd for 2.6.32-358.el6.x86_64",
            "rebuilding kdump initrd for 2.6.32-431.el6.x86_64 x'y",
        ])
        #expect(try invalidatingEl7().operations.compactMap(\.progressStep).suffix(3) == [
            "enabling kdump at boot: /etc/systemd/system/multi-user.target.wants/kdump.service -> /usr/lib/systemd/system/kdump.service",
            "removing /boot/initramfs-3.10.0-1160.el7.x86_64kdump.img: the kdump service rebuilds it at first boot",
            "removing /boot/initramfs-3.10.0-1062.el7.x86_64kdump.img: the kdump service rebuilds it at first boot",
        ])
    }

    @Test func el7RunsWritesThenTheLinkThenRemovals() throws {
        let plan = try invalidatingEl7()
        #expect(plan.descriptions == [
            "write /etc/kdump.conf (replace)",
            "write /etc/sysctl.d/99-zz-kdumpbake.conf (replace, new file)",
            "write /etc/default/grub (line-edit)",
            "write /boot/grub2/grub.cfg (line-edit)",
            "link /etc/systemd/system/multi-user.target.wants/kdump.service -> /usr/lib/systemd/system/kdump.service",
            "remove /boot/initramfs-3.10.0-1160.el7.x86_64kdump.img (rebuilt by the kdump service at first boot)",
            "remove /boot/initramfs-3.10.0-1062.el7.x86_64kdump.img (rebuilt by the kdump service at first boot)",
        ])
        #expect(diffHeaders(plan.diff) == [
            "--- a/etc/kdump.conf", "+++ b/etc/kdump.conf", "@@ -1,3 +1,7 @@",
            "--- a/etc/sysctl.d/99-zz-kdumpbake.conf", "+++ b/etc/sysctl.d/99-zz-kdumpbake.conf", "@@ -0,0 +1,2 @@",
            "--- a/etc/default/grub", "+++ b/etc/default/grub", "@@ -1,5 +1,5 @@",
            "--- a/boot/grub2/grub.cfg", "+++ b/boot/grub2/grub.cfg", "@@ -16,11 +16,11 @@",
        ])
        #expect(plan.diff.contains("-GRUB_CMDLINE_LINUX=\"console=ttyS0\"\n+GRUB_CMDLINE_LINUX=\"console=ttyS0 crashkernel=256M\"\n"))
    }

    @Test func verifiedInitrdIsKeptAndSaysSo() throws {
        // Fixture.el6 with the files exactly as kdumpbake writes them: only the initrd is left.
        var facts = Fixture.el6.build
        for change in try planner.plan(facts: facts, profile: Profiles.named("el6-hyperv")).fileChanges {
            facts.files[change.path] = GuestFile(path: change.path, state: .read(bytes: change.new), mtime: 1_000)
        }
        let plan = try planner.plan(facts: facts, profile: Profiles.named("el6-hyperv"))
        #expect(plan.operations == [.keepInitrd(kernel: Fixture.el6Kernel)])
        #expect(plan.descriptions == ["keep the kdump initrd of 2.6.32-358.el6.x86_64 (verified, newer than its inputs)"])
        #expect(plan.diff == "")
        #expect(plan.operations.compactMap(\.progressStep).isEmpty)
        #expect(plan.isEmpty)
    }

    /// The file and hunk header lines of a unified diff: which files, in which order.
    private func diffHeaders(_ diff: String) -> [String] {
        diff.split(separator: "\n").map(String.init).filter { $0.hasPrefix("--- ") || $0.hasPrefix("+++ ") || $0.hasPrefix("@@ ") }
    }
}
