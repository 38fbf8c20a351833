import ArgumentParser
import KdumpBakeCommandSupport
import KdumpBakeCore

/// The `kdumpbake` command: patches Linux VM disk images offline so a VM on Azure reboots by
/// itself after a kernel panic, and audits images read-only.
@main
struct KdumpBakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kdumpbake",
        abstract: "Make Linux VM images reboot by themselves after a kernel panic on Azure (Hyper-V), offline.",
        discussion: """
            kdumpbake opens a VHD, raw or qcow2 disk image with libguestfs (never mounting \
            anything on the host) and configures kdump and kernel.panic so that a panicked VM \
            writes its dump and reboots instead of hanging (Microsoft KB2858695).

            Examples:
              kdumpbake audit golden/*.vhd               # exit 1 if one would hang
              kdumpbake audit --url-file urls.txt        # VHDs on web servers, in place
              kdumpbake patch --output out/ a.vhd        # a patched, verified copy
              kdumpbake patch --in-place a.vhd           # patch the image itself
              kdumpbake drill --report out/ out/a.vhd    # crash a throw-away copy
              kdumpbake recover a.vhd                    # undo a cut-off --in-place
              kdumpbake render --distro centos --distro-version 7.9
              kdumpbake profiles                         # explain the built-in profiles
            """,
        version: KdumpBakeVersion.current,
        subcommands: [Audit.self, Patch.self, Drill.self, Recover.self, Render.self, Profiles.self]
    )

    /// Runs the command; how it ends decides the exit status, in one place (`FailureClass`).
    static func main() { runClassifyingErrors() }
}
