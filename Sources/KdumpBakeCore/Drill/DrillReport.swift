import Foundation

/// The drill of one image: its verdict and why, the machine it ran on, the timeline, what the
/// disk held afterwards, the console's last lines, and what a qemu drill cannot show.
public struct DrillReport: Codable, Equatable, Sendable {
    /// Said in every report: the drill's honest limit.
    public static let notShownText = "qemu does not emulate Hyper-V's VMBus and storvsc, so the drill proves crashkernel, the kdump service, the capture kernel and its initrd on the emulated IDE path, the dump and the reboot — not the hv driver path an Azure VM's capture kernel takes"

    public var path: String
    public var verdict: DrillVerdict
    public var reason: String
    public var accelerator: DrillMachine.Accelerator
    public var memoryMiB: Int
    public var cpus: Int
    public var timeline: [TimelineEntry]
    /// nil when the disk could not be read afterwards.
    public var evidence: DrillEvidence?
    /// The console's last lines, exactly as received (bounded; escaped only when printed as text).
    public var consoleTail: [String]
    public var notShown: String

    enum CodingKeys: String, CodingKey {
        case path, verdict, reason, accelerator, cpus, timeline, evidence
        case memoryMiB = "memory_mib"
        case consoleTail = "console_tail"
        case notShown = "not_shown"
    }

    public init(path: String, verdict: DrillVerdict, reason: String, accelerator: DrillMachine.Accelerator, memoryMiB: Int, cpus: Int,
                timeline: [TimelineEntry], evidence: DrillEvidence?, consoleTail: [String], notShown: String = DrillReport.notShownText) {
        self.path = path
        self.verdict = verdict
        self.reason = reason
        self.accelerator = accelerator
        self.memoryMiB = memoryMiB
        self.cpus = cpus
        self.timeline = timeline
        self.evidence = evidence
        self.consoleTail = consoleTail
        self.notShown = notShown
    }

    /// The report of a finished drill: judged (`DrillVerdict.judge`) from its timeline, how it
    /// ended and the evidence, on `machine`.
    public init(path: String, machine: DrillMachine, timeline: ConsoleTimeline, end: DrillEnd, evidence: DrillEvidence?) {
        let judged = DrillVerdict.judge(timeline: timeline, end: end, evidence: evidence)
        self.init(path: path, verdict: judged.verdict, reason: judged.reason, accelerator: machine.accelerator,
                  memoryMiB: machine.memoryMiB, cpus: machine.cpus, timeline: timeline.entries, evidence: evidence,
                  consoleTail: timeline.lastLines)
    }
}

/// The JSON report of `kdumpbake drill --format json`: `{tool, version, images: [...], summary}`.
public struct DrillDocument: Encodable, Sendable {
    public var tool = "kdumpbake"
    public var version = KdumpBakeVersion.current
    public var images: [DrillReport]
    public var summary: Summary

    public init(images: [DrillReport]) {
        self.images = images
        summary = Summary(images)
    }

    /// 0 when every image rebooted with a dump, else 1.
    public var exitCode: Int32 { images.map(\.verdict.exitCode).max() ?? 0 }

    public func json() -> String {
        String(decoding: JSONOutput.encode(self, pretty: true) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }

    /// `{"images": N, "rebooted-with-dump": N, …}`: a verdict no image got is left out.
    public struct Summary: Encodable, Sendable, Equatable {
        public var images: Int
        public var verdicts: [DrillVerdict: Int]

        init(_ reports: [DrillReport]) {
            images = reports.count
            verdicts = Dictionary(reports.map { ($0.verdict, 1) }, uniquingKeysWith: +)
        }

        public func count(_ verdict: DrillVerdict) -> Int { verdicts[verdict] ?? 0 }

        public func encode(to encoder: Encoder) throws {
            try FlatCounts(images: images, counts: verdicts).encode(to: encoder)
        }
    }
}
