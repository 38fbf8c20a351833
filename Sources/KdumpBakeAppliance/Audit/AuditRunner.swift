import KdumpBakeCore
import Guestfs

/// How an audit runs.
public struct AuditOptions: Sendable {
    public var manifest: Manifest
    /// Use this profile for every image instead of matching (needed for opt-in profiles).
    public var profileName: String?
    public var launchPolicy: LaunchPolicy
    /// How images on web servers are read.
    public var http: HTTPOptions

    public init(manifest: Manifest, profileName: String? = nil, launchPolicy: LaunchPolicy = LaunchPolicy(), http: HTTPOptions = HTTPOptions()) {
        self.manifest = manifest
        self.profileName = profileName
        self.launchPolicy = launchPolicy
        self.http = http
    }
}

/// Audits images read-only: host-side checks first, then **one** appliance for all images
/// (launching is the cost), then the pure checks on the facts read from each guest.
///
/// Every image is opened read-only with its format stated, under a shared lock; nothing is
/// written to any image, even when the audit fails half-way.
public enum AuditRunner {
    /// Audits with up to `jobs` appliances at once: the images are split into `jobs` contiguous
    /// groups, each audited in one appliance, and the reports come back in input order.
    public static func audit(_ paths: [String], options: AuditOptions, jobs: Int, events: @escaping ProgressSink) -> [ImageReport] {
        audit(paths.map(ImageSource.file), options: options, jobs: jobs, events: events)
    }

    /// Audits files and images on web servers alike (see `ImageSource`).
    public static func audit(_ sources: [ImageSource], options: AuditOptions, jobs: Int, events: @escaping ProgressSink) -> [ImageReport] {
        let groups = Self.groups(sources, count: jobs)
        return ParallelRunner.map(groups, jobs: jobs) { group in
            let clocks = group.map { ProgressClock(image: $0.name, sink: events) }
            for clock in clocks { clock.emit(.started, group.count == 1 ? "auditing" : "auditing, \(group.count) images in one appliance") }
            let run = ProgressClock(image: nil, sink: events)
            let steps = Dictionary(zip(group.map(\.name), clocks.map(StepProgress.init)), uniquingKeysWith: { first, _ in first })
            let reports = audit(group, options: options, steps: steps) { run.emit(.message, $0) }
            for (clock, report) in zip(clocks, reports) {
                clock.emit(.finished, "\(report.verdict) (\(report.profile ?? "no profile"))", status: .audit(report.verdict))
            }
            return reports
        }.flatMap { $0 }
    }

    /// Splits into at most `count` contiguous groups of nearly equal size.
    static func groups<Image>(_ paths: [Image], count: Int) -> [[Image]] {
        let count = max(1, min(count, paths.count))
        let size = (paths.count + count - 1) / max(count, 1)
        return stride(from: 0, to: paths.count, by: max(size, 1)).map { Array(paths[$0..<min($0 + size, paths.count)]) }
    }

    public static func audit(_ paths: [String], options: AuditOptions, log: @escaping (String) -> Void = { _ in }) -> [ImageReport] {
        audit(paths.map(ImageSource.file), options: options, steps: [:], log: log)
    }

    /// `steps`: per image name, where its steps and progress go.
    static func audit(_ sources: [ImageSource], options: AuditOptions, steps: [String: StepProgress], log: @escaping (String) -> Void) -> [ImageReport] {
        var reports: [ImageReport] = []
        var opened: [OpenedImage] = []
        for source in sources {
            do {
                let image = try OpenedImage.open(source, reportIndex: reports.count, http: options.http)
                reports.append(ImageReport(path: image.path, format: image.format, findings: [image.vhdFormatFinding()]))
                opened.append(image)
            } catch {
                reports.append(ImageReport(path: source.name, findings: [Finding(check: .imageOpen, status: .error, message: "\(error)", path: source.name)]))
            }
        }
        guard !opened.isEmpty else { return reports }
        let audited = auditGuests(opened, options: options, steps: steps, log: log)
        for image in opened { image.close(log: log) }
        for (index, findings) in audited.sorted(by: { $0.0 < $1.0 }) {
            reports[index].findings += findings.findings
            reports[index].os = findings.os.map(ImageReport.OS.init)
            reports[index].profile = findings.profile
        }
        // A remote image whose server failed mid-audit: its findings rest on reads that failed.
        for image in opened {
            guard let failure = image.remote?.image.failure else { continue }
            reports[image.reportIndex].findings = [Finding(check: .imageOpen, status: .error, message: "\(failure)", path: image.path)]
                + GuestChecks.notRun(.skip, because: "the image could not be read from its server")
            reports[image.reportIndex].os = nil
        }
        return reports
    }

    /// Every image of a group was refused by qemu: the appliance is not launched.
    private struct NoImageAttached: Error {}

