import Foundation
import HostProcess
@testable import KdumpBakeCore
import TestSupport
import Testing

/// The batch driver, run by the host's own shells (dash, bash, busybox ash: the /bin/sh of Debian,
/// RHEL and the look-alike guests) on small host commands, so its scheduling, time limits and
/// quoting are tested in seconds, without an appliance. The appliance tests run it on guests.
@Suite struct InitrdRebuildBatchTests {
    static let shells: [[String]] = [["/bin/dash"], ["/bin/bash"], ["/bin/busybox", "sh"]].filter { FileManager.default.isExecutableFile(atPath: $0[0]) }

    /// Runs `batch` with `shell` instead of the guest's /bin/sh; returns the status lines, logs and markers.
    private func run(_ batch: InitrdRebuildBatch, shell: [String]) throws -> (statuses: [String?], logs: [String], markers: [InitrdRebuildMarker]) {
        var arguments = batch.arguments
        #expect(arguments.first == "/bin/sh")
        arguments.removeFirst()
        let outcome = try ChildProcess(shell[0], Array(shell.dropFirst()) + arguments, timeLimit: .seconds(60)).run()
        #expect(outcome.termination == .exited(0), "\(shell): \(outcome.standardErrorText)")
        let statuses = batch.rebuilds.indices.map { try? String(contentsOfFile: batch.statusPath($0), encoding: .utf8) }
        let logs = batch.rebuilds.indices.map { (try? String(contentsOfFile: batch.logPath($0), encoding: .utf8)) ?? "" }
        let markers = ((try? String(contentsOfFile: batch.markerDevice, encoding: .utf8)) ?? "")
            .split(separator: "\n").compactMap { InitrdRebuildMarker.parse(String($0)) }
        return (statuses, logs, markers)
    }

    private func build(_ kernel: String, _ script: String, _ words: String...) -> InitrdRebuild {
        InitrdRebuild(kernel: kernel, initrdPath: "/boot/initrd-\(kernel)kdump.img", arguments: ["/bin/sh", "-c", script, "build"] + words)
    }

    private func batch(_ rebuilds: [InitrdRebuild], slots: Int, limit: Int = 60, in directory: String) -> InitrdRebuildBatch {
        InitrdRebuildBatch(rebuilds: rebuilds, slots: slots, limitSeconds: limit, workDirectory: directory, markerDevice: directory + "/markers")
    }

