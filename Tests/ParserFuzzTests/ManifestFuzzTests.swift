import DefaultTemplates
@testable import KdumpBakeCore
import PropertyBased
import Testing

/// Fuzzes the manifest reader: YAML text from the user (`--manifest`), through Yams, into a
/// validated `Manifest`, and the version ranges inside it.
///
/// A manifest is user input, not guest input, but a typo in it must produce a located message
/// (`manifest.yaml:14: profiles[1].match.versions: …`), never a crash: the tool is run from
/// image pipelines where a trap loses the report. Mutations start from the built-in manifest
/// and a compact flow-style one, and insert YAML's own syntax: anchors, aliases, tags, flow
/// brackets, document markers, numbers at the edges of `Int`.
@Suite("manifest")
struct ManifestFuzzTests {
    static let builtinText = String(decoding: DefaultTemplates.manifest, as: UTF8.self)

    static let flowManifest = """
    version: 1
    images: [golden/centos-6.4.vhd, "golden/el7-*.vhd"]
    unmatched: skip
    profiles:
      - {name: el7, family: el7, match: {distro: [centos], versions: "7", arch: [x86_64]},
         values: {panic_timeout: 5, panic_timeout_policy: positive, add_drivers: [hv_vmbus], crashkernel: auto,
                  ensure_crashkernel: true, commandline_append: [nr_cpus=1], module_options: {ata_piix: prefer_ms_hyperv=0}},
         files: {kdump_conf: managed-block, sysctl: replace}, initrd: keep, kernels: default, opt_in: false}
    """

    static let corpus = Corpus(
        seeds: [Seed("built-in manifest", builtinText), Seed("flow manifest", flowManifest)],
        tokens: ["&a ", "*a", "<<: *a\n", "!!binary ", "!!int ", "!<tag:x> ", "? ", "- ", ": ", "{", "}", "[", "]", ",", "|\n", ">-\n",
                 "---\n", "...\n", "%YAML 1.1\n---\n", "%TAG ! tag:x,2000:\n", "~", "null", ".inf", "0x1F", "0o17", "1e400", "9223372036854775807",
                 "9223372036854775808", "-9223372036854775808", "\"\\u0000\"", "'", "\u{FEFF}", "\t", "versions: ", "\">=6.3, <7\"",
                 "panic_timeout: ", "profiles:\n", "  - name: x\n", "name: ", "family: el9"])

    /// Every input either gives a manifest that satisfies the schema's own rules, or throws
    /// `ManifestErrors` naming the file, with at least one message. libyaml refuses control
    /// characters before anything else, so half the cases have them turned into spaces to get
    /// past the reader into the schema checks.
    @Test func manifestParsesOrExplains() async {
        await propertyCheck(count: FuzzBudget.cases(1500), input: Self.corpus.cases(maxMutations: 6), Gen.bool) { fuzz, printable in
            let bytes = printable ? fuzz.bytes.map { $0 < 0x20 && $0 != 0x0A || $0 == 0x7F ? 0x20 : $0 } : fuzz.bytes
            Self.checkOutcome(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// Nesting from one level to well past libyaml's limit of 1,000, in flow and block style,
    /// where the schema expects a list of strings or a list of profiles.
    @Test func deepNestingIsRefusedInWords() async {
        await propertyCheck(count: FuzzBudget.cases(30), input: Gen<Int>.value(in: 1...1_200), Gen<Int>.value(in: 0...3)) { depth, style in
            let nested: String = switch style {
            case 0: String(repeating: "[", count: depth) + "x" + String(repeating: "]", count: depth)
            case 1: String(repeating: "{a: ", count: depth) + "x" + String(repeating: "}", count: depth)
            case 2: "\n" + (0..<depth).map { String(repeating: " ", count: $0 + 2) + "- \n" }.joined() + String(repeating: " ", count: depth + 2) + "x"
            default: "\n" + (0..<depth).map { String(repeating: " ", count: $0 + 2) + "k:\n" }.joined() + String(repeating: " ", count: depth + 2) + "x"
            }
            Self.checkOutcome("version: 1\nimages: " + nested + "\nprofiles: []\n")
            Self.checkOutcome("version: 1\nprofiles: " + nested + "\n")
        }
    }

    /// Version ranges as a user writes them, numbers at the edge of `Int` included: parsed or
    /// nil, and a parsed range answers for any version without trapping.
    @Test func versionRangesAtTheEdges() async {
        let number = Gen<Int>.value(in: 0...6).map { ["0", "7", "6.3", "9223372036854775807", "9223372036854775806.9223372036854775807", "99999999999999999999", "-1"][$0] }
        let clause = zip(Gen<Int>.value(in: 0...8).map { ["", ">=", ">", "<=", "<", "=", "==", "!=", "=>"][$0] }, number)
            .map { $0.0 + $0.1 }
        await propertyCheck(count: FuzzBudget.cases(1000), input: clause.array(of: 1...3), Gen<Int>.value(), Gen<Int>.value()) { clauses, major, minor in
            let text = clauses.joined(separator: ", ")
            guard let range = VersionRange(parsing: text) else { return }
            #expect(range.description == text && !range.clauses.isEmpty)
            for version in [DistroVersion(major, minor), DistroVersion(.max, .max), DistroVersion(0, 0)] {
                _ = range.contains(version)
            }
        }
    }

    /// The two outcomes `Manifest.parse` may have, checked against what the schema promises.
    static func checkOutcome(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let manifest = try Manifest.parse(text, file: "fuzz.yaml")
            #expect(manifest.source == "fuzz.yaml" && manifest.version == 1, sourceLocation: sourceLocation)
            #expect(!manifest.profiles.isEmpty, sourceLocation: sourceLocation)
            #expect(Set(manifest.profiles.map(\.name)).count == manifest.profiles.count, sourceLocation: sourceLocation)
            let invalid = manifest.profiles.first { profile in
                let values = profile.values
                let modules = values.blacklist + values.extraModules + values.addDrivers + Array(values.moduleOptions.keys)
                return !profile.name.isProfileName || profile.match.distros.isEmpty
                    || !(0...86_400).contains(values.panicTimeout ?? 0) || !(0...3_600).contains(values.diskTimeout ?? 0)
                    || !modules.allSatisfy(\.isModuleName)
                    || (values.ensureCrashkernel && values.crashkernel == nil)
            }
            #expect(invalid == nil, sourceLocation: sourceLocation)
        } catch let errors as ManifestErrors {
            #expect(!errors.errors.isEmpty, sourceLocation: sourceLocation)
            #expect(errors.errors.allSatisfy { $0.file == "fuzz.yaml" && $0.line >= 0 && !$0.message.isEmpty },
                    sourceLocation: sourceLocation)
        } catch {
            Issue.record("Manifest.parse threw \(type(of: error)), not ManifestErrors: \(error)", sourceLocation: sourceLocation)
        }
    }
}
