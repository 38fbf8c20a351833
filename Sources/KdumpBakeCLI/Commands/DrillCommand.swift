import ArgumentParser
import Foundation
import KdumpBakeAppliance
import KdumpBakeCommandSupport
import KdumpBakeCore

extension KdumpBakeCommand {
    /// `kdumpbake drill`: boot a throw-away copy, panic it, watch the dump and the reboot.
    struct Drill: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove it: boot a throw-away copy of each image, crash it, and watch the dump get written and the VM reboot.",
            discussion: """
                Each image gets a qcow2 overlay in a private temporary directory (the image itself is only read, under a \
                shared lock). A one-shot trigger installed in the overlay crashes the kernel once kdump is armed; the VM \
                (qemu, PIIX IDE disk, no network; KVM when it works, else TCG) is watched on its serial console until \
                the second boot. Then the overlay is read for the dump and discarded. qemu does not emulate Hyper-V's \
                VMBus and storvsc: the drill proves crashkernel, the kdump service, the capture kernel and its initrd \
                on the emulated IDE path, the dump and the reboot, not the hv driver path. \
                Exit status: 0 every image rebooted with a dump, 1 some did not, 2 usage or input error.
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, junit }

        @OptionGroup var manifest: ManifestOptions
        @OptionGroup var profile: ProfileOption
        @OptionGroup var appliance: ApplianceOptions

        @Option(name: .long, help: ArgumentHelp("Memory of the VM (enough for the guest's crashkernel= reservation).", valueName: "MiB"))
        var memory: Int = 2048

        @Option(name: .long, help: ArgumentHelp("vCPUs of the VM.", valueName: "n"))
        var cpus: Int = 2

        @Option(name: .long, help: ArgumentHelp("Seconds the whole drill may take, shared among its phases (boot, arming, panic, capture, dump, reboot, second boot) in the default proportions; default: 2640 under TCG, 1050 with KVM.", valueName: "seconds"))
        var timeout: Int?

        @Option(name: .long, help: "Report format.")
        var format: Format = .text

        @Option(name: .long, help: ArgumentHelp("Also write drill.json and junit.xml into this directory.", valueName: "dir"),
                completion: .directory)
        var report: String?

        @Flag(name: .shortAndLong, help: "No progress output.")
        var quiet = false

        @Flag(name: .shortAndLong, help: "Add libguestfs's own log messages to the progress output.")
        var verbose = false

        @Argument(help: ArgumentHelp("Disk images (VHD, raw, qcow2). Default: the manifest's images.", valueName: "image"),
                  completion: .file())
        var images: [String] = []

        func validate() throws {
            if memory < 256 { throw ValidationError("--memory must be at least 256 (MiB)") }
            if cpus < 1 { throw ValidationError("--cpus must be at least 1") }
            if let timeout, timeout < 1 { throw ValidationError("--timeout must be positive") }
        }

        func run() throws {
            let loaded = try manifest.loadManifest()
            let paths = try manifest.images(arguments: images, manifest: loaded)
            let progress = ProgressRenderer.shared.show(jsonEvents: false, quiet: quiet)
            let options = DrillOptions(manifest: loaded, profileName: profile.profile,
                                       launchPolicy: appliance.launchPolicy(verbose: verbose),
                                       memoryMiB: memory, cpus: cpus, phaseTimeout: timeout)
            let runs = DrillRunner.drill(paths, options: options, events: progress.handle)
            let document = DrillDocument(images: runs.compactMap(\.report))
            if let report {
                do { try ReportDirectory.write(drill: document, to: report) } catch { throw CommandFailure.environment("\(error)") }
            }
            let inputErrors = runs.compactMap(\.inputError)
            // Nothing was drilled: the input errors' own lines (stderr) are the whole answer.
            if document.images.isEmpty, !inputErrors.isEmpty { throw CommandFailure(.input, lines: inputErrors) }
            switch format {
            case .text: try ReportOutput.write(DrillTextReport.render(document, colour: isatty(STDOUT_FILENO) == 1), to: nil)
            case .json: try ReportOutput.write(document.json(), to: nil)
            case .junit: try ReportOutput.write(DrillJUnitReport.render(document), to: nil)
            }
            if !inputErrors.isEmpty { throw CommandFailure(.input, lines: inputErrors) }
            if document.exitCode != 0 { throw CommandFailure(.guest) }
        }
    }
}
