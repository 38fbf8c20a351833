import Foundation
import HostProcess

/// The host's `qemu-img`, run with argv: the overlay that makes a patch all-or-nothing, the
/// commit that lands it, the conversion that writes `--output` copies.
package enum QemuImg {
    struct Failure: Error, CustomStringConvertible {
        var arguments: [String]
        var message: String
        var description: String { "qemu-img \(arguments.first ?? ""): \(message)" }
    }

    /// A qcow2 overlay whose backing file is `image` (opened with its real format): writes land in
    /// the overlay, the image stays untouched until `commit`.
    package static func createOverlay(_ overlay: String, backing image: String, format: DiskImageFormat) throws {
        try run(["create", "-q", "-f", "qcow2", "-b", image, "-F", format.qemuName, overlay])
    }

    /// Writes the overlay's changes into its backing file. Not atomic by itself: `InPlaceCommit`
    /// points the overlay at a capture layer first, so the image is written only by kdumpbake.
    /// Cache mode `unsafe` (no flushes): everything this writes is the private capture file, read
    /// back through the page cache; the image's durability comes from `InPlaceCommit`'s own fsyncs.
    static func commit(_ overlay: String, progress: ((Double) -> Void)? = nil) throws {
        try run(["commit", "-t", "unsafe", "-f", "qcow2", "-d", overlay], progress: progress)
    }

    /// The capture layer of `InPlaceCommit` over `image`'s file bytes (read as raw), so its
    /// allocated ranges are the file ranges written into it, at sector precision: 16 KiB
    /// clusters with extended L2 entries, whose 32 subclusters of 512 bytes are allocated one by
    /// one. Plain 512-byte clusters map the same ranges, but their metadata made committing a
    /// real Debian patch (~200 MiB through the overlay) take ~10 s against ~0.3 s (qemu ≥ 5.2).
    static func createCapture(_ capture: String, over image: String, size: UInt64) throws {
        let sectors = (size + 511) / 512
        try run(["create", "-q", "-f", "qcow2", "-o", "cluster_size=16k,extended_l2=on", "-b", image, "-F", "raw", capture, "\(sectors * 512)"])
    }

    /// Rewrites the backing file name in `overlay`'s header only (`rebase -u`): no data moves.
    static func rebaseUnsafe(_ overlay: String, onto backing: String, format: DiskImageFormat) throws {
        try run(["rebase", "-q", "-u", "-f", "qcow2", "-F", format.qemuName, "-b", backing, overlay])
    }

    /// `qemu-img map --output=json` of a qcow2 kdumpbake made (never of an input image).
    static func map(_ image: String) throws -> Data {
        try run(["map", "--output=json", "-f", "qcow2", image], collectOutput: true)
    }

    /// Writes overlay + backing as a new image of `format`; a VHD stays an Azure fixed VHD.
    package static func convert(_ overlay: String, to output: String, format: DiskImageFormat, progress: ((Double) -> Void)? = nil) throws {
        var arguments = ["convert", "-f", "qcow2", "-O", format.qemuName]
        if format == .vhd { arguments += ["-o", "subformat=fixed,force_size"] }
        try run(arguments + [overlay, output], progress: progress)
    }

    /// The virtual size of a qcow2 kdumpbake made (the overlay), from `qemu-img info --output=json`.
    package static func virtualSize(ofOverlay overlay: String) throws -> UInt64 {
        let data = try run(["info", "--output=json", "-f", "qcow2", overlay], collectOutput: true)
        guard let info = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let size = (info["virtual-size"] as? NSNumber)?.uint64Value else {
            throw Failure(arguments: ["info"], message: "no virtual-size in qemu-img info's output")
        }
        return size
    }

    /// Grows the overlay's virtual disk to `bytes` (zeros at the end); its backing image is untouched.
    package static func resize(overlay: String, to bytes: UInt64) throws {
        try run(["resize", "-q", "-f", "qcow2", overlay, String(bytes)])
    }

    /// Runs qemu-img; with `progress`, adds `-p` and reports its percentages (0…1) as they come,
    /// otherwise `-q`. Long on real images (a 30 GB VHD), so worth showing.
    /// With `collectOutput`, returns what it printed on stdout.
    ///
    /// qemu-img dies with kdumpbake (`diesWithParent`): killed, kdumpbake must not leave it
    /// committing or converting for minutes into a work directory or an `--output` nobody owns.
    @discardableResult
    static func run(_ arguments: [String], progress: ((Double) -> Void)? = nil, collectOutput: Bool = false) throws -> Data {
        var arguments = arguments
        if !arguments.contains("-q") && !collectOutput { arguments.insert(progress == nil ? "-q" : "-p", at: 1) }
        let command = ChildProcess(executable, arguments,
                                   standardOutput: collectOutput ? .capture(limit: mapOutputLimit) : progress == nil ? .discard : .stream,
                                   standardError: .capture(limit: 1 << 20), diesWithParent: true)
        let outcome: ChildProcess.Outcome
        do {
            let child = try command.start()
            if let progress, !collectOutput { readProgress(of: child, into: progress) }
            outcome = child.wait()
        } catch {
            throw Failure(arguments: arguments, message: "cannot run \(executable): \(error.reason) (install qemu-utils)")
        }
        guard outcome.termination.succeeded else {
            let text = outcome.standardErrorText.trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(arguments: arguments, message: text.isEmpty ? "\(outcome.termination)" : text)
        }
        if outcome.standardOutputTruncated {
            throw Failure(arguments: arguments, message: "printed more than \(mapOutputLimit) bytes")
        }
        return Data(outcome.standardOutput)
    }

    static let executable = "/usr/bin/qemu-img"

    /// What `map` may print: one JSON object per extent of a qcow2 kdumpbake made, a few MB for
    /// tens of thousands of extents; past this something is wrong, and a cut JSON is no use.
    static let mapOutputLimit = 256 << 20

    /// qemu-img -p draws `    (42.00/100%)` and redraws it after a carriage return; `child`'s
    /// stdout is a `.stream`, read here on the caller's thread.
    static func readProgress(of child: RunningChild, into progress: (Double) -> Void) {
        child.readLines(of: .standardOutput, separatedBy: [0x0D, 0x0A]) { line in
            if let fraction = progressFraction(line) { progress(fraction) }
        }
    }

    /// The fraction in one qemu-img progress line, nil for anything else.
    static func progressFraction(_ line: String) -> Double? {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("("), text.hasSuffix("/100%)"),
              let value = Double(text.dropFirst().dropLast("/100%)".count)), (0...100).contains(value) else { return nil }
        return value / 100
    }
}