    @Test func eachBuildGetsItsOwnWordsAndItsOwnStatusEvenWhenTheyAreHostile() throws {
        let hostile = ["a b", "$(touch PWNED)", "*", "x\ny", "--", "3", ""]
        for shell in Self.shells {
            let directory = try HostDirectory()
            let rebuilds = [
                build("k0", #"printf '<%s>\n' "$@""#, hostile[0], hostile[1], hostile[2], hostile[3], hostile[4], hostile[5], hostile[6]),
                build("k1;id", "echo failing >&2; exit 3"),
                build("k2", #"printf '%s\n' "$#""#),
            ]
            let result = try run(batch(rebuilds, slots: 2, in: directory.path), shell: shell)
            #expect(result.logs[0] == hostile.map { "<\($0)>\n" }.joined(), "\(shell)")
            #expect(result.logs[1] == "failing\n")
            #expect(result.logs[2] == "0\n", "a build sees only its own words (\(shell))")
            #expect(result.statuses[0]?.hasPrefix("exit 0 ") == true)
            #expect(result.statuses[1]?.hasPrefix("exit 3 ") == true)
            #expect(result.statuses[2]?.hasPrefix("exit 0 ") == true)
            #expect(!FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/PWNED"))

            let results = rebuilds.indices.map { InitrdRebuildResult(rebuild: rebuilds[$0], statusLine: result.statuses[$0], outputTail: Array(result.logs[$0].utf8)) }
            #expect(results.map(\.outcome) == [.succeeded, .failed, .succeeded])
            #expect(InitrdRebuildResult.failureMessage(results, limit: "60 s") == "sh for k1;id failed (exit 3): failing")
            #expect(Set(result.markers).isSuperset(of: [.started(index: 0), .started(index: 1), .started(index: 2)]), "\(shell)")
            #expect(result.markers.contains { if case .exited(1, 3, _) = $0 { true } else { false } })
        }
    }

    @Test func oneSlotRunsTheBuildsOneAfterAnotherAndTwoSlotsSideBySide() throws {
        for shell in Self.shells {
            let directory = try HostDirectory()
            let journal = directory.path + "/journal"
            let step = #"echo "start $1" >> "$2"; sleep 1; echo "end $1" >> "$2""#
            let rebuilds = (0..<3).map { build("k\($0)", step, "\($0)", journal) }

            _ = try run(batch(rebuilds, slots: 1, in: directory.path), shell: shell)
            #expect(try String(contentsOfFile: journal, encoding: .utf8) == "start 0\nend 0\nstart 1\nend 1\nstart 2\nend 2\n", "\(shell)")

            try FileManager.default.removeItem(atPath: journal)
            _ = try run(batch(rebuilds, slots: 2, in: directory.path), shell: shell)
            let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
            // Builds 0 and 1 start before either ends; build 2 waits for a free slot.
            #expect(Set(lines.prefix(2)) == ["start 0", "start 1"], "\(shell): \(lines)")
            #expect(lines.firstIndex(of: "start 2")! > 2)
        }
    }

    @Test func aHangingBuildIsKilledWithEverythingItStartedAtItsLimitWhileTheOthersFinish() throws {
        for shell in Self.shells {
            let directory = try HostDirectory()
            let token = "2\(UInt32.random(in: 100_000...999_999))"
            // A build that forks a grandchild and waits: killing only the build would leave `sleep` behind.
            let rebuilds = [
                build("hangs", #"sleep "$1" & sleep "$1"; wait"#, token),
                build("quick", "echo done"),
            ]
            let result = try run(batch(rebuilds, slots: 2, limit: 2, in: directory.path), shell: shell)
            let status = try #require(result.statuses[0])
            #expect(status.hasPrefix("timeout "), "\(shell): \(status)")
            let parsed = InitrdRebuildResult(rebuild: rebuilds[0], statusLine: status, outputTail: [])
            #expect(parsed.outcome == .timedOut)
            #expect((parsed.seconds ?? 0) >= 2 && (parsed.seconds ?? 99) < 10, "\(parsed)")
            #expect(result.statuses[1]?.hasPrefix("exit 0 ") == true)
            #expect(processesGone(containing: token), "\(shell): left \(processes(containing: token))")
            #expect(result.markers.contains { if case .timedOut(0, _) = $0 { true } else { false } })
            #expect(InitrdRebuildResult.failureMessage([parsed], limit: "2 s") == "sh for hangs did not finish within 2 s; it was stopped with everything it started")
        }
    }

    @Test func theArgvIsTheFixedDriverThenEachBuildsWordCountAndWords() {
        let batch = InitrdRebuildBatch(rebuilds: [build("a", "x"), build("b;rm -rf /", "y", "1", "2")], slots: 0, limitSeconds: 0, workDirectory: "/.w")
        #expect(batch.slots == 1 && batch.limitSeconds == 1)
        #expect(Array(batch.arguments.prefix(2)) == ["/bin/sh", "-c"])
        #expect(!batch.arguments[2].contains("b;rm"), "the script is fixed text")
        #expect(Array(batch.arguments.dropFirst(3)) == ["kdumpbake-rebuilds", "/.w", "1", "1", "/dev/kmsg",
                                                        "4", "/bin/sh", "-c", "x", "build",
                                                        "6", "/bin/sh", "-c", "y", "build", "1", "2"])
    }

    /// Whether every process with `token` in its command line is gone. A SIGKILLed process
    /// lingers in /proc while it exits, seconds on a loaded machine; one the driver missed
    /// would sleep for weeks, so ten seconds tell the two apart.
    private func processesGone(containing token: String) -> Bool {
        for _ in 0..<100 {
            if processes(containing: token).isEmpty { return true }
            usleep(100_000)
        }
        return false
    }

    /// Host processes whose command line contains `token`.
    private func processes(containing token: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int($0) != nil }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return line.contains(token) ? "\(pid): \(line)" : nil
        }
    }
}
