import Foundation
import KdumpBakeCore
import TestImages
import TestSupport
import Testing

/// `patch --output DIR --output-format vhd`: Azure-ready output from a raw build (issue 16, item 4).
/// Two raw inputs in one run: a stock one whose size is not a whole MiB (patched, rounded up, and
/// told so), and a compliant one (nothing to patch, converted unchanged).
@Suite struct OutputFormatTests {
    @Test func rawBuildsBecomeFixedWholeMiBVHDsThatPassTheVHDCheck() throws {
        let directory = try HostDirectory()
        let stock = directory.path + "/golden.raw"
        let compliant = directory.path + "/compliant.img"
        try FileManager.default.copyItem(atPath: try TestImageBuilder.image(.centos64, format: .raw).path, toPath: stock)
        try FileManager.default.copyItem(atPath: try TestImageBuilder.image(CompliantRecipes.centos64, format: .raw).path, toPath: compliant)
        // 256 MiB and one sector: what a raw build of an odd size looks like.
        let handle = try #require(FileHandle(forWritingAtPath: stock))
        try handle.truncate(atOffset: 256 << 20 + 512)
        try handle.close()
        let before = [try FileFingerprint(stock), try FileFingerprint(compliant)]
        try FileManager.default.createDirectory(atPath: directory.path + "/out", withIntermediateDirectories: false)

        let run = try CLIRun.run(["patch", "--output", directory.path + "/out", "--output-format", "vhd", stock, compliant])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stderr.contains("virtual size 268435968 bytes rounded up to 269484032 (257 MiB)"), "\(run.stderr)")
        #expect(run.stdout.contains("\(stock): patched with el6-hyperv and verified; written to \(directory.path)/out/golden.vhd"), "\(run.stdout)")
        #expect(run.stdout.contains("\(compliant): already compliant with el6-hyperv; written to \(directory.path)/out/compliant.vhd as vhd, unchanged"), "\(run.stdout)")
        #expect([try FileFingerprint(stock), try FileFingerprint(compliant)] == before, "the inputs are only read")

        for (name, size) in [("golden.vhd", UInt64(257 << 20)), ("compliant.vhd", UInt64(256 << 20))] {
            let path = directory.path + "/out/" + name
            #expect(try DiskImageFormat.detect(path: path) == .vhd)
            let footer = try VHDFooter.read(path: path)
            #expect(footer.diskType == .fixed && footer.currentSize == size && footer.checksumIsValid, "\(name)")
            let check = VHDFormatCheck.run(path: path, format: .vhd)
            #expect(check.status == .pass, "\(name): \(check.message)")
        }
        // Converted unchanged: the VHD's data is the raw image's bytes, then the footer.
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.path + "/out/compliant.vhd")).dropLast(512)
                == Data(contentsOf: URL(fileURLWithPath: compliant)))
    }
}
