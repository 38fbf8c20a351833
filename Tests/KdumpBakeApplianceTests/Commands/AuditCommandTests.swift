import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HostProcess
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages
import TestSupport
import Testing

/// `kdumpbake audit` as users and pipelines run it: exit codes, formats, error lines.
@Suite struct AuditCommandTests {
    @Test func compliantImagesExitZeroWithDocumentedJSON() throws {
        let images = try [TestImageBuilder.image(CompliantRecipes.centos64, format: .raw),
                          TestImageBuilder.image(CompliantRecipes.centos79, format: .vhd)]
        let run = try CLIRun.run(["audit", "--jobs", "1", "--format", "json"] + images.map(\.path))
        #expect(run.status == 0, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(document["tool"] as? String == "kdumpbake")
        #expect(document["version"] as? String == KdumpBakeVersion.current)
        let summary = try #require(document["summary"] as? [String: Int])
        #expect(summary == ["images": 2, "compliant": 2, "non_compliant": 0, "errors": 0])
        let entries = try #require(document["images"] as? [[String: Any]])
        #expect(entries.map { $0["path"] as? String } == images.map(\.path))
        #expect(entries.map { $0["format"] as? String } == ["raw", "vhd"])
        for entry in entries {
            #expect(entry["compliant"] as? Bool == true)
            let os = try #require(entry["os"] as? [String: String])
            #expect(os["distro"] == "centos")
            let findings = try #require(entry["findings"] as? [[String: Any]])
            #expect(findings.map { $0["check"] as? String } == CheckID.audit.map(\.rawValue))
            #expect(findings.allSatisfy { ["pass", "warn", "skip"].contains($0["status"] as? String) })
        }
    }

    @Test func unreadableImageExitsTwoButOthersAreStillReported() throws {
        let stock = try TestImageBuilder.image(.centos64, format: .vhd)
        let missing = "/nonexistent/golden-\(UUID().uuidString).vhd"
        let directory = try HostDirectory()
        let report = directory.path + "/audit.xml"
        let before = try FileFingerprint(stock.path)
        let run = try CLIRun.run(["audit", "--format", "junit", "--output", report, stock.path, missing])
        #expect(run.status == 2)
        #expect(run.stderr.contains("\(missing): No such file or directory"))
        #expect(try FileFingerprint(stock.path) == before)
        let xml = try String(contentsOfFile: report, encoding: .utf8)
        let parsed = try JUnitSummary(xml)
        #expect(parsed.suites == 2)
        #expect(parsed.testcases == CheckID.audit.count + 1)
        #expect(parsed.failures == 2)  // sysctl.kernel_panic and kdump.config of the stock image
        #expect(parsed.errors == 1)    // image.open of the missing one
    }

