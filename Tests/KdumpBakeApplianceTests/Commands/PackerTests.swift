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
        #expect(result.output.contains("patched with el6-hyperv and verified"))
        #expect(AuditRunner.audit([image.path], options: AuditOptions(manifest: .builtin())).first?.compliant == true)
        #expect(FileManager.default.fileExists(atPath: reports.path + "/junit.xml"))
    }

    @Test func packerBuildFailsWhenTheImageCannotBePatched() throws {
        let recipe = GuestRecipe.centos64.withFile("/etc/kdump-standin/fail", "stand-in mkdumprd: simulated failure\n")
        let image = try TestImageBuilder.scratchCopy(recipe, format: .vhd)
        defer { image.discardScratch() }
        let before = try FileFingerprint(image.path)
        let reports = try HostDirectory()
        let result = try build(image.path, reports: reports.path)
        #expect(result.status != 0)
        #expect(result.output.contains("simulated failure"))
        #expect(try FileFingerprint(image.path) == before)
    }
}
