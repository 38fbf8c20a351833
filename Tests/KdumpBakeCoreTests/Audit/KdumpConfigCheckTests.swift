import Foundation
@testable import KdumpBakeCore
import Testing

extension Checks {
    @Suite("kdump.installed")
    struct KdumpInstalledCheckTests {
        @Test func present() {
            let finding = KdumpInstalledCheck.run(Fixture.el6.context("el6-hyperv"))
            #expect(finding.check.rawValue == "kdump.installed")
            #expect(finding.status == .pass)
            #expect(finding.message == "kexec-tools present (/sbin/mkdumprd, /etc/kdump.conf)")
            #expect(finding.path == "/sbin/mkdumprd")
        }

        @Test func noMkdumprd() {
            let finding = KdumpInstalledCheck.run(Fixture.el7.mkdumprd(nil).context("el7-azure"))
            #expect(finding.status == .fail)
            #expect(finding.message.contains("no mkdumprd in /sbin/mkdumprd or /usr/sbin/mkdumprd"))
            #expect(finding.message.contains("kexec-tools is not installed"))
            #expect(!finding.message.contains("kdump.conf"))
        }

        @Test func kdumpConfMissing() {
            let absent = KdumpInstalledCheck.run(Fixture.el6.without("/etc/kdump.conf").context("el6-hyperv"))
            #expect(absent.status == .fail)
            #expect(absent.message == "/etc/kdump.conf is missing")

            let recordedMissing = KdumpInstalledCheck.run(Fixture.el6.file("/etc/kdump.conf", state: .missing).context("el6-hyperv"))
            #expect(recordedMissing.status == .fail)
            #expect(recordedMissing.message == "/etc/kdump.conf is missing")
        }

        @Test func bothMissingListsBoth() {
            let finding = KdumpInstalledCheck.run(Fixture.el6.mkdumprd(nil).without("/etc/kdump.conf").context("el6-hyperv"))
            #expect(finding.status == .fail)
            #expect(finding.message.contains("kexec-tools is not installed; /etc/kdump.conf is missing"))
        }

        @Test func kdumpConfNotARegularFile() {
            let finding = KdumpInstalledCheck.run(Fixture.el6.file("/etc/kdump.conf", state: .notRegular, resolvedPath: "/dev/zero").context("el6-hyperv"))
            #expect(finding.status == .fail)
            #expect(finding.message == "/etc/kdump.conf is not a regular file (it resolves to /dev/zero)")
        }
    }

    @Suite("kdump.config el6")
    struct KdumpConfigEl6Tests {
        func run(_ conf: String, profile: String = "el6-hyperv", facts: FactsBuilder = Fixture.el6) -> Finding {
            KdumpConfigCheck.run(facts.file("/etc/kdump.conf", conf).context(profile))
        }

        @Test func knowledgeBaseBlockPasses() {
            let finding = run(Fixture.el6KdumpConf)
            #expect(finding.check.rawValue == "kdump.config")
            #expect(finding.status == .pass)
            #expect(finding.message == "/etc/kdump.conf matches profile el6-hyperv")
            #expect(finding.path == "/etc/kdump.conf")
            #expect(finding.rules?.hasPrefix("kexec-tools ≈2.0.0-258") == true)
            #expect(finding.expected?.contains("disk_timeout 100") == true)
        }

        @Test func trailingCommentsDependOnTheRelease() {
            let text = """
                path /var/crash   # where dumps go
                core_collector makedumpfile   -c --message-level 1 -d 31
                extra_modules ata_piix
                extra_modules sr_mod sd_mod
                blacklist hv_vmbus hv_storvsc
                blacklist hv_utils hv_netvsc hid-hyperv
                options ata_piix prefer_ms_hyperv=0
                disk_timeout 100
                """
            // 6.4 (kexec-tools -258) keeps the comment in the value; from -269 (≈6.5) it is cut at the last '#'.
            let el64 = run(text)
            #expect(el64.status == .fail)
            #expect(el64.message.contains("line 1: kexec-tools before 2.0.0-269 (≈6.5) does not strip trailing comments: path gets '/var/crash   # where dumps go'"))
            #expect(el64.rules == "kexec-tools ≈2.0.0-258 as shipped with release 6.4 (from the distro version; no kexec-tools record in an rpm database)")
            let el65 = run(text, facts: FactsBuilder(version: DistroVersion(6, 5)).file("/etc/sysconfig/kdump", ""))
            #expect(el65.status == .pass, "\(el65.message)")
            // The installed package beats the distro version.
            var facts = Fixture.el6
            facts = facts.package("2.0.0-273.el6")
            let package = run(text, facts: facts)
            #expect(package.status == .pass)
            #expect(package.rules == "kexec-tools 2.0.0-273 (from the guest's rpm database)")
        }

