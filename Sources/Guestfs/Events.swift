import CGuestfs

/// Which libguestfs events a callback receives (`GUESTFS_EVENT_*`).
public struct GuestfsEventKind: OptionSet, Sendable, Hashable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The handle is closing.
    public static let close = GuestfsEventKind(rawValue: UInt64(GUESTFS_EVENT_CLOSE))
    /// qemu exited.
    public static let subprocessQuit = GuestfsEventKind(rawValue: UInt64(GUESTFS_EVENT_SUBPROCESS_QUIT))
    /// The appliance finished launching.
    public static let launchDone = GuestfsEventKind(rawValue: UInt64(GUESTFS_EVENT_LAUNCH_DONE))
    /// Progress of a long call: `array` is (proc_nr, serial, position, total).
    public static let progress = GuestfsEventKind(rawValue: UInt64(GUESTFS_EVENT_PROGRESS))
    /// Console output of the appliance (with `setVerbose(true)`).
    public static let appliance = GuestfsEventKind(rawValue: UInt64(GUESTFS_EVENT_APPLIANCE))
    /// Debug messages of the library (with `setVerbose(true)`).
    public static let library = GuestfsEventKind(rawValue: UInt64(GUESTFS_EVENT_LIBRARY))
    /// Call traces (with `setTrace(true)`).
    public static let trace = GuestfsEventKind(rawValue: UInt64(GUESTFS_EVENT_TRACE))
    /// Warnings of the library.
    public static let warning = GuestfsEventKind(rawValue: UInt64(GUESTFS_EVENT_WARNING))

    /// The log-message events: appliance console, library debug, traces and warnings.
    public static let messages: GuestfsEventKind = [.appliance, .library, .trace, .warning]
}

/// One event delivered to a callback.
public struct GuestfsEvent: Sendable {
    public var kind: GuestfsEventKind
    /// The event's text (log events), decoded leniently: appliance output is not always UTF-8.
    public var message: String
    /// The event's numbers; for `.progress`: proc_nr, serial, position, total.
    public var values: [UInt64]

    /// For `.progress` events: position and total bytes/units, nil otherwise.
    public var progress: (position: UInt64, total: UInt64)? {
        guard kind == .progress, values.count >= 4 else { return nil }
        return (values[2], values[3])
    }
}

/// Keeps a Swift closure alive while C holds an unretained pointer to it.
final class EventCallbackBox {
    let body: (GuestfsEvent) -> Void
    init(_ body: @escaping (GuestfsEvent) -> Void) { self.body = body }
}

/// The one C-convention trampoline: recovers the box from `opaque` and calls the Swift closure.
private let eventTrampoline: guestfs_event_callback = { _, opaque, event, _, _, buffer, length, array, arrayLength in
    guard let opaque else { return }
    let box = Unmanaged<EventCallbackBox>.fromOpaque(opaque).takeUnretainedValue()
    let message = buffer.map { pointer in
        pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    } ?? ""
    let values = array.map { Array(UnsafeBufferPointer(start: $0, count: arrayLength)) } ?? []
    box.body(GuestfsEvent(kind: GuestfsEventKind(rawValue: event), message: message, values: values))
}

extension GuestfsHandle {
    /// Registers `body` for the given events (`guestfs_set_event_callback`) and returns a token
    /// for `removeEventCallback`. Callbacks run synchronously on the thread making the libguestfs
    /// call that produced the event; keep them short.
    @discardableResult
    public func onEvents(_ kinds: GuestfsEventKind, _ body: @escaping (GuestfsEvent) -> Void) throws -> Int32 {
        let box = EventCallbackBox(body)
        let token = guestfs_set_event_callback(raw, eventTrampoline, kinds.rawValue, 0, Unmanaged.passUnretained(box).toOpaque())
        try check("set_event_callback", token)
        eventCallbacks[token] = box
        return token
    }

    /// Removes a callback registered with `onEvents` (`guestfs_delete_event_callback`).
    public func removeEventCallback(_ token: Int32) {
        guestfs_delete_event_callback(raw, token)
        eventCallbacks[token] = nil
    }
}
