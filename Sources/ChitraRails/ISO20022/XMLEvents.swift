import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One pass of Foundation's event-driven `XMLParser` over a document, fed from a stream in small
/// chunks: handed the data whole, libxml2 refuses a document past 10 MB (a 100,000-transaction
/// report is 10.2 MB) as "huge input". Returns nil when the document parsed, else the line and the
/// parser's problem; a failure the delegate recorded is the caller's to throw first.
enum XMLEvents {
    static func parse(_ data: Data, delegate: any XMLParserDelegate) -> (line: Int, problem: String)? {
        let parser = XMLParser(stream: InputStream(data: data))
        parser.shouldProcessNamespaces = true
        parser.delegate = delegate
        guard !parser.parse() else { return nil }
        return (parser.lineNumber, parser.parserError.map { "\($0.localizedDescription)" } ?? "unreadable")
    }
}
