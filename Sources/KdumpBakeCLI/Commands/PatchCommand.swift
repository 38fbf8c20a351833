import ArgumentParser
import Foundation
import KdumpBakeAppliance
import KdumpBakeCommandSupport
import KdumpBakeCore

extension KdumpBakeCommand {
    /// `kdumpbake patch`: make images compliant, verified, all-or-nothing.
    struct Patch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Configure kdump and kernel.panic in images, rebuild and verify the kdump initrd.",
            discussion: """
                Each image is patched on a qcow2 overlay in one appliance: templates rendered, files written \
                (owner, mode and SELinux label kept), the guest's own mkdumprd run for every kernel, then the \
                audit run again. Only when it passes are the changes committed into the image (--in-place) or \
                written as a new file (--output DIR); otherwise the image stays byte-identical. \
                Exit status: 0 all patched or already compliant, 1 some image failed, 2 usage or input error.
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @OptionGroup var manifest: ManifestOptions
        @OptionGroup var profile: ProfileOption
        @OptionGroup var appliance: ApplianceOptions
        @OptionGroup var pipeline: PipelineOptions
        @OptionGroup var packer: PackerOptions

        @Flag(name: .long, help: "Patch the images themselves (after verification; see the README for the commit window).")
        var inPlace = false

        @Option(name: .long, help: ArgumentHelp("Write patched copies into this directory; the originals are not modified.", valueName: "dir"),
                completion: .directory)
        var output: String?

        @Option(name: .long, help: ArgumentHelp(
            "With --output: write the copies in this format (vhd: a fixed VHD, size rounded up to a whole MiB, as Azure requires). Default: the input's.",
            valueName: "format"))
        var outputFormat: DiskImageFormat?

        @Flag(name: .long, help: "Open read-only and print the diff of every file and every command; change nothing.")
        var dryRun = false

        @Option(name: .long, help: ArgumentHelp("Templates overriding the built-in ones (same file names).", valueName: "dir"),
                completion: .directory)
        var templates: String?

        @Option(name: .long, help: ArgumentHelp("Seconds allowed for each mkdumprd run.", valueName: "seconds"))
        var rebuildTimeout: Int = 900

        @Option(name: .long, help: ArgumentHelp("Seconds allowed for all mkdumprd runs of one image together (see max_kernels in the manifest).", valueName: "seconds"))
        var rebuildBudget: Int = 3600

        @Option(name: .long, help: ArgumentHelp(
            "kdump initrds built at once inside one appliance. Default: the appliance's vCPUs, i.e. the host's cores divided among --jobs (at most 4); 1 builds them one after another.",
            valueName: "n"))
        var rebuildJobs: Int?

        @Option(name: .long, help: "Report format.")
        var format: Format = .text

        @Argument(help: ArgumentHelp("Disk images (VHD, raw, qcow2). Default: the manifest's images.", valueName: "image"),
                  completion: .file())
        var images: [String] = []

        func validate() throws {
            if !dryRun && !pipeline.list && inPlace == (output != nil) {
                throw ValidationError("say where the result goes: --in-place or --output DIR (exactly one), or --dry-run")
            }
            if rebuildTimeout <= 0 { throw ValidationError("--rebuild-timeout must be positive") }
            if rebuildBudget <= 0 { throw ValidationError("--rebuild-budget must be positive") }
            if let rebuildJobs, rebuildJobs <= 0 { throw ValidationError("--rebuild-jobs must be positive") }
            if outputFormat != nil && output == nil { throw ValidationError("--output-format needs --output DIR (an image patched in place keeps its format)") }
            if packer.packerManifest != nil && !images.isEmpty { throw ValidationError("name the images or give --packer-manifest, not both") }
        }

        func run() throws {
            let loaded = try manifest.loadManifest()
            let named = try packer.images() ?? manifest.images(arguments: images, manifest: loaded)
            guard let paths = pipeline.select(named) else { return }
            let templateSet: TemplateSet
            do {
                templateSet = try templates.map(TemplateSet.overriding(with:)) ?? .builtin()
            } catch {
                throw CommandFailure.input("\(error)")
            }
            var patchOptions = PatchOptions(
                manifest: loaded, profileName: profile.profile, templates: templateSet,
                destination: output.map { .directory($0) } ?? .inPlace, dryRun: dryRun,
                launchPolicy: appliance.launchPolicy(verbose: pipeline.verbose), rebuildTimeout: .seconds(rebuildTimeout))
            patchOptions.rebuildBudget = .seconds(rebuildBudget)
            patchOptions.rebuildJobs = rebuildJobs
            patchOptions.outputFormat = outputFormat
            let progress = pipeline.progress()
            let reports = PatchRunner.patch(paths, options: patchOptions, jobs: pipeline.effectiveJobs, events: progress.handle)
            if let directory = pipeline.report {
                do { try ReportDirectory.write(patch: reports, to: directory) } catch { throw CommandFailure.environment("\(error)") }
            }
            if !progress.ownsStandardOutput {
                switch format {
                case .json: print(PatchDocument(reports: reports).json(), terminator: "")
                case .text: print(PatchTextReport.render(reports), terminator: "")
                }
            }
            if let failure = FailureClass.verdict(of: reports) {
                // Input errors also get their one line on stderr, as audit's do, whatever the format.
                throw CommandFailure(failure, lines: reports.filter { $0.status == .invalid }.map(\.message))
            }
        }
    }
}

/// `--output-format vhd|raw|qcow2`: the format names are the core's own.
extension DiskImageFormat: ExpressibleByArgument {}
