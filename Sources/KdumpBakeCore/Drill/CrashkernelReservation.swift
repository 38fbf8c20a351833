/// How much memory a `crashkernel=` value reserves on a machine of a given size, so the drill can
/// give the guest enough memory, and say so when the memory asked for reserves nothing.
///
/// The forms the kernel accepts (x86, `parse_crashkernel` and friends, read for behaviour only):
/// - `SIZE[@OFFSET]` and `SIZE,high` / `SIZE,low`: that size, whatever the memory;
/// - `START-[END]:SIZE[,START-[END]:SIZE…][@OFFSET]`: the size of the range the machine's memory
///   falls in (START ≤ memory < END, an open END meaning no limit), nothing when none matches;
/// - `auto` (el6, el7, RHEL 8): the kernel decides, from thresholds of its own.
/// Sizes are `memparse` numbers: decimal (or 0x hex) with an optional K, M, G, T, P or E suffix.
///
/// The memory the kernel compares is not exactly qemu's `-m`: firmware keeps a little of it, so
/// older kernels see slightly less (and a range starting exactly at `-m` does not match), while
/// kernels since 5.17 round it up to 128 MiB first (and it does). This type takes the older,
/// stricter reading; `minimumMemoryMiB` keeps 128 MiB clear of every boundary, so its answer
/// holds for both.
public enum CrashkernelReservation {
    /// MiB that `value` reserves with `memoryMiB` of memory: 0 when it reserves nothing there,
    /// nil when the kernel decides (`auto`) or the value is not one the kernel can parse.
    public static func mebibytes(reservedBy value: String, memoryMiB: Int) -> Int? {
        guard let form = Form(value) else { return nil }
        switch form {
        case .auto:
            return nil
        case .fixed(let bytes):
            return Int(bytes >> 20)
        case .ranges(let ranges):
            let memory = UInt64(max(memoryMiB, 0)) << 20
            // Strict at the start (the kernel sees a little less than -m), and a size that is not
            // below the memory is refused by the kernel.
            guard let range = ranges.first(where: { $0.start < memory && $0.end.map { memory <= $0 } ?? true }),
                  range.size < memory else { return 0 }
            return Int(range.size >> 20)
        }
    }

    /// The least `-m` (MiB) with which `value` reserves memory and the first kernel still has room
    /// to boot; nil when the value cannot be parsed or reserves nothing at any size.
    /// - A fixed size: the size plus `firstKernelMiB`.
    /// - Ranges: the start of the first range that reserves something, plus 128 MiB of headroom
    ///   (see the type's note), and at least its size plus `firstKernelMiB`.
    /// - `auto`: `autoMinimumMiB`, enough for el6 and el7 (which reserve only from 2 GiB) and RHEL 8.
    public static func minimumMemoryMiB(for value: String) -> Int? {
        guard let form = Form(value) else { return nil }
        switch form {
        case .auto:
            return autoMinimumMiB
        case .fixed(let bytes):
            return Int(bytes >> 20) + firstKernelMiB
        case .ranges(let ranges):
            let candidates = ranges.compactMap { range -> Int? in
                guard range.size > 0 else { return nil }
                let sizeMiB = Int(range.size >> 20)
                let memory = max(Int(range.start >> 20) + boundaryHeadroomMiB, sizeMiB + firstKernelMiB)
                return (mebibytes(reservedBy: value, memoryMiB: memory) ?? 0) > 0 ? memory : nil
            }
            return candidates.min()
        }
    }

    /// What the normal kernel needs beside the reservation to boot a small server distribution.
    public static let firstKernelMiB = 512
    /// Distance kept from a range's start (firmware holes below, 128 MiB rounding above).
    public static let boundaryHeadroomMiB = 128
    /// 2 GiB plus the headroom: el6 and el7 reserve for `auto` only from 2 GiB, RHEL 8 from 1 GiB.
    public static let autoMinimumMiB = 2048 + boundaryHeadroomMiB

    // MARK: parsing

    struct Range: Equatable {
        var start: UInt64
        /// nil: open (`384M-:128M`).
        var end: UInt64?
        var size: UInt64
    }

    enum Form: Equatable {
        case auto
        case fixed(UInt64)
        case ranges([Range])

        /// nil for a value the kernel would reject (it then reserves nothing, with a warning).
        init?(_ value: String) {
            let text = Substring(value)
            if text == "auto" { self = .auto; return }
            if text.contains(":") {
                // The offset, when given, follows the last range.
                let list = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)[0]
                var ranges: [Range] = []
                for item in list.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let range = Self.range(item) else { return nil }
                    ranges.append(range)
                }
                self = .ranges(ranges)
                return
            }
            var rest = text
            if let comma = rest.firstIndex(of: ",") {
                guard ["high", "low"].contains(rest[rest.index(after: comma)...]) else { return nil }
                rest = rest[..<comma]
            }
            if let at = rest.firstIndex(of: "@") {
                guard let (_, afterOffset) = Self.memparse(rest[rest.index(after: at)...]), afterOffset.isEmpty else { return nil }
                rest = rest[..<at]
            }
            guard let (size, after) = Self.memparse(rest), after.isEmpty else { return nil }
            self = .fixed(size)
        }

        /// `START-[END]:SIZE`; the kernel also refuses an END not above START.
        static func range(_ text: Substring) -> Range? {
            guard let (start, afterStart) = memparse(text), afterStart.first == "-" else { return nil }
            var rest = afterStart.dropFirst()
            var end: UInt64?
            if rest.first != ":" {
                guard let (value, afterEnd) = memparse(rest), value > start else { return nil }
                end = value
                rest = afterEnd
            }
            guard rest.first == ":", let (size, afterSize) = memparse(rest.dropFirst()), afterSize.isEmpty else { return nil }
            return Range(start: start, end: end, size: size)
        }

        /// A number with an optional binary suffix, and the text after it; nil without digits or on overflow.
        static func memparse(_ text: Substring) -> (UInt64, Substring)? {
            var rest = text
            var radix: UInt64 = 10
            if rest.hasPrefix("0x") || rest.hasPrefix("0X") {
                radix = 16
                rest = rest.dropFirst(2)
            }
            var value: UInt64 = 0
            var digits = 0
            while let character = rest.first, let digit = character.hexDigitValue, UInt64(digit) < radix {
                let (shifted, overflowShift) = value.multipliedReportingOverflow(by: radix)
                let (sum, overflowAdd) = shifted.addingReportingOverflow(UInt64(digit))
                guard !overflowShift, !overflowAdd else { return nil }
                value = sum
                digits += 1
                rest = rest.dropFirst()
            }
            guard digits > 0 else { return nil }
            let shifts: [Character: UInt64] = ["K": 10, "M": 20, "G": 30, "T": 40, "P": 50, "E": 60]
            if let character = rest.first, let shift = shifts[Character(character.uppercased())] {
                guard value <= UInt64.max >> shift else { return nil }
                value <<= shift
                rest = rest.dropFirst()
            }
            return (value, rest)
        }
    }
}
