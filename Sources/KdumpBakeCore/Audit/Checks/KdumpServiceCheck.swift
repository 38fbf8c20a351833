/// `kdump.enabled`: the kdump service starts at boot (SysV rc3/rc5 links on el6, the systemd
/// multi-user wants link on el7+). Without it no capture kernel is loaded and nothing is dumped.
enum KdumpServiceCheck {
    static let id = CheckID.kdumpEnabled

    static func run(_ context: CheckContext) -> Finding {
        guard context.values.enableService == true else {
            return Finding(check: id, status: .skip, message: "the profile does not require the kdump service")
        }
        let links = context.facts.serviceLinks
        if context.family == .el6 {
            let missing = [3, 5].filter { level in !links.contains { $0.hasPrefix("/etc/rc.d/rc\(level).d/S") } }
            if missing.isEmpty {
                return Finding(check: id, status: .pass, message: "kdump starts in runlevels 3 and 5", path: "/etc/rc.d", actual: links.joined(separator: " "))
            }
            return Finding(check: id, status: .fail,
                           message: "kdump is not enabled in runlevel \(missing.map(String.init).joined(separator: " and ")) (no /etc/rc.d/rcN.d/S??kdump link; chkconfig kdump on)",
                           path: "/etc/rc.d", expected: "S??kdump in rc3.d and rc5.d", actual: links.isEmpty ? "none" : links.joined(separator: " "))
        }
        let wants = GuestPaths.kdumpWantsLink
        if links.contains(wants) {
            return Finding(check: id, status: .pass, message: "kdump.service is enabled (multi-user.target)", path: wants)
        }
        return Finding(check: id, status: .fail, message: "kdump.service is not enabled (no \(wants); systemctl enable kdump)",
                       path: wants, expected: "enabled", actual: "disabled")
    }
}
