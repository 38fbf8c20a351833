import Foundation

/// The qemu machine a drill boots: as close to an Azure Generation 1 VM as qemu gets.
public struct DrillMachine: Sendable, Equatable {
    public enum Accelerator: String, Codable, Sendable {
        case kvm
        case tcg
    }

    /// MiB of guest memory (`-m`): enough that the guest's `crashkernel=` reserves something
    /// (`CrashkernelReservation.minimumMemoryMiB`).
    public var memoryMiB: Int
    public var cpus: Int
    public var accelerator: Accelerator
    /// The throw-away qcow2 overlay over the image.
    public var overlayPath: String
    /// The guest's kernel and initrd, copied out of the image, for direct kernel boot.
    public var kernelPath: String
    public var initrdPath: String
    /// The kernel command line, already made for the serial console (`DrillKernelCommandLine`).
    public var appendWords: [String]

    /// MiB of translated code qemu may cache under TCG. qemu's default is min(1 GiB, host RAM / 8),
    /// which a long guest run fills (see TCGCodeCache in the appliance); 256 MiB keeps a whole
    /// boot, crash and reboot from retranslating much while bounding qemu's memory.
    public static let tcgTranslationCacheMiB = 256

    public init(memoryMiB: Int, cpus: Int, accelerator: Accelerator, overlayPath: String, kernelPath: String,
                initrdPath: String, appendWords: [String]) {
        self.memoryMiB = memoryMiB
        self.cpus = cpus
        self.accelerator = accelerator
        self.overlayPath = overlayPath
        self.kernelPath = kernelPath
        self.initrdPath = initrdPath
        self.appendWords = appendWords
    }

    /// qemu's arguments (argv after the program name; nothing goes through a shell):
    /// - `-machine pc`: i440FX with PIIX IDE, the disk path a Gen1 VM's capture kernel uses
    ///   (KB2858695) when it does not load the Hyper-V storage driver;
    /// - KVM with the host's CPU, or TCG with a bounded translation cache and `-cpu max` (qemu's
    ///   default qemu64 lacks x86-64-v2, which RHEL 9 and later require);
    /// - no defaults, no user configuration, no display, no monitor, no network: the guest's code
    ///   runs isolated, and talks to us only through its serial port on qemu's standard output;
    /// - the overlay as the IDE disk, the kernel, initrd and command line for direct kernel boot.
    ///   qemu restarts into the same kernel and command line when the guest reboots.
    public func qemuArguments() -> [String] {
        var arguments = ["-machine", "pc"]
        switch accelerator {
        case .kvm: arguments += ["-accel", "kvm", "-cpu", "host"]
        case .tcg: arguments += ["-accel", "tcg,tb-size=\(Self.tcgTranslationCacheMiB)", "-cpu", "max"]
        }
        arguments += ["-m", "\(memoryMiB)", "-smp", "\(cpus)"]
        arguments += ["-nodefaults", "-no-user-config", "-display", "none"]
        arguments += ["-serial", "stdio", "-monitor", "none", "-nic", "none"]
        arguments += ["-drive", "file=\(Self.optionValue(overlayPath)),format=qcow2,if=ide"]
        arguments += ["-kernel", kernelPath, "-initrd", initrdPath, "-append", appendWords.joined(separator: " ")]
        return arguments
    }

    /// A value inside a qemu option list (`-drive file=…,format=…`): a comma would start the next
    /// option, and qemu's rule is to double it.
    static func optionValue(_ text: String) -> String {
        text.replacingOccurrences(of: ",", with: ",,")
    }
}
