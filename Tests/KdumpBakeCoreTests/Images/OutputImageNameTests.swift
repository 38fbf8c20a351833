import KdumpBakeCore
import Testing

@Suite struct OutputImageNameTests {
    @Test func aConvertedCopyWearsItsFormatsExtension() {
        #expect(OutputImageName.fileName(for: "/b/golden.raw", format: .vhd) == "golden.vhd")
        #expect(OutputImageName.fileName(for: "/b/golden.qcow2", format: .vhd) == "golden.vhd")
        #expect(OutputImageName.fileName(for: "/b/golden.IMG", format: .vhd) == "golden.vhd")
        #expect(OutputImageName.fileName(for: "/b/golden.vhd", format: .raw) == "golden.raw")
        #expect(OutputImageName.fileName(for: "/b/golden", format: .vhd) == "golden.vhd")
        #expect(OutputImageName.fileName(for: "/b/centos-7.9", format: .vhd) == "centos-7.9.vhd", "only image extensions are replaced")
        #expect(OutputImageName.fileName(for: "/b/.raw", format: .vhd) == ".raw.vhd")
        #expect(OutputImageName.fileName(for: "/b/golden.raw", format: nil) == "golden.raw")
    }

    @Test func azureSizesRoundUpToWholeMiB() {
        #expect(AzureVHDSize.roundedUp(256 << 20) == 256 << 20)
        #expect(AzureVHDSize.roundedUp((256 << 20) + 512) == 257 << 20)
        #expect(AzureVHDSize.roundedUp(1) == 1 << 20)
        #expect(AzureVHDSize.roundedUp(0) == 0)
    }
}
