import Guestfs
import KdumpBakeCore
import Foundation
import Synchronization

/// Launches the libguestfs appliance with a bounded wait and the KVM→TCG fallback.
///
/// `guestfs_launch` blocks and has no timeout of its own short of many minutes, so each attempt
/// runs under a watchdog: the attempt tags its qemu with a unique token on the appliance kernel
/// command line, and if the launch outlives its bound the watchdog kills exactly that qemu
/// (found by the token in /proc), which makes `launch` return with an error. Never hangs forever.
public enum ApplianceLauncher {
    /// Set once a KVM launch has failed in this process, so later launches go straight to TCG
    /// instead of paying for the failed attempt again.
    private static let kvmKnownBroken = Mutex(false)
    /// Set once a TCG launch with the directly booted kernel (`DirectBootKernel`) has failed in
    /// this process: later launches boot the bzImage, as libguestfs does by itself.
    private static let directKernelFailed = Mutex(false)

    /// Creates a handle, lets `configure` add drives and settings, and launches it according to
    /// `policy`. `configure` runs again on a fresh handle for the TCG retry, because a handle
    /// whose launch failed cannot be launched again. `log` receives one line when falling back.
    public static func launch(
        policy: LaunchPolicy,
        log: @escaping (String) -> Void = { _ in },
        configure: (GuestfsHandle) throws -> Void
    ) throws -> GuestfsHandle {
        let configure: (GuestfsHandle) throws -> Void = { handle in
            if policy.verbose {
                try handle.setVerbose(true)
                try handle.onEvents([.appliance, .library, .warning]) { event in
                    for line in event.message.split(whereSeparator: \.isNewline) where !line.isEmpty { log("libguestfs: \(line)") }
                }
            }
            try configure(handle)
        }
        switch policy.accelerator {
        case .forceTCG:
            return try attempt(settings: ["force_tcg"], timeout: policy.tcgTimeout, policy: policy, log: log, configure: configure)
        case .explicit(let settings):
            return try attempt(settings: settings, timeout: policy.tcgTimeout, policy: policy, log: log, configure: configure)
        case .automatic:
            if !shouldTryKVM(policy, log: log) {
                return try attempt(settings: ["force_tcg"], timeout: policy.tcgTimeout, policy: policy, log: log, configure: configure)
            }
            do {
                return try attempt(settings: [], timeout: policy.kvmTimeout, policy: policy, log: log, configure: configure)
            } catch where ApplianceError.kvmMayBeTheCause(error) && !RunningAppliances.isStopping {
                let reason = firstLine(of: Self.message(of: error))
                markKVMBroken(reason)
                log("KVM launch failed (\(reason)); retrying with TCG software emulation, which is slower. Later runs on this host skip KVM until it reboots; use --tcg or LIBGUESTFS_BACKEND_SETTINGS=force_tcg to skip it yourself.")
                return try attempt(settings: ["force_tcg"], timeout: policy.tcgTimeout, policy: policy, log: log, configure: configure)
            }
        }
    }

    /// One launch attempt on a fresh handle, killed if it outlives `timeout`.
    private static func attempt(
        settings: [String], timeout: Duration, policy: LaunchPolicy, log: (String) -> Void,
        configure: (GuestfsHandle) throws -> Void
    ) throws -> GuestfsHandle {
        if RunningAppliances.isStopping {
            throw ApplianceError.stopping
        }
        let handle = try GuestfsHandle()
        try handle.setBackendSettings(settings)
        try configure(handle)
        var directKernel = false
        if settings.contains("force_tcg"), let mebibytes = policy.tcgCodeCacheMiB {
            directKernel = try wrapTCGHypervisor(of: handle, mebibytes: mebibytes, directKernel: policy.directKernel, log: log)
        }
        let token = "kdumpbake.launch=\(UUID().uuidString.lowercased())"
        try handle.setAppend([handle.append, token].compactMap { $0 }.joined(separator: " "))
        RunningAppliances.register(token)
        // Unregistered when the handle closes, however the caller drops it.
        try handle.onEvents(.close) { _ in RunningAppliances.unregister(token) }

        let watchdog = HypervisorWatchdog(commandLineToken: token, after: timeout)
        do {
            try handle.launch()
            watchdog.cancel()
            return handle
        } catch let error as GuestfsError {
            if watchdog.cancel() == .fired {
                throw ApplianceError.launchTimedOut(seconds: timeout.seconds, cause: firstLine(of: error.message))
            }
            if ApplianceBuildFailure.isSuperminFailure(error) { throw ApplianceBuildFailure.explain(error, settings: settings) }
            if directKernel, !RunningAppliances.isStopping {
                directKernelFailed.withLock { $0 = true }
                log("the appliance did not start from the host kernel decompressed for TCG (\(firstLine(of: error.message))); retrying with the compressed kernel, as libguestfs boots it")
                // directKernelFailed keeps this attempt, and the process's later ones, on the bzImage.
                return try attempt(settings: settings, timeout: timeout, policy: policy, log: log, configure: configure)
            }
            throw error
        }
    }

