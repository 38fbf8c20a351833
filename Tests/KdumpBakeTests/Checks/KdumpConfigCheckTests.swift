import Foundation
@testable import KdumpBake
import Testing

extension Checks {
    @Suite("kdump.installed")
    struct KdumpInstalledCheckTests {
        @Test func present() {
            let finding = KdumpInstalledCheck.run(Fixture.el6.context("el6-hyperv"))
            #expect(finding.check == "kdump.installed")
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
            #expect(finding.check == "kdump.config")
            #expect(finding.status == .pass)
            #expect(finding.message == "/etc/kdump.conf matches profile el6-hyperv")
            #expect(finding.path == "/etc/kdump.conf")
            #expect(finding.expected?.contains("disk_timeout 100") == true)
        }

        @Test func trailingCommentsAndRepeatedLinesAreFine() {
            let finding = run("""
                path /var/crash   # where dumps go
                core_collector makedumpfile   -c --message-level 1 -d 31
                extra_modules ata_piix
                extra_modules sr_mod sd_mod
                blacklist hv_vmbus hv_storvsc
                blacklist hv_utils hv_netvsc hid-hyperv
                options ata_piix prefer_ms_hyperv=0
                disk_timeout 100
                """)
            #expect(finding.status == .pass)
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
            #expect(finding.message.contains("line 8: unknown directive 'prefer_ms_hyperv'"))
            #expect(finding.message.contains("Bad kdump.conf directive"))
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
            extra_modules ata_piix sr_mod sd_mod

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
            #expect(finding.message.contains("line 4: 'blacklist' is fatal on el7"))
            #expect(finding.message.contains("Deprecated kdump config option: blacklist"))
            #expect(finding.message.contains("kdump never starts"))
        }

        @Test func wholeEl6BlockOnEl7() {
            let finding = run(Fixture.el6KdumpConf)
            #expect(finding.status == .fail)
            for directive in ["blacklist", "options", "disk_timeout"] {
                #expect(finding.message.contains("'\(directive)' is fatal on el7"))
            }
            #expect(finding.message.contains("dracut_args --add-drivers lacks hv_vmbus hv_storvsc"))
        }

        @Test func fatalOnEl8Too() {
            let finding = KdumpConfigCheck.run(Fixture.el8.file("/etc/kdump.conf", Fixture.el8AzureKdumpConf + "disk_timeout 100\n").context("el8-azure"))
            #expect(finding.status == .fail)
            #expect(finding.message.contains("'disk_timeout' is fatal on el8"))
        }

        @Test func el8OnlyDirectiveUnknownOnEl7() {
            let finding = run(Fixture.el7AzureKdumpConf + "failure_action reboot\n")
            #expect(finding.status == .fail)
            #expect(finding.message.contains("line 4: unknown directive 'failure_action'"))
            #expect(finding.message.contains("Bad kdump.conf directive"))
        }

        @Test func missingAddDrivers() {
            let finding = run("path /var/crash\ncore_collector makedumpfile -l --message-level 1 -d 31\n")
            #expect(finding.status == .fail)
            #expect(finding.message == "dracut_args --add-drivers lacks hv_vmbus hv_storvsc")
        }

        @Test func addDriversSpellingsAreNormalised() {
            #expect(run("path /var/crash\ncore_collector makedumpfile -l --message-level 1 -d 31\ndracut_args --add-drivers=hv-vmbus,hv-storvsc\n").status == .pass)
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

        @Test func legacyNeedsExtraModules() {
            let facts = Self.legacySysconfig("ata_piix.prefer_ms_hyperv=0 rd.driver.blacklist=hv_vmbus,hv_storvsc,hv_utils,hv_netvsc,hid-hyperv,hyperv_fb")
            let finding = run("path /var/crash\ncore_collector makedumpfile -l --message-level 1 -d 31\nextra_modules ata_piix\n",
                              profile: "el7-legacy-hyperv", facts: facts)
            #expect(finding.status == .fail)
            #expect(finding.message == "extra_modules lacks sr_mod sd_mod")
        }

        @Test func el7AzureDoesNotNeedSysconfig() {
            let finding = run(Fixture.el7AzureKdumpConf, facts: Fixture.el7.without("/etc/sysconfig/kdump"))
            #expect(finding.status == .pass)
        }
    }
}
