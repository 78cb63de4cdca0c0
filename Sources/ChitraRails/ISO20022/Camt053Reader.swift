import ChitraCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads a bank-to-customer statement, ISO 20022 `camt.053.001.08` (a statement a bank sends or
/// hands over), in one pass with Foundation's event-driven `XMLParser`: each `Stmt` with its
/// account, sequence number, day, booked opening and closing balances, and entries. A statement
/// whose balances do not add up (opening + booked entries ≠ closing) is refused whole: a file that
/// cannot be trusted is never half taken in. A debit/credit notification, `camt.054.001.08`, is
/// read the same way: each `Ntfctn` with its id, account and entries (no balances, no sequence).
public enum Camt053Reader {
    public static let namespace = Camt053Writer.namespace
    public static let notificationNamespace = Camt054Writer.namespace

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case malformed(line: Int, problem: String)
        case notAStatement(namespace: String)
        /// A camt.053 message under camt.054's namespace, or the reverse.
        case mismatched(namespace: String, message: String)
        case missing(String, statement: String)
        case invalid(String, statement: String)
        case unbalanced(statement: String, opening: Int64, entries: Int64, closing: Int64)

        public var description: String {
            switch self {
            case .malformed(let line, let problem): "the statement is not well-formed XML (line \(line)): \(problem)"
            case .notAStatement(let namespace): "the file is neither a camt.053.001.08 statement nor a camt.054.001.08 notification (its namespace is '\(namespace)')"
            case .mismatched(let namespace, let message): "its message <\(message)> is not of its namespace '\(namespace)'"
            case .missing(let element, let statement): "statement \(statement) has no \(element)"
            case .invalid(let what, let statement): "statement \(statement): \(what)"
            case .unbalanced(let statement, let opening, let entries, let closing):
                "statement \(statement) does not add up: opening \(opening) + entries \(entries) ≠ closing \(closing) đồng"
            }
        }
    }

    public static func read(_ data: Data) throws(Failure) -> [BankStatement] {
        try read(bytes: [UInt8](data))
    }

    /// Read in one pass of `PlainXMLScanner` when the document is plain (as banks write them),
    /// else by Foundation's `XMLParser`: the same interpreter, the same statements or failure.
    public static func read(bytes: [UInt8]) throws(Failure) -> [BankStatement] {
        var interpreter = CamtInterpreter()
        if PlainXMLScanner.scan(bytes, into: &interpreter) == .notPlain { interpreter = try parsed(bytes) }
        return try interpreter.read()
    }

    /// The same by Foundation's `XMLParser` alone (what the scanner is measured and checked against).
    public static func readByXMLParser(bytes: [UInt8]) throws(Failure) -> [BankStatement] {
        try parsed(bytes).read()
    }

    private static func parsed(_ bytes: [UInt8]) throws(Failure) -> CamtInterpreter {
        let delegate = Delegate()
        if let (line, problem) = XMLEvents.parse(Data(bytes), delegate: delegate) {
            if let failure = delegate.interpreter.failure { throw failure }
            throw .malformed(line: line, problem: problem)
        }
        return delegate.interpreter
    }

    /// Feeds Foundation's parser's events to the interpreter, stopping the parser at its failure.
    private final class Delegate: NSObject, XMLParserDelegate {
        var interpreter = CamtInterpreter()

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if !interpreter.start(name, namespaceURI: namespaceURI, attributes: attributes) { parser.abortParsing() }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { interpreter.characters(string) }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if !interpreter.end() { parser.abortParsing() }
        }
    }
}
