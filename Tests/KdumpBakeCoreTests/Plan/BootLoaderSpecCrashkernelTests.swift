@testable import KdumpBakeCore
import TestImages
import Testing

/// `ensure_crashkernel` on RHEL 8/9/10: BLS entries, grubenv's kernelopts, /etc/kernel/cmdline and
/// /etc/default/grub (reference L77–87, L143–146), as line edits that keep every other byte.
@Suite struct BootLoaderSpecCrashkernelTests {
    static let el9Kernel = "5.14.0-362.8.1.el9_3.x86_64"
    static let el9Old = "5.14.0-284.11.1.el9_2.x86_64"
    static let machineID = "0123456789abcdef0123456789abcdef"
    static let rhel9Default = "1G-4G:192M,4G-64G:256M,64G-:512M"

    static func entry(_ kernel: String, options: String) -> String {
        """
        title Red Hat Enterprise Linux (\(kernel)) 9.3 (Plow)
        version \(kernel)
        linux /vmlinuz-\(kernel)
        initrd /initramfs-\(kernel).img $tuned_initrd
        options \(options)
        grub_users $grub_users
        grub_arg --unrestricted
        grub_class rhel

        """
    }

    /// A RHEL 9.3 guest: literal options lines, /etc/kernel/cmdline, grubenv without kernelopts.
    static func el9(options: String = "root=UUID=abc ro console=ttyS0 rootdelay=300", version: DistroVersion = DistroVersion(9, 3),
                    kernelCmdline: String? = "root=UUID=abc ro console=ttyS0 rootdelay=300\n") -> FactsBuilder {
        var builder = FactsBuilder(distro: "rhel", version: version)
            .file("/etc/kdump.conf", "path /var/crash\n")
            .file("/etc/default/grub", Fixture.defaultGrub(cmdline: "console=ttyS0 rootdelay=300"))
            .file("/boot/loader/entries/\(machineID)-\(el9Kernel).conf", entry(el9Kernel, options: options))
            .file("/boot/loader/entries/\(machineID)-\(el9Old).conf", entry(el9Old, options: options))
            .file("/boot/grub2/grubenv", GuestTexts.grubenv(["saved_entry=\(machineID)-\(el9Kernel)", "boot_success=0"]))
            .kernels(el9Old, el9Kernel)
            .mkdumprd("/usr/sbin/mkdumprd")
        if let kernelCmdline { builder = builder.file("/etc/kernel/cmdline", kernelCmdline) }
        return builder
    }

    /// A RHEL 8 guest: `options $kernelopts`, the parameters in grubenv.
    static func el8(kernelopts: String = "root=/dev/mapper/rhel-root ro console=ttyS0", version: DistroVersion = DistroVersion(8, 9)) -> FactsBuilder {
        FactsBuilder(distro: "rhel", version: version)
            .file("/etc/kdump.conf", "path /var/crash\n")
            .file("/etc/default/grub", Fixture.defaultGrub(cmdline: "console=ttyS0"))
            .file("/boot/loader/entries/\(machineID)-\(Fixture.el8Kernel).conf", Fixture.blsEntry())
            .file("/boot/grub2/grubenv", GuestTexts.grubenv(["saved_entry=\(machineID)-\(Fixture.el8Kernel)", "kernelopts=\(kernelopts)"]))
            .kernels(Fixture.el8Kernel)
            .mkdumprd("/usr/sbin/mkdumprd")
    }

    func plan(_ facts: FactsBuilder, crashkernel: String = "any") throws -> PatchPlan {
        let profile = Profiles.named("el8-azure") { $0.values.crashkernel = crashkernel }
        return try PatchPlanner(templates: .builtin()).plan(facts: facts.build, profile: profile)
    }

    func text(_ plan: PatchPlan, _ path: String) -> String? {
        plan.fileChanges.first { $0.path == path }.map { String(decoding: $0.new, as: UTF8.self) }
    }

    /// The facts after the plan's file changes: what a second run would read.
    func applied(_ plan: PatchPlan, to facts: FactsBuilder) -> FactsBuilder {
        plan.fileChanges.reduce(facts) { $0.file($1.path, String(decoding: $1.new, as: UTF8.self)) }
    }

