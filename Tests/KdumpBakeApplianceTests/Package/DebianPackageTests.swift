import Foundation
import KdumpBakeCore
import TestImages
import TestSupport
import Testing

/// The installable package (issue 16, item 3): what `ci/package` builds, installed by dpkg, has its
/// manual and completions where Debian looks for them, declares what kdumpbake needs to run, and its
/// binary audits an image with nothing of the Swift toolchain around.
///
/// One test, one package build and one appliance launch (the stock CentOS 6.4 VHD, cached for the
/// other audit tests). The release build is the cost: ci/test runs it once before the tests
/// (`ci/package --build-only`), and the ci/package run here finds it done.
@Suite struct DebianPackageTests {
    @Test func installedPackageHasItsFilesDependsAndAudits() throws {
        let package = try InstalledPackage()
        #expect(try package.field("Package") == "kdumpbake")
        let version = try package.field("Version")
        #expect(version == KdumpBakeVersion.current)

        // Where man, bash-completion, zsh and fish look; each generated from the command definitions.
        let subcommands = ["audit", "patch", "drill", "recover", "render", "profiles"]
        let generated = [
            "usr/share/bash-completion/completions/kdumpbake": "-F _kdumpbake kdumpbake",
            "usr/share/zsh/vendor-completions/_kdumpbake": "#compdef kdumpbake",
            "usr/share/fish/vendor_completions.d/kdumpbake.fish": "complete -c 'kdumpbake'",
        ]
        for (path, marker) in generated {
            // Read without throwing: a missing file fails its expectations and the checks below still run.
            let text = (try? String(contentsOfFile: package.root + "/" + path, encoding: .utf8)) ?? ""
            #expect(text.contains(marker), "\(path) is installed and is the completion of its shell")
            #expect(subcommands.allSatisfy { text.contains($0) }, "\(path) completes every subcommand")
        }
        let manual = try HostTool.run(["zcat", package.root + "/usr/share/man/man1/kdumpbake.1.gz"])
        #expect(manual.status == 0)
        // generate-manual writes mdoc: the title line, then one tagged item per subcommand with its options.
        #expect(manual.output.contains(".Dt KDUMPBAKE 1"), "a section 1 page")
        for subcommand in subcommands {
            #expect(manual.output.contains(".It Em \(subcommand)\n"), "the manual documents \(subcommand)")
        }
        #expect(FileManager.default.fileExists(atPath: package.root + "/usr/share/doc/kdumpbake/copyright"))
        // The bash completion loads: bash-completion sources it, then asks for the function it registered.
        let bash = try HostTool.run(["bash", "-c", "source \"$1\" && complete -p kdumpbake", "bash",
                                     package.root + "/usr/share/bash-completion/completions/kdumpbake"])
        #expect(bash.status == 0 && bash.output.contains(" -F ") && bash.output.hasSuffix(" kdumpbake\n"), "\(bash.output)")
        #expect(try package.dpkg(["--verify", "kdumpbake"]).isEmpty, "every installed file matches the package's md5sums")

        // Depends: the appliance and everything the binary links (libcurl, libguestfs, libc, ...).
        let depends = try package.depends()
        let named = Set(depends.flatMap { $0 })
        for needed in ["libguestfs0", "qemu-system-x86", "qemu-utils", "curl"] {
            #expect(named.contains(needed), "Depends names \(needed): \(depends)")
        }
        #expect(depends.contains { $0.contains("linux-image-amd64") }, "a kernel for the appliance: \(depends)")
        let linked = try package.packagesOfLinkedLibraries()
        #expect(linked.isSubset(of: named), "linked but not in Depends: \(linked.subtracting(named).sorted())")

        // The installed binary, without the toolchain's libraries: its version is the package's.
        let printed = try package.run(["--version"])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout == version + "\n")

        // One audit of the stock image: non-compliant (exit 1) for the two findings every audit test knows.
        let image = try TestImageBuilder.image(.centos64, format: .vhd)
        let audit = try package.run(["audit", "--jobs", "1", "--format", "json", image.path])
        #expect(audit.status == 1, "\(audit.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        #expect(document["version"] as? String == version)
        let entries = try #require(document["images"] as? [[String: Any]])
        let findings = try #require(entries.first?["findings"] as? [[String: Any]])
        let failed = findings.filter { $0["status"] as? String == "fail" }.compactMap { $0["check"] as? String }
        #expect(failed == [CheckID.sysctlKernelPanic.rawValue, CheckID.kdumpConfig.rawValue], "\(findings)")
    }
}
