import ArgumentParser
import Foundation
import KdumpBakeCore
import KdumpBakeAppliance

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

        @OptionGroup var options: ManifestOptions
        @OptionGroup var pipeline: PipelineOptions

        @Option(name: .long, help: "Report format.")
        var format: Format = .text

        @Option(name: .long, help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
        var output: String?

        @Argument(help: ArgumentHelp("Disk images (VHD, raw, qcow2). Default: the manifest's images.", valueName: "image"))
        var images: [String] = []

        func run() throws {
            let manifest = try options.loadManifest()
            let paths = try pipeline.select(try options.images(arguments: images, manifest: manifest))
            let progress = pipeline.progress()
            var policy = options.launchPolicy
            policy.verbose = pipeline.verbose
            let reports = AuditRunner.audit(paths, options: AuditOptions(manifest: manifest, profileName: options.profile, launchPolicy: policy),
                                            jobs: pipeline.effectiveJobs, events: progress.handle)
            let document = AuditDocument(images: reports)
            if let directory = pipeline.report {
                do { try ReportDirectory.write(audit: document, to: directory) } catch { say("\(error)"); throw ExitCode(2) }
            }
            let rendered: String
            switch format {
            case .text: rendered = TextReport(colour: output == nil && isatty(STDOUT_FILENO) == 1).render(document)
            case .json: rendered = document.json()
            case .junit: rendered = JUnitReport.render(document)
            }
            if output != nil || !progress.ownsStandardOutput { try ReportOutput.write(rendered, to: output) }
            for report in reports where report.hasErrors {
                for finding in report.findings where finding.status == .error {
                    say(finding.message.hasPrefix(report.path) ? finding.message : "\(report.path): \(finding.message)")
                }
            }
            throw ExitCode(document.exitCode)
        }
    }
}

/// Writes a report to stdout or, atomically, to a file.
enum ReportOutput {
    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            say("\(path): cannot write the report: \(error.localizedDescription)")
            throw ExitCode(2)
        }
    }
}
