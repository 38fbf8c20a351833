import Foundation
import HostProcess
@testable import KdumpBakeCore
import Testing

extension Drill {
    /// The trigger files: where they go per family, and a script that is valid sh (checked with
    /// `sh -n`, never run) and says what the console timeline reads.
    @Suite("DrillTrigger")
    struct DrillTriggerTests {
        static let modes: [DrillTrigger.Mode] = [.afterKdumpArms(waitSeconds: 300), .immediately]

        static func script(_ mode: DrillTrigger.Mode) -> String {
            DrillTrigger.files(for: .kdumpTools, mode: mode).first { $0.path == DrillTrigger.scriptPath }!.contents
        }

        /// `sh -n` (syntax only) on the host's /bin/sh, which here is dash: the strictest POSIX sh at hand.
        static func syntaxErrors(_ script: String) throws -> String? {
            let path = NSTemporaryDirectory() + "kdumpbake-drill-\(UUID().uuidString).sh"
            try Data(script.utf8).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let outcome = try ChildProcess("/bin/sh", ["-n", path], standardError: .captureAll).run()
            return outcome.termination.succeeded ? nil : outcome.standardErrorText
        }

        @Test("systemd families", arguments: [KdumpFamily.el7, .el8, .kdumpTools, .sles])
        func systemdFiles(family: KdumpFamily) {
            let files = DrillTrigger.files(for: family, mode: .afterKdumpArms(waitSeconds: 300))
            #expect(files.map(\.path) == [DrillTrigger.scriptPath, DrillTrigger.unitPath, DrillTrigger.wantsLinkPath])
            #expect(files[0].permissions == 0o755 && files[0].symlinkTarget == nil)
            #expect(files[1].permissions == 0o644 && files[1].symlinkTarget == nil)
            #expect(files[2].symlinkTarget == "/etc/systemd/system/kdumpbake-drill.service")
            let unit = files[1].contents
            #expect(unit.contains("\nAfter=kdump.service kdump-tools.service"))
            #expect(unit.contains("\nType=simple\n"))
            #expect(unit.contains("\nExecStart=/bin/sh /etc/kdumpbake-drill.sh\n"))
            #expect(unit.contains("\n[Install]\nWantedBy=multi-user.target\n"))
            // multi-user.target wants the unit; ordering the unit after the target would be a cycle.
            #expect(!unit.contains("After=multi-user.target"))
            #expect(!unit.split(separator: "\n").contains { $0.hasPrefix("After=") && $0.contains("multi-user") })
        }

        @Test func el6UsesSysVStartLinks() {
            let files = DrillTrigger.files(for: .el6, mode: .afterKdumpArms(waitSeconds: 300))
            #expect(files.map(\.path) == [DrillTrigger.scriptPath, "/etc/rc.d/rc3.d/S99zzkdumpbake-drill", "/etc/rc.d/rc5.d/S99zzkdumpbake-drill"])
            #expect(files.dropFirst().allSatisfy { $0.symlinkTarget == DrillTrigger.scriptPath })
        }

        @Test("the script is valid sh", arguments: modes)
        func scriptSyntax(mode: DrillTrigger.Mode) throws {
            let script = Self.script(mode)
            #expect(try Self.syntaxErrors(script) == nil)
            #expect(script.hasPrefix("#!/bin/sh\n"))
            #expect(!script.contains("{{") && !script.contains("}}"))
            #expect(!script.contains("\\("))  // no Swift interpolation left unrendered
            // A broken script is caught: the check is not vacuous.
            #expect(try Self.syntaxErrors(script + "\nif then fi\n") != nil)
        }

        @Test("the script is the same for every family", arguments: modes)
        func oneScript(mode: DrillTrigger.Mode) {
            let scripts = Set(KdumpFamily.allCases.map { family in DrillTrigger.files(for: family, mode: mode).first!.contents })
            #expect(scripts.count == 1)
        }

        @Test func waitingScriptArmsThenCrashes() throws {
            let script = Self.script(.afterKdumpArms(waitSeconds: 300))
            #expect(script.contains("\nwait_seconds=300\n"))
            #expect(script.contains(#"echo "<2>kdumpbake-drill: $*" > /dev/kmsg"#))
            #expect(script.contains("/sys/kernel/kexec_crash_loaded"))
            #expect(script.contains("/sys/kernel/kexec_crash_size"))
            #expect(script.contains("/proc/iomem"))
            #expect(script.contains("grep -q 'crashkernel=' /proc/cmdline"))
            #expect(script.contains(#"say "not-armed: $(not_armed_reason)""#))
            #expect(script.contains("poweroff -f || echo o > /proc/sysrq-trigger"))
            // Every start link is removed before the crash, and the crash comes last.
            for link in [DrillTrigger.wantsLinkPath] + DrillTrigger.sysVStartLinks { #expect(script.contains(link)) }
            let order = ["say armed", "\ndisarm\n", "echo 1 > /proc/sys/kernel/sysrq", "say crashing now", "\nsync\n", "echo c > /proc/sysrq-trigger"]
            let positions = order.compactMap { script.range(of: $0, options: .backwards)?.lowerBound }
            #expect(positions.count == order.count)
            #expect(positions == positions.sorted())
            #expect(script.hasSuffix("echo c > /proc/sysrq-trigger\n"))
        }

        @Test func immediateScriptDoesNotWait() {
            let script = Self.script(.immediately)
            #expect(!script.contains("sleep"))
            #expect(!script.contains("poweroff"))
            #expect(!script.contains("not-armed"))
            #expect(!script.contains("wait_seconds"))
            #expect(script.contains("say crashing now"))
        }

        @Test func aNegativeWaitIsRenderedAsZero() {
            #expect(Self.script(.afterKdumpArms(waitSeconds: -5)).contains("\nwait_seconds=0\n"))
        }

        /// The markers the script prints are the ones the timeline reads.
        @Test func markersMatchTheTimeline() {
            var timeline = ConsoleTimeline(mode: .afterKdumpArms(waitSeconds: 300))
            for word in ["armed", "crashing now", "not-armed: because"] {
                _ = timeline.feed(Array("[   62.0] kdumpbake-drill: \(word)\n".utf8), at: 1)
            }
            #expect(timeline.entries.map(\.milestone) == [.kdumpArmed, .triggerFired, .kdumpNotArmed])
            let script = Self.script(.afterKdumpArms(waitSeconds: 300))
            #expect(script.contains("say armed\n") && script.contains("say crashing now\n") && script.contains("say \"not-armed: "))
        }
    }
}