    /// Runs the TCG appliance through `TCGCodeCache`'s wrapper, which also boots the appliance
    /// kernel directly (`DirectBootKernel`) when `directKernel` allows and the decompressed kernel
    /// is at hand; returns whether it does. If the wrapper cannot be written (say, an unwritable
    /// cache directory) the launch goes ahead with qemu's defaults, and says so.
    private static func wrapTCGHypervisor(of handle: GuestfsHandle, mebibytes: Int, directKernel: Bool, log: (String) -> Void) throws -> Bool {
        let qemu = try handle.hypervisor
        do {
            let cacheDirectory = try handle.cacheDirectory
            let swap = directKernel && !directKernelFailed.withLock({ $0 })
                ? DirectBootKernel.swap(cacheDirectory: cacheDirectory, privateDirectory: try TCGCodeCache.privateDirectory(in: cacheDirectory))
                : nil
            try handle.setHypervisor(try TCGCodeCache.hypervisor(wrapping: qemu, mebibytes: mebibytes, kernel: swap, cacheDirectory: cacheDirectory))
            return swap != nil
        } catch {
            log("cannot bound qemu's TCG translation cache (\(Self.message(of: error))); the appliance may use up to 1 GiB more memory")
            return false
        }
    }

    /// Whether to try KVM under `policy` — for the appliance and for a qemu kdumpbake starts itself
    /// (the drill's VM): not when TCG is forced, not when /dev/kvm cannot be opened, not when KVM
    /// already failed in this process or, per `KVMFailureMemory`, earlier in this boot of the host
    /// (then `log` hears it once per process).
    static func shouldTryKVM(_ policy: LaunchPolicy, log: (String) -> Void = { _ in }) -> Bool {
        switch policy.accelerator {
        case .forceTCG: return false
        case .explicit(let settings): return !settings.contains("force_tcg") && kvmDeviceUsable()
        case .automatic:
            if kvmKnownBroken.withLock({ $0 }) { return false }
            if let problem = kvmDeviceProblem() {
                // libguestfs would fall back to TCG silently; the user should know why it is slow.
                if !toldNoKVMDevice.withLock({ told in defer { told = true }; return told }) {
                    log("\(problem); using TCG software emulation, which is slower (see the README, \"KVM, TCG and the appliance\")")
                }
                return false
            }
            guard let note = KVMFailureMemory.path(), let reason = KVMFailureMemory.failureThisBoot(note: note) else { return true }
            kvmKnownBroken.withLock { $0 = true }
            log("KVM failed on this host earlier since it booted (\(reason)); using TCG software emulation. Remove \(note) to try KVM again.")
            return false
        }
    }

    /// Records that KVM failed, for this process and (`KVMFailureMemory`) for later runs until the host reboots.
    static func markKVMBroken(_ reason: String) {
        kvmKnownBroken.withLock { $0 = true }
        KVMFailureMemory.remember(reason)
    }

    /// libguestfs only tries KVM when it can open /dev/kvm; otherwise it uses TCG by itself.
    private static func kvmDeviceUsable() -> Bool {
        kvmDeviceProblem() == nil
    }

    /// Why `device` cannot be used for KVM (`/dev/kvm: Permission denied`), or nil when it can.
    static func kvmDeviceProblem(device: String = "/dev/kvm") -> String? {
        access(device, R_OK | W_OK) == 0 ? nil : "\(device): \(String(cString: strerror(errno)))"
    }

    /// Set once the missing /dev/kvm was reported: once per process is enough.
    private static let toldNoKVMDevice = Mutex(false)

    /// libguestfs's message without the call name it is prefixed with in `description`.
    private static func message(of error: Error) -> String {
        (error as? GuestfsError)?.message ?? "\(error)"
    }

    private static func firstLine(of message: String) -> String {
        String(message.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
    }
}

extension Duration {
    /// Whole seconds, for messages.
    var seconds: Int64 { components.seconds }
}
