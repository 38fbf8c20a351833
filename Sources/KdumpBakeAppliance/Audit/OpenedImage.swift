import Guestfs
import KdumpBakeCore

extension AuditRunner {
    /// An image ready to attach: its format known, its `vhd.format` bytes readable, and what
    /// keeps it safe while the appliance reads it — a shared lock for a file; for a remote
    /// image, the relay qemu reads it through (`NBDRelay`).
    struct OpenedImage {
        let reportIndex: Int
        /// How reports name it (a remote image's URL without its query).
        let path: String
        let format: DiskImageFormat
        let lock: ImageLock?
        let remote: (image: RemoteImage, relay: NBDRelay)?

        static func open(_ source: ImageSource, reportIndex: Int, http: HTTPOptions) throws -> OpenedImage {
            switch source {
            case .file(let path):
                let lock = try ImageLock(path: path, mode: .shared)
                if UndoJournal.exists(for: path) { throw DiskImageError(path: path, message: UndoJournal.refusal(for: path)) }
                return OpenedImage(reportIndex: reportIndex, path: path, format: try DiskImageFormat.detect(path: path), lock: lock, remote: nil)
            case .remote(let url):
                let image = try RemoteImage.open(HTTPRangeClient(url: url, caFile: http.caFile, timeLimit: http.timeLimit))
                let format = try DiskImageFormat.detect(image.containerBytes, name: url.redacted)
                return OpenedImage(reportIndex: reportIndex, path: url.redacted, format: format, lock: nil,
                                   remote: (image, try NBDRelay(serving: image)))
            }
        }

        func vhdFormatFinding() -> Finding {
            guard let remote else { return VHDFormatCheck.run(path: path, format: format) }
            return VHDFormatCheck.run(remote.image.containerBytes, name: path, fileName: remote.image.url.fileName, format: format)
        }

        /// Attaches it read-only, its format stated; a remote image over NBD from its relay.
        func attach(to handle: GuestfsHandle) throws {
            guard let remote else { return try handle.addDrive(path, DriveOptions(format: .init(format), readonly: true)) }
            // The path is the NBD export name, which the relay ignores.
            try handle.addDrive("", DriveOptions(format: .init(format), readonly: true,
                                                 network: .init(protocol: "nbd", server: remote.relay.server)))
        }

        /// Ends the relay (after the appliance is gone) and says what crossed the network.
        func close(log: (String) -> Void) {
            guard let remote else { return }
            remote.relay.stop()
            log("\(path): \(remote.image.transfer.summary(ofImageSize: remote.image.size))")
        }
    }
}
