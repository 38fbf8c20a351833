import KdumpBakeCore
import Testing

extension Parsers {
    @Suite("kdump.conf")
    struct KdumpConfTests {
        @Test func parsesDirectivesCommentsAndLines() {
            let conf = KdumpConf.parse("""
            # comment
               # indented comment

            path /var/crash
            core_collector makedumpfile -c --message-level 1 -d 31   # trailing comment
            extra_modules ata_piix sr_mod\tsd_mod
            """)
            #expect(conf.directives.map(\.name) == ["path", "core_collector", "extra_modules"])
            #expect(conf.directives.map(\.line) == [4, 5, 6])
            #expect(conf.last("core_collector")?.arguments == "makedumpfile -c --message-level 1 -d 31")
            #expect(conf.last("extra_modules")?.words == ["ata_piix", "sr_mod", "sd_mod"])
        }

        @Test func hashGluedToAWordIsNotAComment() {
            let conf = KdumpConf.parse("path /var/crash#1 #real comment\n")
            #expect(conf.last("path")?.arguments == "/var/crash#1")
        }

        @Test func crlfAndTabs() {
            let conf = KdumpConf.parse("path\t/var/crash\r\n\r\nextra_modules a\r\n")
            #expect(conf.last("path")?.arguments == "/var/crash")
            #expect(conf.last("path")?.words == ["/var/crash"])
            #expect(conf.words(of: "extra_modules") == ["a"])
            #expect(conf.last("extra_modules")?.line == 3)
        }

        @Test func repeatedDirectivesAccumulateAndLastWins() {
            let conf = KdumpConf.parse("""
            blacklist hv_vmbus hv_storvsc
            path /a
            blacklist hid-hyperv
            path /b
            """)
            #expect(conf.words(of: "blacklist") == ["hv_vmbus", "hv_storvsc", "hid-hyperv"])
            #expect(conf.all("path").map(\.arguments) == ["/a", "/b"])
            #expect(conf.last("path")?.arguments == "/b")
            #expect(conf.last("missing") == nil)
            #expect(conf.words(of: "missing").isEmpty)
        }

        @Test func quotedWords() {
            let conf = KdumpConf.parse(#"dracut_args --add-drivers "ata_piix sd_mod" --omit 'a b' x"y z"w"# + "\n")
            #expect(conf.last("dracut_args")?.words == ["--add-drivers", "ata_piix sd_mod", "--omit", "a b", "xy zw"])
        }

        @Test func unterminatedQuoteRunsToEndOfLine() {
            let conf = KdumpConf.parse("dracut_args --add-drivers \"a b\npath /x\n")
            #expect(conf.last("dracut_args")?.words == ["--add-drivers", "a b"])
            #expect(conf.last("path")?.arguments == "/x")
        }

        @Test func runTogetherDirectivesStayOneLine() {
            // The seed's copy-paste trap: two directives on one line are one `options` directive.
            let conf = KdumpConf.parse("options ata_piix prefer_ms_hyperv=0disk_timeout 100\n")
            #expect(conf.directives.count == 1)
            #expect(conf.last("options")?.words == ["ata_piix", "prefer_ms_hyperv=0disk_timeout", "100"])
            #expect(conf.last("disk_timeout") == nil)
        }

        @Test func directiveWithoutArguments() {
            let conf = KdumpConf.parse("force_rebuild\n")
            #expect(conf.last("force_rebuild")?.arguments == "")
            #expect(conf.last("force_rebuild")?.words == [])
        }

        @Test func invalidUTF8IsReplacedAndParsingContinues() {
            var bytes = Array("path /var/crash\n# caf".utf8) + [0xE9, 0xFF, 0x0A]
            bytes += Array("extra_modules ata".utf8) + [0xC3] + Array(" sd_mod\n".utf8)
            let conf = KdumpConf.parse(bytes: bytes)
            #expect(conf.last("path")?.arguments == "/var/crash")
            #expect(conf.words(of: "extra_modules") == ["ata\u{FFFD}", "sd_mod"])
        }

        @Test func hostileInputDoesNotCrash() {
            let nasty = String(repeating: "\"'\\", count: 10_000) + "\n\u{0}\u{0}#\n" + String(repeating: "x ", count: 50_000)
            let conf = KdumpConf.parse(nasty)
            #expect(conf.directives.map(\.name).suffix(2) == ["\u{0}\u{0}#", "x"]) // NUL is not blank
            let combining = KdumpConf.parse("dracut_args \"\u{301}a b\"\u{301}\n")
            #expect(combining.last("dracut_args")?.words == ["\u{301}a b\u{301}"])
            #expect(KdumpConf.parse("").directives.isEmpty)
            #expect(KdumpConf.parse(bytes: []).directives.isEmpty)
        }

        @Test func dracutAddDriversAllSpellings() {
            let conf = KdumpConf.parse("""
            dracut_args --add-drivers "ata_piix sr_mod" --omit-drivers "hv_vmbus"
            dracut_args --add-drivers=sd_mod,ata_generic --force-drivers 'hv_storvsc'
            dracut_args --add-drivers="libata  scsi_mod" --add-drivers
            dracut_args --force-drivers=a,,b --mdadmconf
            extra_modules not_this
            """)
            // Split on blanks only, as dracut does: a comma stays inside the name (and fails there).
            #expect(conf.dracutAddDrivers() == ["ata_piix", "sr_mod", "sd_mod,ata_generic", "hv_storvsc",
                                               "libata", "scsi_mod", "a,,b"])
            #expect(KdumpConf.parse("path /x\n").dracutAddDrivers().isEmpty)
        }
    }
}
