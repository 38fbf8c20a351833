import Foundation
import KdumpBakeCore
import Testing

/// The architecture read from an ELF header, against the host's own binaries and crafted headers.
@Suite struct ElfArchitectureTests {
    @Test func theHostsShellIsX86_64() throws {
        let header = try #require(FileManager.default.contents(atPath: "/bin/sh")).prefix(ElfArchitecture.headerLength)
        #expect(ElfArchitecture.name(header: Array(header)) == "x86_64")
    }

    @Test func machinesAndByteOrders() {
        func header(_ elfClass: UInt8, _ order: UInt8, _ machine: UInt16) -> [UInt8] {
            var bytes: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, elfClass, order] + Array(repeating: 0, count: 14)
            let (low, high) = (UInt8(machine & 0xFF), UInt8(machine >> 8))
            (bytes[18], bytes[19]) = order == 1 ? (low, high) : (high, low)
            return bytes
        }
        #expect(ElfArchitecture.name(header: header(2, 1, 0xB7)) == "aarch64")
        #expect(ElfArchitecture.name(header: header(1, 1, 0x03)) == "i386")
        #expect(ElfArchitecture.name(header: header(2, 1, 0x15)) == "ppc64le")
        #expect(ElfArchitecture.name(header: header(2, 2, 0x15)) == "ppc64")
        #expect(ElfArchitecture.name(header: header(2, 2, 0x16)) == "s390x")
        // Not ELF, cut short, a 32-bit class with a 64-bit machine, an unknown machine: no name.
        #expect(ElfArchitecture.name(header: Array("#!/bin/sh\necho hello world".utf8)) == nil)
        #expect(ElfArchitecture.name(header: Array(header(2, 1, 0x3E).prefix(19))) == nil)
        #expect(ElfArchitecture.name(header: header(1, 1, 0x3E)) == nil)
        #expect(ElfArchitecture.name(header: header(2, 1, 0x1234)) == nil)
        #expect(ElfArchitecture.name(header: header(3, 1, 0x3E)) == nil)
    }
}
