import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Counts what a JUnit document holds, parsing it for real (so malformed XML fails the test).
public struct JUnitSummary {
    public var suites = 0, testcases = 0, failures = 0, errors = 0, skipped = 0

    public init(_ xml: String) throws {
        let delegate = Counter()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = delegate
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.coderReadCorrupt) }
        self = delegate.summary
    }

    private final class Counter: NSObject, XMLParserDelegate {
        var summary = JUnitSummary.empty
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            switch name {
            case "testsuite": summary.suites += 1
            case "testcase": summary.testcases += 1
            case "failure": summary.failures += 1
            case "error": summary.errors += 1
            case "skipped": summary.skipped += 1
            default: break
            }
        }
    }

    private init() {}
    public static var empty: JUnitSummary { JUnitSummary() }
}

/// A JUnit document parsed by Foundation's XMLParser: elements in document order with their
/// attributes, and all character data. Throws when the XML is not well-formed.
public final class JUnitXML: NSObject, XMLParserDelegate {
    public struct Element {
        public var name: String
        public var attributes: [String: String]
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    public private(set) var elements: [Element] = []
    public private(set) var text = ""

    public init(_ xml: String) throws {
        super.init()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = self
        guard parser.parse() else {
            throw Malformed(description: "\(parser.parserError.map { "\($0)" } ?? "unknown error") at line \(parser.lineNumber)\n\(xml)")
        }
    }

    public func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append(Element(name: elementName, attributes: attributeDict))
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }
}