    @Test("L77, L84–87, L143: RHEL 9 literal options lines, /etc/kernel/cmdline and GRUB_CMDLINE_LINUX get the 9 default")
    func el9EditsEveryCommandLineSource() throws {
        let facts = Self.el9()
        let plan = try plan(facts)
        for kernel in [Self.el9Kernel, Self.el9Old] {
            let path = "/boot/loader/entries/\(Self.machineID)-\(kernel).conf"
            #expect(text(plan, path) == Self.entry(kernel, options: "root=UUID=abc ro console=ttyS0 rootdelay=300 crashkernel=\(Self.rhel9Default)"))
            #expect(plan.fileChanges.first { $0.path == path }?.strategy == .lineEdit)
        }
        #expect(text(plan, "/etc/kernel/cmdline") == "root=UUID=abc ro console=ttyS0 rootdelay=300 crashkernel=\(Self.rhel9Default)\n")
        #expect(text(plan, "/etc/default/grub") == Fixture.defaultGrub(cmdline: "console=ttyS0 rootdelay=300 crashkernel=\(Self.rhel9Default)"))
        #expect(text(plan, "/boot/grub2/grubenv") == nil)
        // The patched guest passes boot.crashkernel, and a second plan edits nothing.
        let patched = applied(plan, to: facts)
        #expect(CrashkernelCheck.run(patched.context("el8-azure")).status == .pass)
        let again = try self.plan(patched)
        #expect(again.fileChanges.filter { $0.strategy == .lineEdit }.isEmpty)
    }

    @Test("L55–61, L71: crashkernel=auto on RHEL 9 is replaced where it is written; RHEL 8 keeps it")
    func autoIsReplacedOnlyOn9() throws {
        let facts = Self.el9(options: "root=UUID=abc ro crashkernel=auto console=ttyS0", kernelCmdline: "root=UUID=abc ro crashkernel=auto\n")
            .file("/etc/default/grub", Fixture.defaultGrub(cmdline: "crashkernel=auto console=ttyS0"))
        let plan = try plan(facts)
        #expect(text(plan, "/boot/loader/entries/\(Self.machineID)-\(Self.el9Kernel).conf")
                == Self.entry(Self.el9Kernel, options: "root=UUID=abc ro crashkernel=\(Self.rhel9Default) console=ttyS0"))
        #expect(text(plan, "/etc/kernel/cmdline") == "root=UUID=abc ro crashkernel=\(Self.rhel9Default)\n")
        #expect(text(plan, "/etc/default/grub") == Fixture.defaultGrub(cmdline: "crashkernel=\(Self.rhel9Default) console=ttyS0"))

