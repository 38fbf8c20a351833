import Guestfs
import KdumpBakeCore

extension DriveOptions.Format {
    /// The drive format for an image whose format kdumpbake detected from its bytes: the
    /// appliance is always told, never left to probe (a fixed VHD would probe as raw).
    package init(_ format: DiskImageFormat) {
        self.init(rawValue: format.qemuName)
    }
}
