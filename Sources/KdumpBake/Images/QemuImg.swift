import Foundation

/// The host's `qemu-img`, run with argv: the overlay that makes a patch all-or-nothing, the
/// commit that lands it, the conversion that writes `--output` copies.
enum QemuImg {
    struct Failure: Error, CustomStringConvertible {
        var arguments: [String]
        var message: String
        var description: String { "qemu-img \(arguments.first ?? ""): \(message)" }
    }

    /// A qcow2 overlay whose backing file is `image` (opened with its real format): writes land in
    /// the overlay, the image stays untouched until `commit`.
    static func createOverlay(_ overlay: String, backing image: String, format: DiskImageFormat) throws {
        try run(["create", "-q", "-f", "qcow2", "-b", image, "-F", format.qemuName, overlay])
    }

    /// Writes the overlay's changes into its backing file. Not atomic: the one window where an
    /// interrupted `--in-place` patch can leave a partly written image (documented in the README).
    static func commit(_ overlay: String) throws {
        try run(["commit", "-q", "-f", "qcow2", "-d", overlay])
    }

    /// Writes overlay + backing as a new image of `format`; a VHD stays an Azure fixed VHD.
    static func convert(_ overlay: String, to output: String, format: DiskImageFormat) throws {
        var arguments = ["convert", "-q", "-f", "qcow2", "-O", format.qemuName]
        if format == .vhd { arguments += ["-o", "subformat=fixed,force_size"] }
        try run(arguments + [overlay, output])
    }

    static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/qemu-img")
        process.arguments = arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failure(arguments: arguments, message: "cannot run /usr/bin/qemu-img: \(error.localizedDescription) (install qemu-utils)")
        }
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(arguments: arguments, message: text.isEmpty ? "exit status \(process.terminationStatus)" : text)
        }
    }
}