        let el8 = try self.plan(Self.el8(kernelopts: "root=/dev/mapper/rhel-root ro crashkernel=auto")
            .file("/etc/default/grub", Fixture.defaultGrub(cmdline: "crashkernel=auto console=ttyS0")))
        #expect(el8.fileChanges.filter { $0.strategy == .lineEdit }.isEmpty)
    }

    @Test("L78–82: RHEL 8 $kernelopts entries: kernelopts in grubenv is edited, the block stays 1024 bytes")
    func el8EditsKerneloptsInGrubenv() throws {
        let facts = Self.el8()
        let plan = try plan(facts)
        let env = try #require(plan.fileChanges.first { $0.path == "/boot/grub2/grubenv" })
        #expect(env.new.count == 1024)
        #expect(env.old?.count == 1024)
        #expect(String(decoding: env.new, as: UTF8.self)
                == GuestTexts.grubenv(["saved_entry=\(Self.machineID)-\(Fixture.el8Kernel)", "kernelopts=root=/dev/mapper/rhel-root ro console=ttyS0 crashkernel=auto"]))
        // The entry itself keeps `options $kernelopts $tuned_params`.
        #expect(text(plan, "/boot/loader/entries/\(Self.machineID)-\(Fixture.el8Kernel).conf") == nil)
        #expect(text(plan, "/etc/default/grub") == Fixture.defaultGrub(cmdline: "console=ttyS0 crashkernel=auto"))
        let patched = applied(plan, to: facts)
        #expect(CrashkernelCheck.run(patched.context("el8-azure")).status == .pass)
        #expect(try self.plan(patched).fileChanges.filter { $0.strategy == .lineEdit }.isEmpty)
    }

    @Test("L81–82: an edit that does not fit grubenv's padding is refused, not truncated")
    func grubenvThatCannotGrowIsRefused() throws {
        let long = "root=/dev/mapper/rhel-root ro " + String(repeating: "x", count: 900)
        let error = #expect(throws: PatchError.self) { try self.plan(Self.el8(kernelopts: long)) }
        #expect(error?.description.hasPrefix("/boot/grub2/grubenv: adding crashkernel= to kernelopts needs 17 more bytes but grubenv's padding has ") == true)
        // No kernelopts at all although the entry uses it.
        let none = Self.el8().file("/boot/grub2/grubenv", GuestTexts.grubenv(["saved_entry=x"]))
        let missing = #expect(throws: PatchError.self) { try self.plan(none) }
        #expect(missing?.description == "/boot/grub2/grubenv: boot entries use $kernelopts but grubenv has no kernelopts= to add crashkernel= to; set crashkernel= in the image")
    }

    @Test("grubenv edits are byte-exact: escapes, other variables and the header stay")
    func grubenvByteExact() throws {
        let block = Array(GuestTexts.grubenv(["saved_entry=a\\\nb", "kernelopts=root=/dev/sda2 ro", "boot_success=1"]).utf8)
        let edited = try #require(try GrubEnvEdit.kernelopts(block, value: "256M", replacing: []))
        #expect(String(decoding: edited, as: UTF8.self)
                == GuestTexts.grubenv(["saved_entry=a\\\nb", "kernelopts=root=/dev/sda2 ro crashkernel=256M", "boot_success=1"]))
        // Already there: nothing to do.
        #expect(try GrubEnvEdit.kernelopts(edited, value: "256M", replacing: []) == nil)
        // A value starting with crashkernel= is seen, not doubled.
        let first = Array(GuestTexts.grubenv(["kernelopts=crashkernel=auto root=/dev/sda2"]).utf8)
        #expect(try GrubEnvEdit.kernelopts(first, value: "256M", replacing: []) == nil)
        let replaced = try #require(try GrubEnvEdit.kernelopts(first, value: "2G-64G:256M,64G-:512M", replacing: ["auto"]))
        #expect(String(decoding: replaced, as: UTF8.self) == GuestTexts.grubenv(["kernelopts=crashkernel=2G-64G:256M,64G-:512M root=/dev/sda2"]))
    }

    @Test("L46–47, L72–76: a custom size gets auto_reset_crashkernel no on 9.3+, never on 8")
    func customSizeKeepsThroughUpdatesOn93() throws {
        let on93 = try #require(text(try plan(Self.el9(), crashkernel: "512M"), "/etc/kdump.conf"))
        #expect(KdumpConf.parse(on93).last("auto_reset_crashkernel")?.arguments == "no")
        let release93 = KexecToolsRelease.resolve(family: .el8, distroVersion: DistroVersion(9, 3), package: nil)
        #expect(release93.configProblems(on93).isEmpty)
        for (facts, name) in [(Self.el9(version: DistroVersion(9, 2)), "9.2"), (Self.el8(), "8.9")] {
            let conf = try #require(text(try plan(facts, crashkernel: "512M"), "/etc/kdump.conf"))
            #expect(!conf.contains("auto_reset_crashkernel"), "\(name)")
        }
        // The default (`any`) needs none.
        let defaults = try #require(text(try plan(Self.el9()), "/etc/kdump.conf"))
        #expect(!defaults.contains("auto_reset_crashkernel"))
        #expect(KdumpConf.parse(defaults).last("force_no_rebuild")?.arguments == "1")
        #expect(KdumpConf.parse(defaults).dracutAddDrivers() == ["hv_vmbus", "hv_storvsc", "hv_netvsc", "nvme"])
    }

    @Test("an /etc/kernel/cmdline-less guest and an empty one are left alone")
    func kernelCmdlineOnlyWhenPresent() throws {
        let plan = try plan(Self.el9(kernelCmdline: nil))
        #expect(!plan.fileChanges.contains { $0.path == "/etc/kernel/cmdline" })
        #expect(CrashkernelEdit.kernelCmdline("\n", value: "1G", replacing: []) == "\n")
        #expect(CrashkernelEdit.kernelCmdline("root=/dev/sda ro\r\n", value: "1G", replacing: []) == "root=/dev/sda ro crashkernel=1G\r\n")
    }

    @Test func kerneloptsReferenceSpellings() {
        #expect(CrashkernelEdit.usesKernelopts("$kernelopts $tuned_params"))
        #expect(CrashkernelEdit.usesKernelopts("root=x ${kernelopts}"))
        #expect(!CrashkernelEdit.usesKernelopts("$kerneloptsx root=x"))
        #expect(!CrashkernelEdit.usesKernelopts("root=x ro"))
    }
}
