import Foundation
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages
import TestSupport
import Testing

/// Files that are not (whole) disk images: each gets its own clear error, the good image beside
/// them is still audited, nothing is written, exit 2.
@Suite struct BadInputTests {
    @Test func brokenImagesAreReportedOneByOne() throws {
        let directory = try HostDirectory()
        let stock = try TestImageBuilder.image(.centos64, format: .vhd)
        let size = Int((try FileManager.default.attributesOfItem(atPath: stock.path)[.size] as? NSNumber)?.intValue ?? 0)
        let vhd = try Data(contentsOf: URL(fileURLWithPath: stock.path))
        var badSum = vhd
        badSum[size - 512 + 100] ^= 0xFF
        let files: [String: Data] = [
            "empty.vhd": Data(),
            "text.vhd": Data(String(repeating: "not a disk\n", count: 100_000).utf8),
            "truncated.vhd": vhd.prefix(size - 300),
            "badsum.vhd": badSum,
        ]
        for (name, data) in files { try data.write(to: URL(fileURLWithPath: directory.path + "/" + name)) }
        // A dynamic VHD of the same guest whose block allocation table points past the file's end.
        let brokenBAT = directory.path + "/broken-bat.vhd"
        #expect(try HostTool.run(["qemu-img", "convert", "-q", "-f", "vpc", "-O", "vpc", "-o", "subformat=dynamic", stock.path, brokenBAT]).status == 0)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: brokenBAT))
        try handle.seek(toOffset: 1536)  // qemu-img's table offset, checked below through the finding
        handle.write(Data([0x7F, 0xFF, 0xFF, 0xF0]))
        try handle.close()
        let good = directory.path + "/good.vhd"
        try FileManager.default.copyItem(atPath: stock.path, toPath: good)
        let paths = files.keys.sorted().map { directory.path + "/" + $0 } + [brokenBAT, good]
        let before = try paths.map { try FileFingerprint($0) }

        let run = try CLIRun.run(["audit", "--jobs", "1", "--format", "json"] + paths)
        #expect(run.status == 2)
        #expect(try paths.map { try FileFingerprint($0) } == before)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let images = try #require(document["images"] as? [[String: Any]])
        func finding(_ name: String, _ check: String) -> [String: Any]? {
            let image = images.first { ($0["path"] as? String)?.hasSuffix("/" + name) == true }
            return (image?["findings"] as? [[String: Any]])?.first { $0["check"] as? String == check }
        }
        #expect(finding("empty.vhd", "image.open")?["message"] as? String == "\(directory.path)/empty.vhd: empty file, not a disk image")
        #expect((finding("text.vhd", "vhd.format")?["message"] as? String)?.contains("named .vhd but its content is raw") == true)
        #expect(finding("text.vhd", "os.supported")?["message"] as? String == "no operating system found on this image")
        #expect(finding("truncated.vhd", "vhd.format")?["status"] as? String == "fail")
        #expect((finding("badsum.vhd", "vhd.format")?["message"] as? String)?.contains("footer checksum") == true)
        #expect((finding("broken-bat.vhd", "vhd.format")?["message"] as? String)?.contains("the block allocation table is broken") == true)
        // The good image in the same run is audited as usual.
        #expect(finding("good.vhd", "os.supported")?["status"] as? String == "pass")
        #expect(finding("good.vhd", "sysctl.kernel_panic")?["status"] as? String == "fail")
        for name in ["empty.vhd", "text.vhd", "badsum.vhd"] {
            #expect(run.stderr.contains("\(directory.path)/\(name)"), "no error line for \(name): \(run.stderr)")
        }
    }
}