        @Test func underscoreHidHypervMatchesNoModuleFile() {
            let finding = run(Fixture.el6KdumpConf.replacingOccurrences(of: "hid-hyperv", with: "hid_hyperv"))
            #expect(finding.status == .fail)
            #expect(finding.message == "blacklist has 'hid_hyperv', which matches no module file on el6 (the file is hid-hyperv.ko): write 'hid-hyperv'")
        }

        @Test func missingDirectivesAreListed() {
            let finding = run("""
                path /var/crash
                core_collector makedumpfile -c --message-level 1 -d 31
                blacklist hv_vmbus hv_storvsc hv_utils hv_netvsc hid-hyperv
                """)
            #expect(finding.status == .fail)
            #expect(finding.message.contains("extra_modules lacks ata_piix sr_mod sd_mod"))
            #expect(finding.message.contains("no 'options ata_piix prefer_ms_hyperv=0' directive"))
            #expect(finding.message.contains("no 'disk_timeout 100' directive"))
            #expect(!finding.message.contains("blacklist"))
        }

        @Test func missingBlacklistEntries() {
            let finding = run(Fixture.el6KdumpConf.replacingOccurrences(of: "blacklist hv_vmbus hv_storvsc hv_utils hv_netvsc hid-hyperv", with: "blacklist hv_vmbus"))
            #expect(finding.status == .fail)
            #expect(finding.message == "blacklist lacks hv_storvsc hv_utils hv_netvsc hid-hyperv")
        }

        @Test func wrongPathCollectorAndTimeout() {
            let finding = run(Fixture.el6KdumpConf
                .replacingOccurrences(of: "path /var/crash", with: "path /mnt/crash")
                .replacingOccurrences(of: "-c --message-level 1", with: "-l --message-level 1")
                .replacingOccurrences(of: "disk_timeout 100", with: "disk_timeout 30"))
            #expect(finding.status == .fail)
            #expect(finding.message.contains("line 2: path is /mnt/crash, expected /var/crash"))
            #expect(finding.message.contains("line 3: core_collector is 'makedumpfile -l --message-level 1 -d 31', expected 'makedumpfile -c --message-level 1 -d 31'"))
            #expect(finding.message.contains("line 7: disk_timeout is 30, expected 100"))
        }

        @Test func unknownDirectiveAbortsMkdumprd() {
            // el6 mkdumprd exits on a directive it does not know, so no kdump initrd is built.
            let finding = run(Fixture.el6KdumpConf + "prefer_ms_hyperv 0\n")
            #expect(finding.status == .fail)
            #expect(finding.message.contains("line 8: mkdumprd stops with \"Unknown parameter  prefer_ms_hyperv\" (exit 1), so no kdump initrd is built"))
        }

        @Test func el6AcceptsItsOwnDirectives() {
            // blacklist/options/disk_timeout are el6 directives, not "deprecated" as on el7.
            let finding = run(Fixture.el6KdumpConf + "default reboot\nforce_rebuild 1\n")
            #expect(finding.status == .pass)
            #expect(!finding.message.contains("fatal"))
        }

        @Test func seedsRunTogetherLine() {
            let finding = run("""
                path /var/crash
                core_collector makedumpfile -c --message-level 1 -d 31
                extra_modules ata_piix sr_mod sd_mod
                blacklist hv_vmbus hv_storvsc hv_utils hv_netvsc hid-hyperv
                options ata_piix prefer_ms_hyperv=0disk_timeout 100
                """)
            #expect(finding.status == .fail)
            #expect(finding.message.contains("no 'options ata_piix prefer_ms_hyperv=0' directive"))
            #expect(finding.message.contains("no 'disk_timeout 100' directive"))
            #expect(finding.actual?.contains("options ata_piix prefer_ms_hyperv=0disk_timeout 100") == true)
        }

