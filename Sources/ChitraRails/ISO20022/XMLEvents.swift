import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One pass of Foundation's event-driven `XMLParser` over a document, fed from a stream in small
/// chunks: handed the data whole, libxml2 refuses a document past 10 MB (a 100,000-transaction
/// report is 10.2 MB) as "huge input". Returns nil when the document parsed, else the line and the
/// parser's problem; a failure the delegate recorded is the caller's to throw first.
///
/// Fed from a stream, the parser reports a document cut short (a lost end of a file or an answer)
/// as parsed: the root element must have closed, or the document is refused as cut short.
enum XMLEvents {
    static func parse(_ data: Data, delegate: any XMLParserDelegate) -> (line: Int, problem: String)? {
        let parser = XMLParser(stream: InputStream(data: data))
        parser.shouldProcessNamespaces = true
        let counter = Depth(delegate)
        parser.delegate = counter
        guard parser.parse() else {
            return (parser.lineNumber, parser.parserError.map { "\($0.localizedDescription)" } ?? "unreadable")
        }
        guard counter.opened, counter.depth == 0 else {
            return (parser.lineNumber, "the document ends before its last element closes (cut short)")
        }
        return nil
    }

    /// Passes the events on, counting how deep the parser is.
    private final class Depth: NSObject, XMLParserDelegate {
        let inner: any XMLParserDelegate
        var depth = 0
        var opened = false

        init(_ inner: any XMLParserDelegate) { self.inner = inner }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            depth += 1
            opened = true
            inner.parser(parser, didStartElement: name, namespaceURI: namespaceURI, qualifiedName: qualifiedName, attributes: attributes)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { inner.parser(parser, foundCharacters: string) }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            depth -= 1
            inner.parser(parser, didEndElement: name, namespaceURI: namespaceURI, qualifiedName: qualifiedName)
        }
    }
}
