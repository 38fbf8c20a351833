import Guestfs
import KdumpBakeCore
import Synchronization

/// Sends a handle's libguestfs progress events to whichever image's `StepProgress` is current:
/// one appliance serves several images in an audit, one after another.
final class GuestfsProgressRoute: Sendable {
    private let current = Mutex<StepProgress?>(nil)

    init(_ initial: StepProgress? = nil) { current.withLock { $0 = initial } }

    /// Makes `progress` the receiver of the handle's progress events from now on.
    func route(to progress: StepProgress?) { current.withLock { $0 = progress } }

    /// Registers the forwarding callback; call while configuring the handle, before launch.
    func attach(to handle: GuestfsHandle) throws {
        try handle.onEvents(.progress) { [self] event in
            guard let (position, total) = event.progress else { return }
            current.withLock { $0 }?.report(position: position, total: total)
        }
    }
}
