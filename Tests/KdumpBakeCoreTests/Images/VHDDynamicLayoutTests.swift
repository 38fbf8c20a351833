import Foundation
import HostProcess
import KdumpBakeCore
import TestSupport
import Testing

/// Dynamic VHDs made by qemu-img, then damaged byte by byte: the header and block allocation
/// table are checked on the host, and `patch` refuses a damaged container before any appliance
/// starts (exit 2, byte-identical).
@Suite struct VHDDynamicLayoutTests {
    /// A 64 MiB dynamic VHD with its first 3 MiB of random data (two allocated blocks).
    private func dynamicVHD(in directory: HostDirectory, name: String = "dynamic.vhd") throws -> String {
        let raw = directory.path + "/source.raw"
        var data = Data((0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
        data.append(Data(count: (64 << 20) - data.count))
        try data.write(to: URL(fileURLWithPath: raw))
        let path = directory.path + "/" + name
        let convert = try ChildProcess("/usr/bin/qemu-img", ["convert", "-q", "-f", "raw", "-O", "vpc", "-o", "subformat=dynamic", raw, path],
                                       standardOutput: .inherit, standardError: .inherit).run()
        #expect(convert.termination == .exited(0))
        return path
    }

    /// Overwrites bytes at `offset` (a big-endian UInt32 by default).
    private func poke(_ path: String, at offset: UInt64, _ value: UInt32) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: offset)
        handle.write(withUnsafeBytes(of: value.bigEndian) { Data($0) })
        try handle.close()
    }

    /// The header is at 512 and qemu-img puts the table at 1536; the test reads both to be sure.
    private func tableOffset(_ path: String) throws -> UInt64 {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)).prefix(2048))
        #expect(Array(bytes[512..<520]) == Array("cxsparse".utf8))
        return bytes[528..<536].reduce(0) { $0 << 8 | UInt64($1) }
    }

    @Test func soundDynamicVHDHasNoDamageButIsNotFixed() throws {
        let directory = try HostDirectory()
        let path = try dynamicVHD(in: directory)
        #expect(ContainerDamage.problems(path: path, format: .vhd) == [])
        let finding = VHDFormatCheck.run(path: path, format: .vhd)
        #expect(finding.status == .fail)
        #expect(finding.message.hasPrefix("disk type is dynamic; Azure accepts only fixed VHDs"))
    }

    @Test func blockPointingPastTheEndIsABrokenTable() throws {
        let directory = try HostDirectory()
        let path = try dynamicVHD(in: directory)
        try poke(path, at: try tableOffset(path) + 4, 0x7FFF_FFF0)
        let problems = ContainerDamage.problems(path: path, format: .vhd)
        #expect(problems == ["the block allocation table is broken: 1 block(s) point outside the file's data (first: block 1)"])
        #expect(VHDFormatCheck.run(path: path, format: .vhd).message.contains("block allocation table is broken"))
    }

    @Test func corruptHeaderAndMisplacedTableAreNamed() throws {
        let directory = try HostDirectory()
        let checksum = try dynamicVHD(in: directory, name: "checksum.vhd")
        try poke(checksum, at: 512 + 32, 0x0000_1000)  // block size 4 KiB: the stored checksum no longer matches
        #expect(ContainerDamage.problems(path: checksum, format: .vhd).first?.contains("dynamic disk header checksum") == true)

        let table = try dynamicVHD(in: directory, name: "table.vhd")
        try poke(table, at: 512 + 16, 0x7FFF_0000)  // table offset high word: far past the end
        #expect(ContainerDamage.problems(path: table, format: .vhd).contains { $0.contains("runs past the end of the file") })

        let header = try dynamicVHD(in: directory, name: "header.vhd")
        try poke(header, at: 512, 0x4E4F_5045)  // "NOPE" over the cookie
        #expect(ContainerDamage.problems(path: header, format: .vhd) == ["no dynamic disk header (cookie \"cxsparse\") where the footer's data offset points"])
    }

    /// Row 2/3 for `patch`: every damaged or non-image input is refused on the host before an
    /// appliance starts, each with one line naming the file, exit 2, nothing written.
    @Test func patchRefusesDamagedContainersUntouched() throws {
        let directory = try HostDirectory()
        let broken = try dynamicVHD(in: directory, name: "broken-bat.vhd")
        try poke(broken, at: try tableOffset(broken), 0x7FFF_FFF0)
        let fixed = directory.path + "/fixed.vhd"
        _ = try ChildProcess("/usr/bin/qemu-img", ["convert", "-q", "-f", "raw", "-O", "vpc", "-o", "subformat=fixed,force_size", directory.path + "/source.raw", fixed],
                             standardOutput: .inherit, standardError: .inherit).run()
        let vhd = try Data(contentsOf: URL(fileURLWithPath: fixed))
        var badSum = vhd
        badSum[vhd.count - 512 + 100] ^= 0xFF
        let files: [String: Data] = [
            "empty.vhd": Data(),
            "text.vhd": Data(String(repeating: "not a disk\n", count: 1000).utf8),
            "truncated.vhd": vhd.prefix(vhd.count - 300),
            "badsum.vhd": badSum,
        ]
        for (name, data) in files { try data.write(to: URL(fileURLWithPath: directory.path + "/" + name)) }
        let paths = files.keys.sorted().map { directory.path + "/" + $0 } + [broken]
        let before = try paths.map { try FileFingerprint($0) }
        let listing = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()

        for path in paths {
            let run = try CLIRun.run(["patch", "--in-place", "--format", "json", path])
            #expect(run.status == 2, "\(path): \(run.stdout) \(run.stderr)")
            let errorLines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("kdumpbake: ") }
            #expect(errorLines.count == 1 && errorLines[0].contains(path), "\(path): \(run.stderr)")
        }
        let expectations = [
            "badsum.vhd": "footer checksum", "empty.vhd": "empty file, not a disk image",
            "text.vhd": "named .vhd but its content is raw", "truncated.vhd": "named .vhd but its content is raw",
            "broken-bat.vhd": "the block allocation table is broken",
        ]
        for (name, text) in expectations {
            let run = try CLIRun.run(["patch", "--in-place", directory.path + "/" + name])
            #expect(run.stdout.contains(text) || run.stderr.contains(text), "\(name): \(run.stdout) \(run.stderr)")
        }
        #expect(try paths.map { try FileFingerprint($0) } == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == listing)
        #expect(qemuCommandLines().filter { $0.contains(directory.path) }.isEmpty)
    }
}
