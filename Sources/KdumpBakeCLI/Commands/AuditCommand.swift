import ArgumentParser
import Foundation
import KdumpBakeAppliance
import KdumpBakeCommandSupport
import KdumpBakeCore

extension KdumpBakeCommand {
    /// `kdumpbake audit`: read-only compliance report.
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check images read-only: will they reboot by themselves after a panic on Azure?",
            discussion: """
                Opens every image read-only (its format detected from its content), under a shared lock, in one \
                appliance. Never changes a byte. Exit status: 0 all compliant, 1 some image non-compliant, \
                2 usage error or an image that could not be audited (the others are still reported).
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, junit }

        @OptionGroup var manifest: ManifestOptions
        @OptionGroup var profile: ProfileOption
        @OptionGroup var appliance: ApplianceOptions
        @OptionGroup var pipeline: PipelineOptions
        @OptionGroup(title: "Images on web servers") var remote: RemoteImageOptions

        @Option(name: .long, help: "Report format.")
        var format: Format = .text

        @Option(name: .long, help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"),
                completion: .file())
        var output: String?

        @Argument(help: ArgumentHelp("Disk images (VHD, raw, qcow2): files, or http(s):// URLs read in place by range requests. Default: the manifest's images.",
                                     valueName: "image"),
                  completion: .file())
        var images: [String] = []

        func run() throws {
            let loaded = try manifest.loadManifest()
            let sources = try remote.sources(arguments: images, manifestOptions: manifest, manifest: loaded)
            guard let selected = pipeline.select(sources.map(\.name)) else { return }
            let progress = pipeline.progress()
            let options = AuditOptions(manifest: loaded, profileName: profile.profile,
                                       launchPolicy: appliance.launchPolicy(verbose: pipeline.verbose), http: remote.http)
            let chosen = Set(selected)
            let reports = AuditRunner.audit(sources.filter { chosen.contains($0.name) }, options: options, jobs: pipeline.effectiveJobs, events: progress.handle)
            let document = AuditDocument(images: reports)
            if let directory = pipeline.report {
                do { try ReportDirectory.write(audit: document, to: directory) } catch { throw CommandFailure.environment("\(error)") }
            }
            let rendered: String
            switch format {
            case .text: rendered = TextReport(colour: output == nil && isatty(STDOUT_FILENO) == 1).render(document)
            case .json: rendered = document.json()
            case .junit: rendered = JUnitReport.render(document)
            }
            if output != nil || !progress.ownsStandardOutput { try ReportOutput.write(rendered, to: output) }
            if let failure = FailureClass.verdict(of: document) {
                // Each image that could not be audited also gets its one line on stderr.
                throw CommandFailure(failure, lines: reports.filter(\.hasErrors).flatMap { report in
                    report.findings.filter { $0.status == .error }.map { finding in
                        finding.message.hasPrefix(report.path) ? finding.message : "\(report.path): \(finding.message)"
                    }
                })
            }
        }
    }
}
