import Foundation
import HostProcess
import KdumpBakeCore
import TestImages
import TestSupport
import Testing

/// The Packer example (Examples/packer/kdumpbake.pkr.hcl, HCL2) in a real `packer build`: its
/// manifest post-processor records the image, kdumpbake takes it from there (--packer-manifest),
/// patches and verifies it, and the build fails when kdumpbake fails.
private let packerPath = ["/usr/bin/packer", "/usr/local/bin/packer"].first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite(.enabled(if: packerPath != nil, "packer is not installed (ci/setup installs it)"))
struct PackerTests {
    static let template = Repository.path("Examples/packer/kdumpbake.pkr.hcl")

    /// Runs the template in `directory` (Packer's working directory: output/, the manifest and the
    /// reports land there); Packer's exit status and everything it printed, stdout then stderr.
    private func build(_ image: String, in directory: String) throws -> (status: Int32, output: String) {
        let packer = try ChildProcess(packerPath!, ["build", "-color=false", "-var", "image=\(image)", "-var", "kdumpbake=\(CLIRun.binary)",
                                                    "-var", "report_dir=\(directory)/reports", Self.template],
                                      environment: ProcessInfo.processInfo.environment.merging(["CHECKPOINT_DISABLE": "1"]) { $1 },
                                      workingDirectory: directory, standardOutput: .captureAll, standardError: .captureAll).run()
        return (packer.termination.statusOrSignal, packer.standardOutputText + packer.standardErrorText)
    }

    @Test func packerBuildPatchesTheImageItRecordedInItsManifest() throws {
        let golden = try TestImageBuilder.image(.centos64, format: .vhd)
        let before = try FileFingerprint(golden.path)
        let directory = try HostDirectory()
        let result = try build(golden.path, in: directory.path)
        #expect(result.status == 0, "\(result.output)")
        // kdumpbake's own verifying audit ran in the patch's appliance; an independent audit of patched
        // images is PatchApplianceTests' (each launch here costs ~30 CPU-seconds under TCG).
        #expect(result.output.contains("output/golden.vhd: patched with el6-hyperv and verified"), "\(result.output)")
        #expect(FileManager.default.fileExists(atPath: directory.path + "/packer-manifest.json"))
        #expect(FileManager.default.fileExists(atPath: directory.path + "/reports/junit.xml"))
        #expect(try FileFingerprint(directory.path + "/output/golden.vhd") != before, "the build's copy was patched")
        #expect(try FileFingerprint(golden.path) == before, "the builder's input is untouched")
    }

    /// kdumpbake failing fails the build. The built image is an empty file, refused before any appliance
    /// starts: what the build does with kdumpbake's exit status is what is tested here; how a patch that
    /// fails in the appliance leaves the image is PatchFailureTests'.
    @Test func packerBuildFailsWhenKdumpbakeFails() throws {
        let directory = try HostDirectory()
        let empty = directory.path + "/empty.vhd"
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let result = try build(empty, in: directory.path)
        #expect(result.status != 0, "\(result.output)")
        #expect(result.output.contains("kdumpbake: output/golden.vhd: empty file, not a disk image"), "\(result.output)")
    }
}
