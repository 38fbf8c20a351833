import Foundation
import HostProcess
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages
import TestSupport
import Testing

/// The Packer example (Examples/packer/kdumpbake.json) in a real `packer build`: it patches the
/// image, and the build fails when the image cannot be patched and verified.
private let packerPath = ["/usr/bin/packer", "/usr/local/bin/packer"].first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite(.enabled(if: packerPath != nil, "packer is not installed (ci/setup installs it)"))
struct PackerTests {
    static let template = Repository.path("Examples/packer/kdumpbake.json")

    /// Packer's exit status and everything it printed: stdout, then stderr.
    private func build(_ image: String, reports: String) throws -> (status: Int32, output: String) {
        let packer = try ChildProcess(packerPath!, ["build", "-color=false", "-var", "image=\(image)", "-var", "kdumpbake=\(CLIRun.binary)",
                                                    "-var", "report_dir=\(reports)", Self.template],
                                      environment: ProcessInfo.processInfo.environment.merging(["CHECKPOINT_DISABLE": "1"]) { $1 },
                                      standardOutput: .captureAll, standardError: .captureAll).run()
        return (packer.termination.statusOrSignal, packer.standardOutputText + packer.standardErrorText)
    }

    @Test func packerBuildPatchesTheImage() throws {
        let image = try TestImageBuilder.scratchCopy(.centos64, format: .vhd)
        defer { image.discardScratch() }
        let reports = try HostDirectory()
        let result = try build(image.path, reports: reports.path)
        #expect(result.status == 0, "\(result.output)")
        // kdumpbake's own verifying audit ran in the patch's appliance; an independent audit of patched
        // images is PatchApplianceTests' (each launch here costs ~30 CPU-seconds under TCG).
        #expect(result.output.contains("patched with el6-hyperv and verified"))
        #expect(FileManager.default.fileExists(atPath: reports.path + "/junit.xml"))
    }

    /// kdumpbake failing fails the build. The image is an empty file, refused before any appliance starts:
    /// what the build does with kdumpbake's exit status is what is tested here; how a patch that fails in
    /// the appliance leaves the image is PatchFailureTests'.
    @Test func packerBuildFailsWhenKdumpbakeFails() throws {
        let directory = try HostDirectory()
        let image = directory.path + "/empty.vhd"
        #expect(FileManager.default.createFile(atPath: image, contents: Data()))
        let reports = try HostDirectory()
        let result = try build(image, reports: reports.path)
        #expect(result.status != 0, "\(result.output)")
        #expect(result.output.contains("\(image): empty file, not a disk image"), "\(result.output)")
        #expect((try FileManager.default.attributesOfItem(atPath: image)[.size] as? NSNumber)?.intValue == 0)
    }
}
