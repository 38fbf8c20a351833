import Foundation
import HostProcess
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages
import TestSupport
import Testing

/// `patch --in-place` killed with SIGKILL at any instant: after `kdumpbake recover` the image's
/// SHA-256 is the original's or the patched one's, never anything in between, and `audit`
/// agrees. The many kill instants are spent on the landing alone (`kdumpbake-testimage land`,
/// the same `InPlaceCommit` code, paused at each stage so a kill can be aimed into every one);
/// they commit the overlay of a real `patch --in-place`, itself SIGKILLed as its commit started.
@Suite struct InPlaceKillTests {
    static var tool: String {
        URL(fileURLWithPath: CLIRun.binary).deletingLastPathComponent().appendingPathComponent("kdumpbake-testimage").path
    }

    enum Outcome: String { case original, patched }

    @Test func sigkillAtAnyInstantLeavesTheOriginalOrThePatchedImage() throws {
        let directory = try HostDirectory()
        let stock = try TestImageBuilder.image(.centos64, format: .vhd)
        let original = directory.path + "/original.vhd"
        try FileManager.default.copyItem(atPath: stock.path, toPath: original)
        let originalSHA = try FileFingerprint(original).sha256

        // A real patch, killed as its commit starts: SIGKILL runs no cleanup, so its private
        // work directory keeps the verified overlay — which every landing below commits.
        let golden = directory.path + "/golden.vhd"
        try FileManager.default.copyItem(atPath: original, toPath: golden)
        let temporary = try HostDirectory()
        let killed = try SignalledRun.run(["patch", "--in-place", golden], signal: SIGKILL, whenStderrContains: "committing into the image", temporary: temporary.path)
        #expect(killed.sent, "never reached the commit: \(killed.stderr)")
        let work = try #require(try FileManager.default.contentsOfDirectory(atPath: temporary.path).first { $0.hasPrefix("kdumpbake-patch.") },
                                "no work directory left: \(killed.stderr)")
        let changes = directory.path + "/changes.qcow2"
        try FileManager.default.copyItem(atPath: temporary.path + "/" + work + "/overlay.qcow2", toPath: changes)
        let recovered = try CLIRun.run(["recover", golden])
        #expect(recovered.status == 0, "\(recovered.stderr)")
        let afterKill = try FileFingerprint(golden).sha256
        print("real patch --in-place SIGKILLed as its commit started; recover: \(recovered.stdout.trimmingCharacters(in: .newlines))")

        // The real overlay landed to the end is the patched image. It holds every cluster the
        // appliance wrote (dracut's temporary files too: hundreds of ranges, tens of MB), so the
        // kills use the same change reduced to the clusters that differ (a safe rebase onto the
        // original), whose landing must give the same bytes.
        let started = Date()
        let full = try land(changes, over: original, in: directory, kill: .never)
        let fullSeconds = Date().timeIntervalSince(started)
        let patched = directory.path + "/patched.vhd"
        try FileManager.default.moveItem(atPath: full.image, toPath: patched)
        let patchedSHA = try FileFingerprint(patched).sha256
        #expect(patchedSHA != originalSHA)
        #expect(afterKill == originalSHA || afterKill == patchedSHA, "the killed real patch left neither state")
        let difference = directory.path + "/difference.qcow2"
        #expect(try HostTool.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", patched, "-F", "vpc", difference]).status == 0)
        #expect(try HostTool.run(["qemu-img", "rebase", "-q", "-f", "qcow2", "-b", original, "-F", "vpc", difference]).status == 0)
        let reference = try land(difference, over: original, in: directory, kill: .never)
        #expect(try FileFingerprint(reference.image).sha256 == patchedSHA, "the reduced change does not land as the real one")
        try FileManager.default.removeItem(atPath: reference.image)
        let stageCount = reference.stagesSeen
        #expect(stageCount >= 8, "too few stages to spread kills over")
        print("landing the real overlay: \(full.stagesSeen) stages, \(String(format: "%.1f", fullSeconds)) s (debug build, paced 8 ms per stage); reduced: \(stageCount) stages")