        /// The seed's own text, verbatim: each of its traps gets its own message.
        @Test func seedTextEachTrapNamed() {
            let seed = """
                path /var/crash
                core_collector makedumpfile -c --message-level 1 -d 31
                extra_modules ata_piix sr_mod sd_mod
                blacklist hv_vmbus hv_storvsc hv_utils hv_netvsc hid_hyperv
                options ata_piix prefer_ms_hyperv=0disk_timeout 100
                """
            let finding = run(seed)
            #expect(finding.status == .fail)
            let problems = finding.message.components(separatedBy: "; ")
            #expect(problems.contains("line 5: 'prefer_ms_hyperv=0disk_timeout' runs two lines together: 'disk_timeout' starts a directive of its own, put 'disk_timeout 100' on its own line"))
            #expect(problems.contains("blacklist has 'hid_hyperv', which matches no module file on el6 (the file is hid-hyperv.ko): write 'hid-hyperv'"))
            #expect(problems.contains("no 'options ata_piix prefer_ms_hyperv=0' directive"))
            #expect(problems.contains("no 'disk_timeout 100' directive"))
            #expect(problems.count == 4, "\(problems)")
        }

        @Test func optionsLinesMkdumprdNeverReads() {
            let indented = run(Fixture.el6KdumpConf.replacingOccurrences(of: "options ata_piix", with: "  options ata_piix"))
            #expect(indented.status == .fail)
            #expect(indented.message.contains("line 6: this 'options' line is indented; mkdumprd only reads 'options' lines that start at column 0, so it is silently ignored"))
            #expect(indented.message.contains("no 'options ata_piix prefer_ms_hyperv=0' directive"))
            let tab = run(Fixture.el6KdumpConf.replacingOccurrences(of: "options ata_piix ", with: "options\tata_piix "))
            #expect(tab.message.contains("line 6: this 'options' line separates words with a tab; mkdumprd only accepts spaces there, so it is silently ignored"))
            let comment = run(Fixture.el6KdumpConf.replacingOccurrences(of: "prefer_ms_hyperv=0", with: "prefer_ms_hyperv=0 # KB2858695"),
                              facts: FactsBuilder(version: DistroVersion(6, 10)).file("/etc/sysconfig/kdump", ""))
            #expect(comment.message.contains("line 6: mkdumprd never strips comments from 'options' lines: 'ata_piix prefer_ms_hyperv=0 # KB2858695' would be passed to insmod"))
        }

        @Test func directiveSetsPerEl6Release() {
            func problems(_ text: String, _ minor: Int) -> [String] {
                KexecToolsRelease.resolve(family: .el6, distroVersion: DistroVersion(6, minor), package: nil).configProblems(text)
            }
            #expect(problems("nfs server:/export\n", 0) == ["line 1: mkdumprd stops with \"Unknown parameter  nfs\" (exit 1), so no kdump initrd is built"])
            #expect(problems("nfs server:/export\nsshkey /root/.ssh/k\n", 3).isEmpty)
            #expect(problems("force_rebuild 1\n", 0).count == 1)
            #expect(problems("force_rebuild 1\n", 2).isEmpty)
            #expect(problems("fence_kdump_nodes a b\n", 5).count == 1)
            #expect(problems("fence_kdump_nodes a b\n", 6).isEmpty)
            #expect(problems("minix /dev/sdb1\n", 7).isEmpty)
            #expect(problems("minix /dev/sdb1\n", 8).count == 1)
            // Any first word containing ext[234], xfs or btrfs is a filesystem target (unanchored).
            #expect(problems("myext4fs /dev/sdb1\nxfs UUID=x\n", 10).isEmpty)
            // A '#'-first word is a comment even when indented.
            #expect(problems("   # indented comment\n", 4).isEmpty)
        }

        @Test func kdumpConfMissingOrMasked() {
            let missing = KdumpConfigCheck.run(Fixture.el6.without("/etc/kdump.conf").context("el6-hyperv"))
            #expect(missing.status == .fail)
            #expect(missing.message == "/etc/kdump.conf is missing")

            let tooLarge = KdumpConfigCheck.run(Fixture.el6.file("/etc/kdump.conf", state: .tooLarge(size: 5_000_000)).context("el6-hyperv"))
            #expect(tooLarge.status == .fail)
            #expect(tooLarge.message == "/etc/kdump.conf is 5000000 bytes, too large to be a configuration file")
        }

