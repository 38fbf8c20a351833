import KdumpBakeCore
import Guestfs

/// Names what is on a drive without a Linux root kdumpbake recognises, using libguestfs's full
/// inspection — slow, so only run (once, for all drives) when such a drive exists.
///
/// It reads no guest file itself: libguestfs's inspection reads the release files and registry
/// hives inside the appliance, under its own caps (its daemon skips a release file larger than
/// about 2 MB), and hands back only what it derived. Those names are still guest text, so they
/// are quoted as excerpts (`Finding.excerpt`), as the checks quote guest strings.
struct UnidentifiedGuests {
    let handle: GuestfsHandle
    private var inspected: [InspectedOS]?

    init(handle: GuestfsHandle) { self.handle = handle }

    mutating func describe(drive: Int, unmatched: UnmatchedPolicy) -> Finding {
        if inspected == nil {
            inspected = ((try? handle.inspectOS()) ?? []).compactMap { try? handle.inspect(root: $0) }
        }
        let devices = (try? handle.listDevices()) ?? []
        let status: FindingStatus = unmatched == .skip ? .skip : .error
        guard let os = inspected?.first(where: { RootFinder.driveIndex(of: $0.root, devices: devices) == drive }) else {
            // A blank or data-only disk is as unmatched as a Windows guest: the policy decides.
            return Finding(check: .osSupported, status: status, message: "no operating system found on this image")
        }
        let version = "\(os.distro) \(os.majorVersion).\(os.minorVersion)"
        let name = os.productName.isEmpty || os.productName == "unknown" ? version : os.productName
        return Finding(check: .osSupported, status: status,
                       message: "\(Finding.excerpt(os.type)) guest (\(Finding.excerpt(name))): no profile applies; kdumpbake configures RHEL-family Linux guests",
                       actual: Finding.excerpt("\(os.type) \(version)"))
    }
}
