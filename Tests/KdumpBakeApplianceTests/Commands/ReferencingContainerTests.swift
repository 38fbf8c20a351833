import Foundation
import TestSupport
import Testing

/// Images that make qemu open other host files are refused by `audit` and `patch` before any
/// qemu-img or appliance runs: exit 2, one stderr line per image naming it and the file it
/// references, every file byte-identical, and nothing of the referenced file's content in any
/// output (it would have become guest data, and could have ended up in the reports).
@Suite struct ReferencingContainerTests {
    @Test func imagesNamingHostFilesAreRefusedBeforeAnyAppliance() throws {
        let directory = try HostDirectory()
        func path(_ name: String) -> String { directory.path + "/" + name }
        // The images in a folder of their own, so a manifest glob can match the qcow2 ones.
        try FileManager.default.createDirectory(atPath: path("images"), withIntermediateDirectories: true)
        func image(_ name: String) -> String { path("images/" + name) }
        // The "host files": content no output may ever show.
        let marker = "KDUMPBAKE-HOST-SECRET-\(UUID().uuidString)"
        let hostFile = path("host-secret.raw")
        try Data((marker + "\n" + String(repeating: "x", count: 1 << 20)).utf8).write(to: URL(fileURLWithPath: hostFile))
        let base = path("base.qcow2")
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qcow2", base, "1M"])
        let dataFile = path("data-secret.raw")

        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qcow2", "-b", hostFile, "-F", "raw", image("raw-backed.qcow2"), "1M"])
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qcow2", "-b", base, "-F", "qcow2", image("qcow2-backed.qcow2"), "1M"])
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qcow2", "-o", "data_file=\(dataFile),data_file_raw=on", image("data-file.qcow2"), "1M"])
        try Data(marker.utf8).write(to: URL(fileURLWithPath: dataFile))  // the data file's content, written after qemu-img made it
        try ContainerFixtures.differencingVHD(image("differencing.vhd"), locator: ("W2ku", hostFile), unicodeName: "host-secret.raw")
        try Data("# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicFlat\"\nRW 2048 FLAT \"\(hostFile)\" 0\n".utf8)
            .write(to: URL(fileURLWithPath: image("descriptor.vmdk")))
        let references = [
            (image("raw-backed.qcow2"), hostFile),
            (image("qcow2-backed.qcow2"), base),
            (image("data-file.qcow2"), dataFile),
            (image("differencing.vhd"), hostFile),
            (image("descriptor.vmdk"), hostFile),
        ]
        let images = references.map(\.0)
        let watched = images + [hostFile, base, dataFile]
        let before = try watched.map { try FileFingerprint($0) }

        // A hypervisor that only leaves a trace: if any appliance were started, it would show.
        let launched = path("hypervisor-was-run")
        let trap = path("trap-qemu")
        try "#!/bin/sh\ntouch '\(launched)'\nexit 1\n".write(toFile: trap, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: trap)
        let environment = ["LIBGUESTFS_HV": trap]

        let outputDirectory = path("out")
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        let auditReport = path("audit.json")
        // --verbose: a launch would log libguestfs's own lines as progress messages, which
        // --events json sends to stdout, leaving stderr to the error lines alone.
        let runs: [(name: String, arguments: [String], reports: String)] = [
            ("audit", ["audit", "--jobs", "1", "--verbose", "--events", "json", "--format", "json", "--output", auditReport], auditReport),
            ("patch --in-place", ["patch", "--in-place", "--jobs", "1", "--verbose", "--events", "json", "--report", path("reports-in-place")], path("reports-in-place")),
            ("patch --output", ["patch", "--output", outputDirectory, "--jobs", "1", "--verbose", "--events", "json", "--report", path("reports-output")], path("reports-output")),
        ]
        for run in runs {
            let started = Date()
            let result = try CLIRun.run(run.arguments + images, environment: environment)
            print("\(run.name): \(images.count) images, \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
            #expect(result.status == 2, "\(run.name): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.count == images.count, "\(run.name) stderr: \(result.stderr)")
            for (image, referenced) in references {
                let naming = lines.filter { $0.hasPrefix("kdumpbake: \(image): ") }
                #expect(naming.count == 1, "\(run.name): \(image): \(lines)")
                #expect(naming.first?.contains(referenced) == true, "\(run.name): \(naming) does not name \(referenced)")
            }
            #expect(lines.filter { $0.contains("differencing.vhd") }.first?.contains("differencing VHD whose parent image is \(hostFile)") == true)
            // No appliance: no libguestfs log line among the events, no hypervisor run.
            #expect(!result.stdout.contains("libguestfs"), "\(run.name) launched an appliance: \(result.stdout)")
            #expect(!FileManager.default.fileExists(atPath: launched))

            var reports = ""
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: run.reports, isDirectory: &isDirectory), isDirectory.boolValue {
                for name in try FileManager.default.contentsOfDirectory(atPath: run.reports) {
                    reports += try String(contentsOfFile: run.reports + "/" + name, encoding: .utf8)
                }
            } else {
                reports = try String(contentsOfFile: run.reports, encoding: .utf8)
            }
            for (image, referenced) in references {
                #expect(reports.contains(referenced.replacingOccurrences(of: "/", with: "\\/")) || reports.contains(referenced),
                        "\(run.name): the report does not name \(referenced) for \(image)")
            }
            for output in [result.stdout, result.stderr, reports] {
                #expect(!output.contains(marker), "\(run.name): the host file's content leaked")
            }
            #expect(try watched.map { try FileFingerprint($0) } == before, "\(run.name) changed a file")
            #expect(try FileManager.default.contentsOfDirectory(atPath: outputDirectory).isEmpty, "\(run.name) wrote to --output")
        }

        // Images a manifest's glob matches go through the same detection as command-line ones.
        let manifest = path("manifest.yaml")
        try "version: 1\nimages: [\"images/*.qcow2\"]\nprofiles:\n  - {name: p, family: el6, match: {distro: centos, versions: \"6\"}}\n"
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let globbed = try CLIRun.run(["audit", "--manifest", manifest, "--jobs", "1", "--verbose", "--events", "json", "--format", "json",
                                      "--output", path("manifest-audit.json")], environment: environment)
        #expect(globbed.status == 2)
        let globbedLines = globbed.stderr.split(separator: "\n")
        let qcow2Images = references.filter { $0.0.hasSuffix(".qcow2") }
        #expect(globbedLines.count == qcow2Images.count, "\(globbed.stderr)")
        for (image, referenced) in qcow2Images {
            #expect(globbedLines.contains { $0.hasPrefix("kdumpbake: \(image): its qcow2 header names ") && $0.contains(referenced) }, "\(globbedLines)")
        }
        #expect(!globbed.stdout.contains("libguestfs") && !FileManager.default.fileExists(atPath: launched))
        #expect(!globbed.stdout.contains(marker) && !globbed.stderr.contains(marker))
        #expect(try watched.map { try FileFingerprint($0) } == before)

        let audit = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: auditReport))) as? [String: Any])
        let reported = try #require(audit["images"] as? [[String: Any]])
        #expect(reported.count == images.count)
        for image in reported {
            let findings = image["findings"] as? [[String: Any]] ?? []
            #expect(findings.count == 1 && findings.first?["check"] as? String == "image.open" && findings.first?["status"] as? String == "error",
                    "\(image)")
        }
    }
}
