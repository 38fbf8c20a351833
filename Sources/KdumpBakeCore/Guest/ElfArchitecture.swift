/// The architecture an ELF file is built for, from its first 20 bytes: what libguestfs's
/// `file_architecture` answers, without running `file` in the appliance (half a second per
/// image under TCG, for a name the report only displays). Guest bytes: anything that is not a
/// well-formed ELF header gives nil.
public enum ElfArchitecture {
    /// Bytes to read from the start of the file.
    public static let headerLength = 20

    /// `x86_64`, `i386`, `aarch64`, `arm`, `ppc64`/`ppc64le`, `s390x`, `riscv64`, or nil.
    public static func name(header bytes: [UInt8]) -> String? {
        guard bytes.count >= headerLength, bytes[0..<4] == [0x7F, 0x45, 0x4C, 0x46] else { return nil }
        let is64 = bytes[4] == 2, littleEndian = bytes[5] == 1
        guard bytes[4] == 1 || is64, bytes[5] == 1 || bytes[5] == 2 else { return nil }
        let machine = littleEndian ? UInt16(bytes[18]) | UInt16(bytes[19]) << 8 : UInt16(bytes[18]) << 8 | UInt16(bytes[19])
        switch (machine, is64) {
        case (0x3E, true): return "x86_64"
        case (0x03, false): return "i386"
        case (0xB7, true): return "aarch64"
        case (0x28, false): return "arm"
        case (0x15, true): return littleEndian ? "ppc64le" : "ppc64"
        case (0x16, true): return "s390x"
        case (0xF3, true): return "riscv64"
        default: return nil
        }
    }
}