    @Test func inputErrorsExitTwoWithOneLineAndLaunchNothing() throws {
        let directory = try HostDirectory()
        let manifest = directory.path + "/manifest.yaml"
        try "version: 1\nprofiles:\n  - name: p\n    family: el6\n    match: {distro: centos, versions: \"6.x\"}\n"
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let bad = try CLIRun.run(["audit", "--manifest", manifest, "/dev/null"])
        #expect(bad.status == 2)
        #expect(bad.stderr == "kdumpbake: \(manifest):5: profiles[0].match.versions: \"6.x\" is not a version range (examples: \">=6.3, <7\", \"7\", \"8.4\")\n")

        let noImages = try CLIRun.run(["audit"])
        #expect(noImages.status == 2)
        #expect(noImages.stderr.contains("no images given"))

        let usage = try CLIRun.run(["audit", "--format", "yaml", "x.vhd"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("yaml"))

        let directoryImage = try CLIRun.run(["audit", "--format", "json", directory.path])
        #expect(directoryImage.status == 2)
        #expect(directoryImage.stderr.contains("\(directory.path): is a directory, not a disk image"))

        // drill: the same one line, nothing booted, no empty report on stdout.
        let missing = directory.path + "/missing.vhd"
        let drill = try CLIRun.run(["drill", "--quiet", missing])
        #expect(drill.status == 2)
        #expect(drill.stderr == "kdumpbake: \(missing): No such file or directory\n", "\(drill.stderr)")
        #expect(drill.stdout.isEmpty, "\(drill.stdout)")
        let drillUsage = try CLIRun.run(["drill", "--memory", "64", missing])
        #expect(drillUsage.status == 2)
        #expect(drillUsage.stderr.contains("--memory must be at least 256"), "\(drillUsage.stderr)")
    }

    @Test func manifestImagesAreRelativeToTheManifest() throws {
        let directory = try HostDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/golden", withIntermediateDirectories: true)
        try "version: 1\nimages: [\"golden/*.vhd\"]\nprofiles:\n  - {name: p, family: el6, match: {distro: centos, versions: \"6\"}}\n"
            .write(toFile: directory.path + "/manifest.yaml", atomically: true, encoding: .utf8)
        let run = try CLIRun.run(["audit", "--manifest", directory.path + "/manifest.yaml"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("\"golden/*.vhd\" matches no file"))
    }

    /// `kdumpbake --help` names every subcommand with its purpose and shows an example of each,
    /// in lines that fit a terminal of 80 columns (issue 16, item 6).
    @Test func helpListsEverySubcommandWithAnExample() throws {
        let help = try CLIRun.run(["--help"])
        #expect(help.status == 0)
        let lines = help.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        for subcommand in ["audit", "patch", "drill", "recover", "render", "profiles"] {
            #expect(lines.contains { $0.hasPrefix("  \(subcommand) ") }, "\(subcommand) listed")
            #expect(lines.contains { $0.hasPrefix("  kdumpbake \(subcommand) ") }, "example of \(subcommand)")
        }
        #expect(lines.allSatisfy { $0.count <= 79 }, "\(lines.filter { $0.count > 79 })")
    }

    /// A fleet manifest: no profiles of its own, the built-in ones with values changed by name. No appliance.
    @Test func fleetManifestChangesBuiltInProfilesByName() throws {
        let directory = try HostDirectory()
        let fleet = directory.path + "/fleet.yaml"
        try "version: 1\noverrides:\n  el7-azure: {panic_timeout: 10, dump_path: /mnt/crash}\n".write(toFile: fleet, atomically: true, encoding: .utf8)
        let profiles = try CLIRun.run(["profiles", "--manifest", fleet])
        #expect(profiles.status == 0, "\(profiles.stderr)")
        let el7 = profiles.stdout.components(separatedBy: "\n\n").first { $0.hasPrefix("el7-azure\n") } ?? ""
        #expect(el7.contains("\n  kernel.panic = 10\n") && el7.contains("\n  path /mnt/crash\n"), "\(el7)")
        #expect(el7.contains("dracut_args --add-drivers \"hv_vmbus hv_storvsc\""), "the values not overridden stay built-in: \(el7)")
        #expect(profiles.stdout.contains("el6-hyperv\n"))

        try "version: 1\noverrides:\n  el7-azure: {disk_timeout: 100}\n".write(toFile: fleet, atomically: true, encoding: .utf8)
        let refused = try CLIRun.run(["audit", "--manifest", fleet, "x.vhd"])
        #expect(refused.status == 2)
        #expect(refused.stderr == "kdumpbake: \(fleet):3: overrides.el7-azure: disk_timeout is fatal on el7: kdumpctl refuses to start (\"Deprecated kdump config option\")\n")
    }
}



/// An audit killed half-way (SIGKILL: no cleanup code runs) still leaves every byte as it was,
/// and libguestfs's recovery process takes its qemu down with it.
@Suite struct AuditInterruptionTests {
    @Test func killedAuditLeavesImagesByteIdentical() throws {
        let images = try [TestImageBuilder.image(.centos64, format: .vhd), TestImageBuilder.image(.centos79, format: .raw)]
        let before = try images.map { try FileFingerprint($0.path) }
        let audit = try ChildProcess(CLIRun.binary, ["audit", "--tcg"] + images.map(\.path)).start()
        Thread.sleep(forTimeInterval: 12)  // inside the launch or the reads
        audit.send(SIGKILL)
        #expect(audit.wait().termination == .signalled(SIGKILL))
        #expect(try images.map { try FileFingerprint($0.path) } == before)
        // No qemu keeps an image open after its kdumpbake died.
        var lingering: [String] = []
        for _ in 0..<50 {
            lingering = qemuCommandLines().filter { line in images.contains { line.contains($0.path) } }
            if lingering.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(lingering.isEmpty)
    }
}

