import ArgumentParser
import Foundation
import KdumpBakeCommandSupport
import KdumpBakeCore

/// `audit`'s options for images on web servers (read in place, by HTTP range requests).
///
/// A URL with a query string — an Azure SAS token — must come from `--url-file`: a command-line
/// argument is readable by every local user (`ps`, /proc/PID/cmdline) for as long as the audit runs.
struct RemoteImageOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Audit the image URLs in this file, one a line (- reads standard input). The safe way to pass SAS tokens.",
                                            valueName: "file"), completion: .file())
    var urlFile: String?

    @Option(name: .long, help: ArgumentHelp("Trust the certificate authorities in this PEM file instead of the system's (HTTPS). Verification stays on.",
                                            valueName: "file"), completion: .file(extensions: ["pem", "crt"]))
    var caFile: String?

    @Option(name: .long, help: ArgumentHelp("Time limit of each HTTP range request, in seconds.", valueName: "seconds"))
    var httpTimeout: Int = 60

    func validate() throws {
        if httpTimeout < 1 { throw ValidationError("--http-timeout must be at least 1 second") }
    }

    var http: HTTPOptions { HTTPOptions(caFile: caFile, timeLimit: .seconds(httpTimeout)) }

    /// The images to audit: positional files and URLs in order, then the URL file's. Without
    /// either, the manifest's images.
    func sources(arguments: [String], manifestOptions: ManifestOptions, manifest: Manifest) throws -> [ImageSource] {
        var sources: [ImageSource] = []
        for (position, argument) in arguments.enumerated() {
            guard RemoteImageURL.looksLikeURL(argument) else { sources.append(.file(argument)); continue }
            let url = try Self.parse(argument, from: "argument \(position + 1)")
            if url.hasQuery {
                throw CommandFailure.input("\(url.redacted): a URL with a query string (a SAS token?) on the command line is readable by every local user (ps); pass it with --url-file FILE, or --url-file - on standard input")
            }
            sources.append(.remote(url))
        }
        if let urlFile {
            sources += try Self.urls(in: urlFile).map(ImageSource.remote)
        }
        if sources.isEmpty {
            return try manifestOptions.images(arguments: [], manifest: manifest).map(ImageSource.file)
        }
        if let caFile, access(caFile, R_OK) != 0 {
            throw CommandFailure.input("\(caFile): cannot read the certificate authority file: \(String(cString: strerror(errno)))")
        }
        return sources
    }

    /// The URLs of a URL file: one a line; blank lines and lines starting with `#` are skipped.
    /// Errors name the file and line, never the line's text (it may hold a token).
    static func urls(in file: String) throws -> [RemoteImageURL] {
        let data: Data?
        if file == "-" { data = FileHandle.standardInput.readDataToEndOfFile() } else { data = FileManager.default.contents(atPath: file) }
        guard let data else { throw CommandFailure.input("\(file): cannot read the URL file") }
        guard let text = String(data: data, encoding: .utf8) else { throw CommandFailure.input("\(file): the URL file is not UTF-8 text") }
        var urls: [RemoteImageURL] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            urls.append(try parse(line, from: "\(file == "-" ? "standard input" : file):\(number + 1)"))
        }
        guard !urls.isEmpty else { throw CommandFailure.input("\(file): no URL in the URL file") }
        return urls
    }

    private static func parse(_ text: String, from origin: String) throws -> RemoteImageURL {
        do { return try RemoteImageURL(text) } catch { throw CommandFailure.input("\(origin): \(error)") }
    }
}
