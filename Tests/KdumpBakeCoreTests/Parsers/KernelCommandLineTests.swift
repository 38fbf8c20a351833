import KdumpBakeCore
import Testing

extension Parsers {
    @Suite("kernel command line")
    struct KernelCommandLineTests {
        @Test func splitsParameters() {
            let line = KernelCommandLine("ro root=UUID=abc crashkernel=auto rhgb quiet console=ttyS0,115200n8\n")
            #expect(line.parameters.map(\.key) == ["ro", "root", "crashkernel", "rhgb", "quiet", "console"])
            #expect(line.values(of: "root") == ["UUID=abc"])
            #expect(line.values(of: "crashkernel") == ["auto"])
            #expect(line.values(of: "quiet").isEmpty)
            #expect(line.contains("quiet"))
            #expect(line.contains("crashkernel=auto"))
            #expect(!line.contains("crashkernel"))
            #expect(line.hasKey("crashkernel"))
            #expect(!line.contains("qui"))
        }

        @Test func doubleQuotes() {
            let line = KernelCommandLine(#"a="b c" "d=e f" g=h"i j"k 'x y'"#)
            #expect(line.values(of: "a") == ["b c"])
            #expect(line.values(of: "d") == ["e f"])
            #expect(line.values(of: "g") == [#"h"i j"k"#])
            #expect(line.contains("a=b c"))
            #expect(line.contains(#"a="b c""#))
            #expect(line.parameters.map(\.key).suffix(2) == ["'x", "y'"])
        }

        @Test func repeatsAndDoubleDash() {
            let line = KernelCommandLine("crashkernel=128M crashkernel=auto -- single crashkernel=1G")
            #expect(line.values(of: "crashkernel") == ["128M", "auto"])
            #expect(line.initArguments == ["single", "crashkernel=1G"])
            #expect(line.description == "crashkernel=128M crashkernel=auto -- single crashkernel=1G")
        }

        @Test func moduleParametersIgnoreDashUnderscore() {
            let line = KernelCommandLine("ata_piix.prefer_ms_hyperv=0 ata-piix.prefer-ms-hyperv=1")
            #expect(line.values(of: "ata_piix.prefer_ms_hyperv") == ["0"])
            #expect(line.moduleParameter("ata_piix", "prefer_ms_hyperv") == ["0", "1"])
        }

        @Test func driverBlacklistAccumulates() {
            let line = KernelCommandLine("rd.driver.blacklist=hv_vmbus,hv_storvsc rd.driver.blacklist=hid-hyperv,,hyperv_fb, rdblacklist=old modprobe.blacklist=kmod rd.driver.blacklist")
            #expect(line.driverBlacklist() == ["hv_vmbus", "hv_storvsc", "hid-hyperv", "hyperv_fb", "old", "kmod"])
            #expect(KernelCommandLine("quiet").driverBlacklist().isEmpty)
        }

        @Test func oddInput() {
            #expect(KernelCommandLine("").parameters.isEmpty)
            #expect(KernelCommandLine("   \t\n").parameters.isEmpty)
            let unterminated = KernelCommandLine("a=\"b c d")
            #expect(unterminated.values(of: "a") == ["b c d"])
            let equals = KernelCommandLine("=x == \"\"")
            #expect(equals.parameters.map(\.key) == ["", "", ""])
            #expect(equals.parameters.map(\.value) == ["x", "=", nil])
            let noise = KernelCommandLine(String(repeating: "\"", count: 10_001) + " a=b")
            #expect(noise.parameters.count == 1) // an odd number of quotes swallows the rest, like the kernel
        }
    }
}
