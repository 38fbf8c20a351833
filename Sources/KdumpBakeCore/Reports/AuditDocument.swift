import Foundation

/// The JSON report: `{tool, version, images: [...], summary}` (documented in the README).
public struct AuditDocument: Encodable, Sendable {
    public struct Summary: Encodable, Sendable, Equatable {
        public var images: Int
        public var compliant: Int
        public var nonCompliant: Int
        /// Images that could not be (fully) audited: some finding is `error`.
        public var errors: Int

        enum CodingKeys: String, CodingKey { case images, compliant, nonCompliant = "non_compliant", errors }
    }

    public var tool = "kdumpbake"
    public var version = KdumpBakeVersion.current
    public var images: [ImageReport]
    public var summary: Summary

    public init(images: [ImageReport]) {
        self.images = images
        summary = Summary(images: images.count, compliant: images.filter(\.compliant).count,
                          nonCompliant: images.filter { !$0.compliant }.count, errors: images.filter(\.hasErrors).count)
    }

    public func json() -> String {
        String(decoding: JSONOutput.encode(self, pretty: true) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }
}