    struct GuestAudit {
        var os: GuestOS?
        var profile: String?
        var findings: [Finding]
    }

    /// One appliance for all images; separate ones when images could conflict inside it (LVM:
    /// two images with the same volume-group name cannot both be active). An image qemu cannot
    /// attach (an empty file, say) is reported on its own and does not spoil the others.
    private static func auditGuests(_ images: [OpenedImage], options: AuditOptions, steps: [String: StepProgress],
                                    log: @escaping (String) -> Void) -> [(Int, GuestAudit)] {
        var attached: [OpenedImage] = []
        var refused: [(Int, GuestAudit)] = []
        let progressRoute = GuestfsProgressRoute()
        do {
            let handle = try ApplianceLauncher.launch(policy: options.launchPolicy, log: log) { handle in
                try progressRoute.attach(to: handle)
                attached = []
                refused = []
                for image in images {
                    do {
                        try image.attach(to: handle)
                        attached.append(image)
                    } catch {
                        let reason = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
                        let finding = Finding(check: .osSupported, status: .error, message: "\(image.path): qemu cannot open it as a \(image.format.rawValue) disk image: \(reason)")
                        refused.append((image.reportIndex, GuestAudit(findings: [finding] + GuestChecks.notRun(.skip, because: "the image could not be attached"))))
                    }
                }
                // Nothing to launch for: each image already has its reason.
                if attached.isEmpty { throw NoImageAttached() }
            }
            defer { try? handle.shutdown() }
            let devices = try handle.listDevices()
            let (filesystems, identities) = try RootFinder.probeFilesystems(handle, devices: devices)
            if attached.count > 1, filesystems.contains(where: { !$0.device.hasPrefix("/dev/sd") }) {
                log("LVM or other volume managers found: auditing the \(attached.count) images in separate appliances so their volume groups cannot collide")
                return refused + attached.flatMap { auditGuests([$0], options: options, steps: steps, log: log) }
            }
            // One image: its root can stay mounted from the search to the reading.
            let (roots, mounted) = try RootFinder.findRoots(on: handle, devices: devices, filesystems: filesystems, identities: identities,
                                                             leavingLastRootMounted: attached.count == 1)
            if let mounted, roots != [mounted] { try handle.unmountAll() }
            var unidentified = UnidentifiedGuests(handle: handle)
            return refused + attached.enumerated().map { drive, image in
                let onDrive = roots.filter { $0.driveIndex == drive }
                progressRoute.route(to: steps[image.path])
                steps[image.path]?.step("reading the guest and checking")
                return (image.reportIndex, auditGuest(onDrive, drive: drive, handle: handle, unidentified: &unidentified, options: options,
                                                      rootMounted: mounted != nil && onDrive == [mounted!]))
            }
        } catch is NoImageAttached {
            return refused
        } catch {
            let finding = Finding(check: .osSupported, status: .error, message: "the appliance failed: \(error)")
            let failed = (attached.isEmpty ? images : attached).map {
                ($0.reportIndex, GuestAudit(findings: [finding] + GuestChecks.notRun(.skip, because: "not audited: the appliance failed")))
            }
            return refused + failed
        }
    }

    private static func auditGuest(_ roots: [GuestRoot], drive: Int, handle: GuestfsHandle,
                                   unidentified: inout UnidentifiedGuests, options: AuditOptions, rootMounted: Bool) -> GuestAudit {
        guard let root = roots.first else {
            let finding = unidentified.describe(drive: drive, unmatched: options.manifest.unmatched)
            return GuestAudit(findings: [finding] + GuestChecks.notRun(.skip, because: "no supported Linux guest"))
        }
        guard roots.count == 1 else {
            let finding = Finding(check: .osSupported, status: .error,
                                  message: "several operating systems found (\(roots.map(\.device).joined(separator: ", "))); kdumpbake handles one per image")
            return GuestAudit(findings: [finding] + GuestChecks.notRun(.skip, because: "several operating systems"))
        }
        let selection = ProfileSelection.choose(for: root.os, manifest: options.manifest, profileName: options.profileName)
        guard let profile = selection.profile else {
            if rootMounted { try? handle.unmountAll() }
            return GuestAudit(os: root.os, findings: [selection.finding] + GuestChecks.notRun(.skip, because: "no profile for this guest"))
        }
        do {
            let facts = try GuestFactsReader(handle: handle).read(root, rootMounted: rootMounted)
            return GuestAudit(os: root.os, profile: profile.name, findings: [selection.finding] + GuestChecks.run(CheckContext(facts: facts, profile: profile)))
        } catch {
            let finding = Finding(check: .osSupported, status: .error, message: "reading the guest failed: \(error)")
            return GuestAudit(os: root.os, profile: profile.name, findings: [finding] + GuestChecks.notRun(.skip, because: "the guest could not be read"))
        }
    }
}
