import Foundation
import HostProcess
import TestSupport

/// The Debian package `ci/package` builds, installed with dpkg into a throw-away root.
///
/// dpkg itself installs it (`--root`: its own empty database, so nothing on this machine is touched
/// or consulted): the package's file list, permissions and control data are what a user gets, not a
/// copy made by the test. `--force-depends` because that empty database knows none of the
/// dependencies; the Depends field is checked on its own (`depends`).
struct InstalledPackage {
    let directory: HostDirectory
    /// The .deb ci/package printed as its last line.
    let deb: String
    /// The root dpkg installed into.
    let root: String

    /// Runs the real `ci/package` (its release build is incremental: ci/test builds it before the tests,
    /// so here it packages and runs lintian, ~40 s; cold, the build adds ~3.5 min), then installs its output.
    init() throws {
        directory = try HostDirectory()
        let build = try ChildProcess(Repository.path("ci/package"), [directory.path + "/out"],
                                     standardOutput: .captureAll, standardError: .captureAll,
                                     timeLimit: .seconds(3600)).run()
        guard build.termination == .exited(0), let last = build.standardOutputText.split(separator: "\n").last else {
            throw Failure("ci/package: \(build.termination)\n\(build.standardErrorText)")
        }
        deb = String(last)
        root = directory.path + "/root"
        for path in ["var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers"] {
            try FileManager.default.createDirectory(atPath: root + "/" + path, withIntermediateDirectories: true)
        }
        FileManager.default.createFile(atPath: root + "/var/lib/dpkg/status", contents: Data())
        try dpkg(["--log=/dev/null", "--force-depends", "--install", deb])
    }

    /// Runs dpkg on the throw-away root (dpkg looks for ldconfig and friends on PATH: sbin included).
    @discardableResult
    func dpkg(_ arguments: [String]) throws -> String {
        let environment = ProcessInfo.processInfo.environment.merging(["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]) { $1 }
        let run = try ChildProcess("/usr/bin/dpkg", ["--root=" + root] + arguments, environment: environment,
                                   standardOutput: .captureAll, standardError: .captureAll).run()
        guard run.termination == .exited(0) else {
            throw Failure("dpkg \(arguments.joined(separator: " ")): \(run.termination)\n\(run.standardErrorText)")
        }
        return run.standardOutputText
    }

    /// A field of the package's control file, as `dpkg-deb --field` prints it.
    func field(_ name: String) throws -> String {
        let output = try HostTool.run(["dpkg-deb", "--field", deb, name])
        guard output.status == 0 else { throw Failure("dpkg-deb --field \(name): status \(output.status)") }
        return output.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Depends as alternatives of package names, versions dropped: `a (>= 1), b | c` is `[[a], [b, c]]`.
    func depends() throws -> [[String]] {
        try field("Depends").split(separator: ",").map { group in
            group.split(separator: "|").map { $0.split(separator: " ").first.map(String.init) ?? "" }
        }
    }

    /// Runs the installed kdumpbake as on a machine without Swift: the toolchain's `usr` (found from
    /// `swift` on PATH) is hidden under an empty tmpfs in a private mount namespace, and the environment
    /// is a minimal PATH plus this run's libguestfs and kdumpbake settings (TCG where KVM is broken).
    func run(_ arguments: [String]) throws -> CLIRun {
        let passed = ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("LIBGUESTFS_") || $0.key.hasPrefix("KDUMPBAKE_") }
        let environment = passed.merging(["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"]) { $1 }
        // The script is constant; the hidden directory and the command line are its arguments.
        let hide = "mount -t tmpfs kdumpbake-no-toolchain \"$1\"; shift; exec \"$@\""
        return try CLIRun.run(executable: "/usr/bin/unshare",
                              ["--mount", "--propagation", "private", "/bin/sh", "-euc", hide, "sh",
                               try Self.toolchainUsr(), root + "/usr/bin/kdumpbake"] + arguments,
                              environment: environment)
    }

    /// The toolchain's `usr` directory: `…/usr/bin/swift` resolved from PATH, two levels up.
    private static func toolchainUsr() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/swift") {
            let swift = URL(fileURLWithPath: "\(directory)/swift").resolvingSymlinksInPath()
            return swift.deletingLastPathComponent().deletingLastPathComponent().path
        }
        throw Failure("no swift on PATH: cannot tell which toolchain to hide")
    }

    /// The packages owning the libraries the installed binary names (its DT_NEEDED entries, which
    /// dpkg-shlibdeps reads too), found where the loader finds them (`ldd`) and asked of dpkg.
    func packagesOfLinkedLibraries() throws -> Set<String> {
        let binary = root + "/usr/bin/kdumpbake"
        let dynamic = try HostTool.run(["readelf", "--dynamic", binary])
        let ldd = try HostTool.run(["ldd", binary])
        guard dynamic.status == 0, ldd.status == 0 else { throw Failure("readelf: \(dynamic.status), ldd: \(ldd.status)") }
        let needed = dynamic.output.split(separator: "\n").filter { $0.contains("(NEEDED)") }.compactMap { line in
            line.split(separator: "[").last?.split(separator: "]").first.map(String.init)
        }
        guard !needed.isEmpty else { throw Failure("readelf lists no NEEDED library") }
        var located: [String: String] = [:]  // soname: path, from "soname => path (address)" or "path (address)"
        for line in ldd.output.split(separator: "\n") {
            let words = line.split { $0 == " " || $0 == "\t" }.map(String.init)
            if words.count >= 3, words[1] == "=>" { located[words[0]] = words[2] }
            else if let path = words.first, path.hasPrefix("/") { located[(path as NSString).lastPathComponent] = path }
        }
        return try Set(needed.map { soname in
            guard let path = located[soname], path.hasPrefix("/") else { throw Failure("ldd cannot find \(soname)") }
            return try owner(of: path)
        })
    }

    /// The package owning `path`, tried as given, resolved, and with or without /usr (merged /usr:
    /// ldd says /lib/…, dpkg may have recorded /usr/lib/…).
    private func owner(of path: String) throws -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let candidates = [path, resolved].flatMap { [$0, $0.hasPrefix("/usr/") ? String($0.dropFirst(4)) : "/usr" + $0] }
        for candidate in candidates {
            let query = try HostTool.run(["dpkg-query", "--search", candidate])
            if query.status == 0, let name = query.output.split(separator: ":").first {
                return String(name)
            }
        }
        throw Failure("no package owns \(path): the binary needs a library Debian does not provide")
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
