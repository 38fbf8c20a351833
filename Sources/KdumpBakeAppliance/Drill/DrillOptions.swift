import KdumpBakeCore

/// How `kdumpbake drill` boots each image.
public struct DrillOptions: Sendable {
    public var manifest: Manifest
    public var profileName: String?
    /// The appliance that prepares the overlay and reads the evidence, and the accelerator the VM
    /// tries: KVM first unless TCG is forced or KVM already failed in this process.
    public var launchPolicy: LaunchPolicy
    public var memoryMiB: Int
    public var cpus: Int
    /// Seconds each phase of the drill may take before it is judged stuck; nil: the accelerator's defaults.
    public var phaseTimeout: Int?
    /// The qemu binary that boots the guest.
    public var qemu: String

    public init(manifest: Manifest, profileName: String? = nil, launchPolicy: LaunchPolicy = LaunchPolicy(),
                memoryMiB: Int = 2048, cpus: Int = 2, phaseTimeout: Int? = nil, qemu: String = "/usr/bin/qemu-system-x86_64") {
        self.manifest = manifest
        self.profileName = profileName
        self.launchPolicy = launchPolicy
        self.memoryMiB = memoryMiB
        self.cpus = cpus
        self.phaseTimeout = phaseTimeout
        self.qemu = qemu
    }
}