        @Test func pre63NeedsIdeCoreOnTheCaptureCommandLine() {
            let conf = """
                path /var/crash
                core_collector makedumpfile -c --message-level 1 -d 31
                blacklist hv_vmbus hv_storvsc hv_utils hv_netvsc hid-hyperv
                disk_timeout 100
                """
            let good = Fixture.el6.file("/etc/sysconfig/kdump", "KDUMP_COMMANDLINE_APPEND=\"irqpoll maxcpus=1 reset_devices ide_core.prefer_ms_hyperv=0\"\n")
            let pass = run(conf, profile: "el6-pre63-hyperv", facts: good)
            #expect(pass.status == .pass)
            #expect(pass.message == "/etc/kdump.conf matches profile el6-pre63-hyperv")

            let fail = run(conf, profile: "el6-pre63-hyperv")
            #expect(fail.status == .fail)
            #expect(fail.message == "/etc/sysconfig/kdump KDUMP_COMMANDLINE_APPEND lacks ide_core.prefer_ms_hyperv=0")
            // el6 blacklists in kdump.conf, never with rd.driver.blacklist=.
            #expect(!fail.message.contains("rd.driver.blacklist"))

            let noSysconfig = run(conf, profile: "el6-pre63-hyperv", facts: Fixture.el6.without("/etc/sysconfig/kdump"))
            #expect(noSysconfig.status == .fail)
            #expect(noSysconfig.message == "/etc/sysconfig/kdump is missing")
        }

        @Test func el63PlusDoesNotNeedSysconfig() {
            let finding = run(Fixture.el6KdumpConf, facts: Fixture.el6.without("/etc/sysconfig/kdump"))
            #expect(finding.status == .pass)
        }
    }

    @Suite("kdump.config el7/el8")
    struct KdumpConfigEl7Tests {
        func run(_ conf: String, profile: String = "el7-azure", facts: FactsBuilder = Fixture.el7) -> Finding {
            KdumpConfigCheck.run(facts.file("/etc/kdump.conf", conf).context(profile))
        }

        static let legacyConf = """
            path /var/crash
            core_collector makedumpfile -l --message-level 1 -d 31
            dracut_args --add-drivers "ata_piix sr_mod sd_mod"

            """

        static func legacySysconfig(_ append: String) -> FactsBuilder {
            Fixture.el7.file("/etc/sysconfig/kdump", """
                KDUMP_KERNELVER=""
                KDUMP_COMMANDLINE=""
                KDUMP_COMMANDLINE_REMOVE="hugepages hugepagesz slub_debug quiet"
                KDUMP_COMMANDLINE_APPEND="\(append)"
                KEXEC_ARGS=""

                """)
        }

        @Test func correctFilePasses() {
            let finding = run(Fixture.el7AzureKdumpConf)
            #expect(finding.status == .pass)
            #expect(finding.message == "/etc/kdump.conf matches profile el7-azure")
            #expect(finding.expected?.contains("dracut_args --add-drivers \"hv_vmbus hv_storvsc\"") == true)
        }

        @Test func el8CorrectFilePasses() {
            let finding = KdumpConfigCheck.run(Fixture.el8.context("el8-azure"))
            #expect(finding.status == .pass)
            #expect(finding.message == "/etc/kdump.conf matches profile el8-azure")
        }

        @Test func el6BlacklistIsFatalOnEl7() {
            let finding = run(Fixture.el7AzureKdumpConf + "blacklist hv_vmbus\n")
            #expect(finding.status == .fail)
            #expect(finding.message == "line 4: kdumpctl stops with \"Deprecated kdump config option: blacklist. Refer to kdump.conf manpage for alternatives.\" and kdump never arms")
            #expect(finding.rules?.hasPrefix("kexec-tools ≈2.0.15-51 as shipped with release 7.9") == true)
        }

        @Test func wholeEl6BlockOnEl7() {
            let finding = run(Fixture.el6KdumpConf)
            #expect(finding.status == .fail)
            for directive in ["blacklist", "options", "disk_timeout"] {
                #expect(finding.message.contains("\"Deprecated kdump config option: \(directive). Refer to kdump.conf manpage for alternatives.\""))
            }
            #expect(finding.message.contains("dracut_args --add-drivers lacks hv_vmbus hv_storvsc"))
        }

