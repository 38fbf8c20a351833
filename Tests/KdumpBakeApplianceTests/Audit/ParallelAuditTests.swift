import Foundation
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages
import TestSupport
import Testing

/// `--jobs 2` gives the same reports as `--jobs 1`, and `--report DIR` writes them per image.
@Suite struct ParallelAuditTests {
    @Test func twoJobsReportExactlyWhatOneJobDoes() throws {
        let images = try [(GuestRecipe.centos64, DiskFormat.raw), (.centos79, .vhd), (CompliantRecipes.centos64, .vhd), (.centos64, .vhd)]
            .map { try TestImageBuilder.image($0.0, format: $0.1).path }
        let reports = try HostDirectory()
        let sequential = try CLIRun.run(["audit", "--jobs", "1", "--format", "json"] + images)
        let document = reports.path + "/all.json.out"
        let parallel = try CLIRun.run(["audit", "--jobs", "2", "--format", "json", "--output", document, "--report", reports.path,
                                       "--events", "json"] + images)
        #expect(sequential.status == 1 && parallel.status == 1)
        #expect(try String(contentsOfFile: document, encoding: .utf8) == sequential.stdout)
        try FileManager.default.removeItem(atPath: document)
        // Progress lines without --events are whole, timestamped lines on stderr.
        #expect(sequential.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("[") || $0.hasPrefix("kdumpbake: ") }, "\(sequential.stderr)")
        // --events json: stdout holds only JSON events, with a final event per image.
        var finished: [String: String] = [:]
        for line in parallel.stdout.split(separator: "\n") {
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            #expect(event["elapsed"] is Double || event["elapsed"] is Int)
            if event["kind"] as? String == "finished", let image = event["image"] as? String { finished[image] = event["status"] as? String }
        }
        #expect(finished == [images[0]: "non-compliant", images[1]: "non-compliant", images[2]: "compliant", images[3]: "non-compliant"])

        let files = try FileManager.default.contentsOfDirectory(atPath: reports.path).sorted()
        #expect(files.count == images.count + 1)
        #expect(files.contains("junit.xml"))
        let junit = try JUnitSummary(String(contentsOfFile: reports.path + "/junit.xml", encoding: .utf8))
        #expect(junit.suites == images.count && junit.testcases == images.count * CheckID.audit.count)
        for file in files where file.hasSuffix(".json") {
            let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reports.path + "/" + file))) as? [String: Any])
            let entries = try #require(document["images"] as? [[String: Any]])
            #expect(entries.count == 1)
            #expect(images.contains(entries[0]["path"] as? String ?? ""))
        }
    }
}
