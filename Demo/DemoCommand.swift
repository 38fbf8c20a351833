import ArgumentParser
import Foundation
import KdumpBakeAppliance
import KdumpBakeCommandSupport
import KdumpBakeCore
import TestImages

/// `swift run kdumpbake-demo`: the main job end to end on a sample image. A separate executable,
/// not a `kdumpbake` subcommand, because the sample is built with the test image builder
/// (Tests/TestImages), whose stand-in kdump tools must not ship inside the product.
@main
struct KdumpBakeDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kdumpbake-demo",
        abstract: "Build a sample CentOS 6.4 look-alike VHD, audit it, patch it, audit it again.",
        discussion: """
            The sample is a LOOK-ALIKE built from scratch (CentOS cannot be downloaded here): the files \
            kdumpbake reads, a static busybox, and a test stand-in for /sbin/mkdumprd. It is not a \
            bootable CentOS. Everything else — the appliance, the audit, the patch — is the real thing, \
            the same code `kdumpbake audit` and `kdumpbake patch --in-place` run.
            """
    )

    @Argument(help: ArgumentHelp("Where to put the sample image.", valueName: "dir"), completion: .directory)
    var directory: String = "kdumpbake-demo"

    @Flag(name: .long, help: "Run the appliance under TCG without trying KVM first.")
    var tcg = false

    /// Exits as `kdumpbake` does: the exit status comes from how the run ended (`FailureClass`).
    static func main() { runClassifyingErrors() }

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
        let progress = ProgressRenderer.shared.show(jsonEvents: false, quiet: false)
        let reports = PatchRunner.patch([image], options: PatchOptions(manifest: manifest, destination: .inPlace, launchPolicy: policy), events: progress.handle)
        print(PatchTextReport.render(reports))
        // The report above says what went wrong; no line to add.
        if let failure = FailureClass.verdict(of: reports) { throw CommandFailure(failure) }

        print("==> What changed")
        print(reports.first?.diff ?? "")

        print("==> kdumpbake audit \(image)")
        let after = AuditDocument(images: AuditRunner.audit([image], options: AuditOptions(manifest: manifest, launchPolicy: policy), log: say))
        print(TextReport(colour: colour).render(after))
        if let failure = FailureClass.verdict(of: after) { throw CommandFailure(failure) }
    }
}
