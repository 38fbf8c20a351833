import Foundation
import HostProcess
@testable import KdumpBakeCore
import Synchronization
import Testing

/// Progress reporting without an appliance: qemu-img's progress output, the step tracker, and
/// the JSON shape pipeline UIs read.
@Suite struct ProgressTests {
    @Test func qemuImgProgressLinesParse() {
        #expect(QemuImg.progressFraction("    (0.00/100%)") == 0)
        #expect(QemuImg.progressFraction("    (42.50/100%)") == 0.425)
        #expect(QemuImg.progressFraction("(100.00/100%)") == 1)
        #expect(QemuImg.progressFraction("") == nil)
        #expect(QemuImg.progressFraction("(250.00/100%)") == nil)
        #expect(QemuImg.progressFraction("qemu-img: Could not open 'x'") == nil)
    }

    @Test func progressIsReadAcrossCarriageReturnsAndSplitChunks() throws {
        // A stand-in qemu-img writes the chunks apart, so each arrives on its own.
        let chunks = ["    (0.00/100%)\r    (33.", "33/100%)\r    (100.00/100%)\n", "    (99.0"]
        let standIn = ChildProcess("/bin/sh", ["-c", #"for chunk; do printf '%s' "$chunk"; sleep 0.05; done"#, "sh"] + chunks,
                                   standardOutput: .stream)
        let child = try standIn.start()
        var fractions: [Double] = []
        QemuImg.readProgress(of: child) { fractions.append($0) }
        #expect(child.wait().termination == .exited(0))
        #expect(fractions == [0, 0.3333, 1])  // the torn last line is not a value
    }

    @Test func progressIsReportedAgainstTheCurrentStepOncePerPercent() {
        let events = Mutex<[ProgressEvent]>([])
        let progress = StepProgress(ProgressClock(image: "a.vhd") { event in events.withLock { $0.append(event) } })
        progress.step("committing into the image")
        for position in stride(from: UInt64(0), through: 1000, by: 1) { progress.report(position: position, total: 1000) }
        progress.report(position: 5, total: 0)  // no total: nothing to say
        progress.step("verifying")
        progress.report(fraction: 0.5)
        let seen = events.withLock { $0 }
        let committing = seen.filter { $0.kind == .progress && $0.step == "committing into the image" }
        #expect(committing.count == 101)
        #expect(committing.first?.progress == 0 && committing.last?.progress == 1)
        #expect(seen.last == ProgressEvent(image: "a.vhd", kind: .progress, step: "verifying", elapsed: seen.last!.elapsed, progress: 0.5))
    }

    @Test func progressEventsEncodeTheFractionAndOmitItOtherwise() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let step = String(decoding: try encoder.encode(ProgressEvent(image: "a", kind: .step, step: "verifying", elapsed: 1.23)), as: UTF8.self)
        #expect(step == #"{"elapsed":1.2,"image":"a","kind":"step","step":"verifying"}"#)
        let progress = String(decoding: try encoder.encode(ProgressEvent(image: "a", kind: .progress, step: "s", elapsed: 2, progress: 0.12345)), as: UTF8.self)
        #expect(progress == #"{"elapsed":2,"image":"a","kind":"progress","progress":0.123,"step":"s"}"#)
    }

    @Test func finishedEventsWriteTheOutcomeAsOneWord() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func json(_ status: ProgressEvent.Outcome) throws -> String {
            String(decoding: try encoder.encode(ProgressEvent(image: "a", kind: .finished, step: "s", status: status, elapsed: 1)), as: UTF8.self)
        }
        #expect(try json(.audit(.nonCompliant)) == #"{"elapsed":1,"image":"a","kind":"finished","status":"non-compliant","step":"s"}"#)
        #expect(try json(.audit(.compliant)).contains(#""status":"compliant""#))
        #expect(try json(.audit(.error)).contains(#""status":"error""#))
        #expect(try json(.patch(.alreadyCompliant)).contains(#""status":"already-compliant""#))
        #expect(try json(.patch(.wouldPatch)).contains(#""status":"would-patch""#))
    }
}