        @Test func fatalOnEl8Too() {
            let finding = KdumpConfigCheck.run(Fixture.el8.file("/etc/kdump.conf", Fixture.el8AzureKdumpConf + "disk_timeout 100\n").context("el8-azure"))
            #expect(finding.status == .fail)
            #expect(finding.message.contains("\"Deprecated kdump config option: disk_timeout. Refer to kdump.conf manpage for alternatives.\""))
        }

        @Test func el8OnlyDirectiveUnknownOnEl7() {
            let finding = run(Fixture.el7AzureKdumpConf + "failure_action reboot\n")
            #expect(finding.status == .fail)
            #expect(finding.message == "line 4: kdumpctl stops with \"Invalid kdump config option failure_action\" and kdump never arms")
        }

        @Test func missingAddDrivers() {
            let finding = run("path /var/crash\ncore_collector makedumpfile -l --message-level 1 -d 31\n")
            #expect(finding.status == .fail)
            #expect(finding.message == "dracut_args --add-drivers lacks hv_vmbus hv_storvsc")
        }

        @Test func addDriversSpellingsAreNormalised() {
            #expect(run("path /var/crash\ncore_collector makedumpfile -l --message-level 1 -d 31\ndracut_args --add-drivers=\"hv-vmbus hv-storvsc\"\n").status == .pass)
            // dracut splits on blanks only: a comma list is one module name that does not exist.
            let commas = run("path /var/crash\ncore_collector makedumpfile -l --message-level 1 -d 31\ndracut_args --add-drivers=hv_vmbus,hv_storvsc\n")
            #expect(commas.status == .fail)
            #expect(commas.message.contains("line 3: dracut splits --add-drivers on blanks only, so 'hv_vmbus,hv_storvsc' asks for one module of that name and mkdumprd fails; write --add-drivers \"hv_vmbus hv_storvsc\""))
            #expect(commas.message.contains("dracut_args --add-drivers lacks hv_vmbus hv_storvsc"))
            let partial = run("path /var/crash\ncore_collector makedumpfile -l --message-level 1 -d 31\ndracut_args --add-drivers hv_vmbus\n")
            #expect(partial.status == .fail)
            #expect(partial.message == "dracut_args --add-drivers lacks hv_storvsc")
        }

        @Test func legacyHostRecipePasses() {
            let facts = Self.legacySysconfig("irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=off ata_piix.prefer_ms_hyperv=0 rd.driver.blacklist=hv_vmbus,hv_storvsc,hv_utils,hv_netvsc,hid-hyperv,hyperv_fb")
            let finding = run(Self.legacyConf, profile: "el7-legacy-hyperv", facts: facts)
            #expect(finding.status == .pass)
            #expect(finding.message == "/etc/kdump.conf matches profile el7-legacy-hyperv")
        }

        @Test func legacyBlacklistDashesAndUnderscoresAreEquivalent() {
            let facts = Self.legacySysconfig("reset_devices ata_piix.prefer_ms_hyperv=0 rd.driver.blacklist=hv-vmbus,hv_storvsc rd.driver.blacklist=hv-utils,hv_netvsc,hid_hyperv,hyperv-fb")
            #expect(run(Self.legacyConf, profile: "el7-legacy-hyperv", facts: facts).status == .pass)
        }

        @Test func legacyNamesWhatLacks() {
            let facts = Self.legacySysconfig("irqpoll reset_devices rd.driver.blacklist=hv_vmbus,hv_storvsc,hv_utils,hv_netvsc")
            let finding = run(Self.legacyConf, profile: "el7-legacy-hyperv", facts: facts)
            #expect(finding.status == .fail)
            #expect(finding.message.contains("/etc/sysconfig/kdump KDUMP_COMMANDLINE_APPEND lacks ata_piix.prefer_ms_hyperv=0"))
            #expect(finding.message.contains("KDUMP_COMMANDLINE_APPEND lacks rd.driver.blacklist= for hid-hyperv,hyperv_fb"))
        }

        @Test func legacyWithoutSysconfig() {
            let finding = run(Self.legacyConf, profile: "el7-legacy-hyperv", facts: Fixture.el7.without("/etc/sysconfig/kdump"))
            #expect(finding.status == .fail)
            #expect(finding.message == "/etc/sysconfig/kdump is missing")
        }

