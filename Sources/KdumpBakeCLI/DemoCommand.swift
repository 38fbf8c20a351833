import ArgumentParser
import Foundation
import Guestfs
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages

extension KdumpBakeCommand {
    /// `kdumpbake demo`: the main job end to end on a built-in sample image.
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a sample CentOS 6.4 look-alike VHD, audit it, patch it, audit it again.",
            discussion: """
                The sample is a LOOK-ALIKE built from scratch (CentOS cannot be downloaded here): the files \
                kdumpbake reads, a static busybox, and a test stand-in for /sbin/mkdumprd. It is not a \
                bootable CentOS. Everything else — the appliance, the audit, the patch — is the real thing.
                """
        )

        @Argument(help: ArgumentHelp("Where to put the sample image.", valueName: "dir"))
        var directory: String = "kdumpbake-demo"

        @Flag(name: .long, help: "Run the appliance under TCG without trying KVM first.")
        var tcg = false

        func run() throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let image = (directory as NSString).appendingPathComponent("centos-6.4-lookalike.vhd")
            print("==> Building the sample: a CentOS 6.4 LOOK-ALIKE fixed VHD with a stand-in mkdumprd (not a real CentOS)")
            let built = try TestImageBuilder.image(.centos64, format: .vhd)
            try? FileManager.default.removeItem(atPath: image)
            try FileManager.default.copyItem(atPath: built.path, toPath: image)
            print("    \(image)\n")

            let manifest = Manifest.builtin()
            let policy = LaunchPolicy.fromEnvironment(ProcessInfo.processInfo.environment, forceTCG: tcg)
            let colour = isatty(STDOUT_FILENO) == 1

            print("==> kdumpbake audit \(image)")
            let before = AuditDocument(images: AuditRunner.audit([image], options: AuditOptions(manifest: manifest, launchPolicy: policy), log: say))
            print(TextReport(colour: colour).render(before))

            print("==> kdumpbake patch --in-place \(image)")
            let progress = ProgressRenderer.choose(events: nil, quiet: false)
            let reports = PatchRunner.patch([image], options: PatchOptions(manifest: manifest, destination: .inPlace, launchPolicy: policy), events: progress.handle)
            print(PatchTextReport.render(reports))
            guard PatchRunner.exitCode(reports) == 0 else { throw ExitCode(PatchRunner.exitCode(reports)) }

            print("==> What changed")
            print(reports.first?.diff ?? "")

            print("==> kdumpbake audit \(image)")
            let after = AuditDocument(images: AuditRunner.audit([image], options: AuditOptions(manifest: manifest, launchPolicy: policy), log: say))
            print(TextReport(colour: colour).render(after))
            throw ExitCode(after.exitCode)
        }
    }
}
