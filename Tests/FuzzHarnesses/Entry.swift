import Foundation

#if KDUMPBAKE_LIBFUZZER
/// libFuzzer's entry point (`ci/fuzz` builds with `--sanitize fuzzer -DKDUMPBAKE_LIBFUZZER`, and
/// libFuzzer supplies `main`). One binary serves every harness: `KDUMPBAKE_FUZZ_HARNESS` names it.
private let harness: Harness = {
    let name = ProcessInfo.processInfo.environment["KDUMPBAKE_FUZZ_HARNESS"] ?? ""
    guard let harness = Harness(rawValue: name) else {
        fatalError("KDUMPBAKE_FUZZ_HARNESS must be one of \(Harness.allCases.map(\.rawValue))")
    }
    return harness
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    harness.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
/// Without libFuzzer: `kdumpbake-fuzz HARNESS FILE...` runs saved inputs (a crash `ci/fuzz` kept,
/// a corpus) through a harness, so a finding replays in a plain debug build with a debugger.
@main
struct ReplayInputs {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let harness = Harness(rawValue: name) else {
            FileHandle.standardError.write(Data("usage: kdumpbake-fuzz \(Harness.allCases.map(\.rawValue).joined(separator: "|")) FILE...\n".utf8))
            exit(2)
        }
        for path in arguments.dropFirst() {
            harness.run([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
            print("\(path): ok")
        }
    }
}
#endif