        @Test func legacyNeedsItsDrivers() {
            // The el7 legacy profile forces drivers with --add-drivers, not extra_modules (which
            // makes kdumpctl rebuild at every start); extra_modules does not count for add_drivers.
            let facts = Self.legacySysconfig("ata_piix.prefer_ms_hyperv=0 rd.driver.blacklist=hv_vmbus,hv_storvsc,hv_utils,hv_netvsc,hid-hyperv,hyperv_fb")
            let finding = run("path /var/crash\ncore_collector makedumpfile -l --message-level 1 -d 31\nextra_modules ata_piix sr_mod sd_mod\n",
                              profile: "el7-legacy-hyperv", facts: facts)
            #expect(finding.status == .fail)
            #expect(finding.message == "dracut_args --add-drivers lacks ata_piix sr_mod sd_mod")
        }

        @Test func kdumpctlCheckConfigPerRelease() {
            func problems(_ text: String, _ minor: Int) -> [String] {
                KexecToolsRelease.resolve(family: .el7, distroVersion: DistroVersion(7, minor), package: nil).configProblems(text)
            }
            let indented = "path /var/crash\n  core_collector makedumpfile -l\n"
            #expect(problems(indented, 4).isEmpty)
            #expect(problems(indented, 5) == ["line 2: kdumpctl stops with \"No whitespaces are allowed before a kdump option name in /etc/kdump.conf\" (kexec-tools 2.0.15-8, RHEL 7.5, and later el7)"])
            #expect(problems("path\n", 9) == ["line 1: kdumpctl stops with \"Invalid kdump config value for option path.\""])
            #expect(problems("ext4 /dev/sdb1\nxfs UUID=1\n", 9) == ["lines 1, 2: kdumpctl stops with \"More than one dump targets specified\" (ext4, xfs); keep one"])
            #expect(problems("default mount_root_run_init\n", 7).first?.contains("'default mount_root_run_init' is not an action kdumpctl knows") == true)
            #expect(problems("force_no_rebuild 1\n", 3) == ["line 1: kdumpctl stops with \"Invalid kdump config option force_no_rebuild\" and kdump never arms"])
            #expect(problems("force_no_rebuild 1\n", 4).isEmpty)
            // Comments: 7.5/7.6 cut a value at the last '#', 7.7 at the first; 7.7 also drops indented comment lines.
            let conf = "path /var/crash#a#b\n"
            #expect(KexecToolsRelease.resolve(family: .el7, distroVersion: DistroVersion(7, 6), package: nil).readKdumpConf(conf).last("path")?.arguments == "/var/crash#a")
            #expect(KexecToolsRelease.resolve(family: .el7, distroVersion: DistroVersion(7, 7), package: nil).readKdumpConf(conf).last("path")?.arguments == "/var/crash")
            #expect(problems("  # note\npath /var/crash\n", 6).first?.contains("No whitespaces are allowed") == true)
            #expect(problems("  # note\npath /var/crash\n", 7).isEmpty)
            // el8: no whitespace rule, repeated single-valued directives are fatal.
            let el8 = KexecToolsRelease.resolve(family: .el8, distroVersion: DistroVersion(8, 9), package: nil)
            #expect(el8.configProblems("  path /var/crash\npath /var/crash2\n") == ["line 2: kdumpctl stops with \"Duplicated kdump config value of option path\""])
            #expect(el8.configProblems("auto_reset_crashkernel yes\n") == ["line 1: kdumpctl stops with \"Invalid kdump config option auto_reset_crashkernel\" and kdump never arms"])
            // RHEL 8.9 and 9.3 ship the same upstream kexec-tools: the major decides, not the package.
            let el93 = KexecToolsRelease.resolve(family: .el8, distroVersion: DistroVersion(9, 3), package: KexecToolsVersion(parsing: "2.0.26-8.el9"))
            #expect(el93.configProblems("auto_reset_crashkernel yes\n").isEmpty)
        }

        @Test func el7AzureDoesNotNeedSysconfig() {
            let finding = run(Fixture.el7AzureKdumpConf, facts: Fixture.el7.without("/etc/sysconfig/kdump"))
            #expect(finding.status == .pass)
        }
    }
}