        // A kill at the start, 22 spread evenly over the stages from first to last (0–12 ms after
        // the stage was announced, the tool pausing 8 ms there), and one after it has exited.
        let points: [KillPoint] = [.atStart] + (0..<22).map { .inStage(1 + $0 * (stageCount - 1) / 21, delay: Double($0 % 4) * 0.004) } + [.never]
        var distribution: [String: [Outcome]] = [:]
        var mixedBeforeRecovery = 0
        var journalLeftForAudit: String?
        for (index, point) in points.enumerated() {
            let landing = try land(difference, over: original, in: directory, kill: point)
            if landing.lastStage.hasPrefix("applying"), try !sameBytes(landing.image, original) { mixedBeforeRecovery += 1 }
            if journalLeftForAudit == nil, FileManager.default.fileExists(atPath: directory.path + "/.\((landing.image as NSString).lastPathComponent).kdumpbake-undo") {
                journalLeftForAudit = landing.image  // audited below with its journal, then recovered
                distribution["journal left for audit", default: []].append(.original)
                continue
            }
            let recover = try CLIRun.run(["recover", landing.image])
            #expect(recover.status == 0, "\(recover.stderr)")
            // Byte equality with the original or the patched file: the same as equal sha256, cheaper.
            let outcome: Outcome? = try sameBytes(landing.image, original) ? .original : sameBytes(landing.image, patched) ? .patched : nil
            #expect(outcome != nil, "kill \(index) (\(point), stage \(landing.lastStage)): image is neither original nor patched")
            let stage = landing.lastStage.split(separator: " ").first.map(String.init) ?? ""
            distribution[stage.isEmpty ? "(before the first stage)" : point == .never ? "(after exit)" : stage, default: []].append(outcome ?? .original)
            try FileManager.default.removeItem(atPath: landing.image)
        }
        print("\(points.count) SIGKILLs over a landing of \(stageCount) stages; last stage announced → outcome after `kdumpbake recover`:")
        for (stage, outcomes) in distribution.sorted(by: { $0.key < $1.key }) {
            print("  \(stage): \(outcomes.count) × " + Dictionary(grouping: outcomes, by: \.rawValue).map { "\($0.key) \($0.value.count)" }.sorted().joined(separator: ", "))
        }
        print("  images partly written when killed (rolled back by recover): \(mixedBeforeRecovery)")
        // The kills covered the dangerous part: some found the image partly written.
        #expect(points.count >= 22)
        #expect(mixedBeforeRecovery >= 1)
        #expect(distribution["applying", default: []].count >= 10)
        #expect(distribution.values.joined().contains(.patched))

        // audit refuses an image with a journal (read-only: it cannot roll back), and agrees
        // with recover on the others.
        let journaled = try #require(journalLeftForAudit)
        let patchedCopy = patched
        let journaledBefore = try FileFingerprint(journaled)
        let audit = try CLIRun.run(["audit", "--jobs", "1", "--format", "json", original, patchedCopy, journaled])
        #expect(audit.status == 2)
        #expect(try FileFingerprint(journaled) == journaledBefore)
        #expect(audit.stderr.contains("\(journaled): an --in-place commit into this image was interrupted"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        let images = try #require(document["images"] as? [[String: Any]])
        #expect(images.first { $0["path"] as? String == original }?["compliant"] as? Bool == false)
        #expect(images.first { $0["path"] as? String == patchedCopy }?["compliant"] as? Bool == true)

        // A dry run refuses it too; a writing patch rolls it back before anything else (here it
        // then stops at a missing --output directory, without an appliance).
        let dryRun = try CLIRun.run(["patch", "--dry-run", journaled])
        #expect(dryRun.status == 2 && dryRun.stderr.contains("run `kdumpbake recover"))
        let rollingPatch = try CLIRun.run(["patch", "--output", directory.path + "/missing", journaled])
        #expect(rollingPatch.status == 2)
        #expect(rollingPatch.stderr.contains("rolled back an interrupted --in-place commit"))
        #expect(try FileFingerprint(journaled).sha256 == originalSHA)
    }

    private func sameBytes(_ a: String, _ b: String) throws -> Bool {
        try HostTool.run(["cmp", "-s", a, b]).status == 0
    }

    struct Landing {
        var image: String
        var lastStage: String
        var stagesSeen: Int
    }

    enum KillPoint: Equatable, CustomStringConvertible {
        case never, atStart
        /// `delay` seconds after the tool announced its `stage`-th stage (1-based).
        case inStage(Int, delay: Double)

        var description: String {
            switch self {
            case .never: "not killed"
            case .atStart: "at start"
            case .inStage(let stage, let delay): "stage #\(stage) + \(Int(delay * 1000)) ms"
            }
        }
    }

    /// Lands `changes` into a fresh copy of `original` with the test tool, paced 8 ms per
    /// stage, and SIGKILLs it at `kill`. Returns the copy and the stages it announced.
    private func land(_ changes: String, over original: String, in directory: HostDirectory, kill point: KillPoint) throws -> Landing {
        let name = UUID().uuidString
        let image = directory.path + "/\(name).vhd"
        let overlay = directory.path + "/\(name).qcow2"
        let work = directory.path + "/\(name).work"
        try FileManager.default.copyItem(atPath: original, toPath: image)
        try FileManager.default.copyItem(atPath: changes, toPath: overlay)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: false)
        #expect(try HostTool.run(["qemu-img", "rebase", "-q", "-u", "-f", "qcow2", "-b", image, "-F", "vpc", overlay]).status == 0)
        let landing = try ChildProcess(Self.tool, ["land", overlay, image, "vhd", work, "--pace-ms", "8"], standardError: .stream).start()
        if point == .atStart { landing.send(SIGKILL) }
        var printed = ""
        var stages: [String] = []
        var sent = point == .atStart
        landing.readChunks(of: .standardError) { chunk in
            printed += String(decoding: chunk, as: UTF8.self)
            stages = printed.split(separator: "\n").filter { $0.hasPrefix("stage ") }.map { String($0.dropFirst(6)) }
            if !sent, case .inStage(let target, let delay) = point, stages.count >= target {
                usleep(UInt32(delay * 1_000_000))
                landing.send(SIGKILL)
                sent = true
            }
        }
        let outcome = landing.wait()
        if point == .never { #expect(outcome.termination == .exited(0), "\(printed)") }
        try? FileManager.default.removeItem(atPath: overlay)
        try? FileManager.default.removeItem(atPath: work)
        return Landing(image: image, lastStage: stages.last ?? "", stagesSeen: stages.count)
    }
}
