import Foundation
import Synchronization

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
    static func commit(_ overlay: String, progress: ((Double) -> Void)? = nil) throws {
        try run(["commit", "-f", "qcow2", "-d", overlay], progress: progress)
    }

    /// The capture layer of `InPlaceCommit`: a qcow2 of 512-byte clusters over `image`'s file
    /// bytes (read as raw), so its allocated clusters are the file ranges written into it.
    static func createCapture(_ capture: String, over image: String, size: UInt64) throws {
        let sectors = (size + 511) / 512
        try run(["create", "-q", "-f", "qcow2", "-o", "cluster_size=512", "-b", image, "-F", "raw", capture, "\(sectors * 512)"])
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

    /// Runs qemu-img; with `progress`, adds `-p` and reports its percentages (0…1) as they come,
    /// otherwise `-q`. Long on real images (a 30 GB VHD), so worth showing.
    /// With `collectOutput`, returns what it printed on stdout.
    @discardableResult
    static func run(_ arguments: [String], progress: ((Double) -> Void)? = nil, collectOutput: Bool = false) throws -> Data {
        var arguments = arguments
        if !arguments.contains("-q") && !collectOutput { arguments.insert(progress == nil ? "-q" : "-p", at: 1) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/qemu-img")
        process.arguments = arguments
        let errors = Pipe()
        let output = Pipe()
        process.standardOutput = progress == nil && !collectOutput ? FileHandle.nullDevice : output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failure(arguments: arguments, message: "cannot run /usr/bin/qemu-img: \(error.localizedDescription) (install qemu-utils)")
        }
        // stderr is drained on its own thread so neither pipe can fill and block qemu-img.
        let stderrData = Mutex(Data())
        let drained = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let data = errors.fileHandleForReading.readDataToEndOfFile()
            stderrData.withLock { $0 = data }
            drained.signal()
        }
        var printed = Data()
        if let progress { readProgress(from: output.fileHandleForReading, into: progress) }
        if collectOutput { printed = output.fileHandleForReading.readDataToEndOfFile() }
        drained.wait()
        let stderr = stderrData.withLock { $0 }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(arguments: arguments, message: text.isEmpty ? "exit status \(process.terminationStatus)" : text)
        }
        return printed
    }

    /// qemu-img -p draws `    (42.00/100%)` and redraws it after a carriage return.
    static func readProgress(from handle: FileHandle, into progress: (Double) -> Void) {
        var pending = Data()
        while case let chunk = handle.availableData, !chunk.isEmpty {
            pending.append(chunk)
            while let end = pending.firstIndex(where: { $0 == 0x0D || $0 == 0x0A }) {
                if let fraction = progressFraction(String(decoding: pending[..<end], as: UTF8.self)) { progress(fraction) }
                pending.removeSubrange(...end)
            }
        }
        if let fraction = progressFraction(String(decoding: pending, as: UTF8.self)) { progress(fraction) }
    }

    /// The fraction in one qemu-img progress line, nil for anything else.
    static func progressFraction(_ line: String) -> Double? {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("("), text.hasSuffix("/100%)"),
              let value = Double(text.dropFirst().dropLast("/100%)".count)), (0...100).contains(value) else { return nil }
        return value / 100
    }
}
