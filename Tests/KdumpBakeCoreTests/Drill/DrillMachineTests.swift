@testable import KdumpBakeCore
import Testing

extension Drill {
    /// qemu's argv, the kernel command line for the serial console, and crashkernel sizes.
    @Suite("DrillMachine")
    struct DrillMachineTests {
        static func machine(_ accelerator: DrillMachine.Accelerator, overlay: String = "/tmp/kdumpbake-drill.x/overlay.qcow2") -> DrillMachine {
            DrillMachine(memoryMiB: 2048, cpus: 2, accelerator: accelerator, overlayPath: overlay,
                         kernelPath: "/tmp/kdumpbake-drill.x/vmlinuz", initrdPath: "/tmp/kdumpbake-drill.x/initrd.img",
                         appendWords: ["root=UUID=0f3c", "ro", "crashkernel=256M", "console=ttyS0,115200"])
        }

        @Test func tcgArguments() {
            #expect(Self.machine(.tcg).qemuArguments() == [
                "-machine", "pc", "-accel", "tcg,tb-size=256", "-cpu", "max", "-m", "2048", "-smp", "2",
                "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio", "-monitor", "none", "-nic", "none",
                "-drive", "file=/tmp/kdumpbake-drill.x/overlay.qcow2,format=qcow2,if=ide",
                "-kernel", "/tmp/kdumpbake-drill.x/vmlinuz", "-initrd", "/tmp/kdumpbake-drill.x/initrd.img",
                "-append", "root=UUID=0f3c ro crashkernel=256M console=ttyS0,115200",
            ])
        }

        @Test func kvmUsesTheHostCPU() {
            let arguments = Self.machine(.kvm).qemuArguments()
            #expect(arguments.starts(with: ["-machine", "pc", "-accel", "kvm", "-cpu", "host", "-m", "2048"]))
            #expect(!arguments.contains { $0.hasPrefix("tcg") })
        }

        @Test func aCommaInTheOverlayPathIsDoubled() {
            let arguments = Self.machine(.tcg, overlay: "/tmp/a,b/x,,y,format=raw.qcow2").qemuArguments()
            #expect(arguments.contains("file=/tmp/a,,b/x,,,,y,,format=raw.qcow2,format=qcow2,if=ide"))
        }

        // MARK: the kernel command line

        @Test func serialConsoleReplacesQuietAndOtherConsoles() {
            let words = ["BOOT_IMAGE=/boot/vmlinuz-6.1.0-27-amd64", "root=UUID=0f3c", "ro", "quiet", "splash", "console=tty0",
                         "\"console=ttyS0,9600n8\"", "rhgb", "loglevel=3", "crashkernel=256M", "--", "single", "quiet"]
            #expect(DrillKernelCommandLine.forSerialConsole(words) == [
                "BOOT_IMAGE=/boot/vmlinuz-6.1.0-27-amd64", "root=UUID=0f3c", "ro", "crashkernel=256M", "console=ttyS0,115200",
                "--", "single", "quiet",
            ])
            #expect(DrillKernelCommandLine.forSerialConsole([]) == ["console=ttyS0,115200"])
            #expect(DrillKernelCommandLine.forSerialConsole(["splash=silent", "quietly"]) == ["quietly", "console=ttyS0,115200"])
        }

        // MARK: crashkernel sizes

        @Test("MiB reserved", arguments: [
            ("256M", 1024, 256), ("256M@16M", 4096, 256), ("512M,high", 4096, 512), ("0x10000000", 1024, 256), ("131072K", 1024, 128),
            ("384M-:128M", 1024, 128), ("384M-:128M", 384, 0), ("384M-:128M", 385, 128), ("384M-:128M", 256, 0),
            ("1G-4G:192M,4G-64G:256M,64G-:512M", 1024, 0), ("1G-4G:192M,4G-64G:256M,64G-:512M", 2048, 192),
            ("1G-4G:192M,4G-64G:256M,64G-:512M", 4096, 192), ("1G-4G:192M,4G-64G:256M,64G-:512M", 8192, 256),
            ("2G-64G:256M,64G-:512M", 2048, 0), ("2G-64G:256M,64G-:512M", 2176, 256), ("0-2G:0,2G-:256M@16M", 4096, 256),
            ("1G-:2G", 1100, 0),
        ])
        func reserved(value: String, memory: Int, mebibytes: Int) {
            #expect(CrashkernelReservation.mebibytes(reservedBy: value, memoryMiB: memory) == mebibytes)
        }

        @Test("values the kernel decides or rejects", arguments: ["auto", "", "abc", "256Q", "1G-:", "2G-1G:64M", "1G-2G", "256M,middle", "256M@", "1G-2G:64M,", "99999999999999999999M"])
        func undecided(value: String) {
            #expect(CrashkernelReservation.mebibytes(reservedBy: value, memoryMiB: 4096) == nil)
        }

        @Test("least memory that reserves", arguments: [
            ("256M", 768), ("384M-:128M", 640), ("1G-4G:192M,4G-64G:256M,64G-:512M", 1152),
            ("2G-64G:256M,64G-:512M", 2176), ("1G-4G:160M,4G-64G:192M,64G-1T:256M,1T-:512M", 1152), ("auto", 2176),
        ])
        func minimum(value: String, memory: Int) {
            #expect(CrashkernelReservation.minimumMemoryMiB(for: value) == memory)
            if value != "auto" {
                #expect((CrashkernelReservation.mebibytes(reservedBy: value, memoryMiB: memory) ?? 0) > 0)
            }
        }

        @Test func noMinimumForWhatNeverReserves() {
            #expect(CrashkernelReservation.minimumMemoryMiB(for: "junk") == nil)
            #expect(CrashkernelReservation.minimumMemoryMiB(for: "0-1G:0") == nil)
        }
    }
}
