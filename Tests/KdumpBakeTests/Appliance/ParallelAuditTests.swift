import Foundation
import KdumpBake
import TestImages
import Testing

/// `--jobs 2` gives the same reports as `--jobs 1`, and `--report DIR` writes them per image.
@Suite struct ParallelAuditTests {
    @Test func twoJobsReportExactlyWhatOneJobDoes() throws {
        let images = try [(GuestRecipe.centos64, DiskFormat.raw), (.centos79, .vhd), (CompliantRecipes.centos64, .vhd), (.centos64, .vhd)]
            .map { try TestImageBuilder.image($0.0, format: $0.1).path }
        let reports = try HostDirectory()
        let sequential = try CLIRun.run(["audit", "--jobs", "1", "--format", "json"] + images)
        let parallel = try CLIRun.run(["audit", "--jobs", "2", "--format", "json", "--report", reports.path] + images)
        #expect(sequential.status == 1 && parallel.status == 1)
        #expect(parallel.stdout == sequential.stdout)
        // Progress and log lines are whole lines.
        #expect(parallel.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("kdumpbake: ") })

        let files = try FileManager.default.contentsOfDirectory(atPath: reports.path).sorted()
        #expect(files.count == images.count + 1)
        #expect(files.contains("junit.xml"))
        let junit = try JUnitSummary(String(contentsOfFile: reports.path + "/junit.xml", encoding: .utf8))
        #expect(junit.suites == images.count && junit.testcases == images.count * GuestChecks.ids.count)
        for file in files where file.hasSuffix(".json") {
            let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reports.path + "/" + file))) as? [String: Any])
            let entries = try #require(document["images"] as? [[String: Any]])
            #expect(entries.count == 1)
            #expect(images.contains(entries[0]["path"] as? String ?? ""))
        }
    }
}
