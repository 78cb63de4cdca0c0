import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads a customer payment status report, ISO 20022 `pain.002.001.10` to `.12`, with
/// Foundation's event-driven `XMLParser`: one pass, nothing kept but the statuses (a 100,000
/// transaction report is read without building a tree of it).
public enum Pain002Reader {
    public static let namespaces: Set<String> = (10...12).map { "urn:iso:std:iso:20022:tech:xsd:pain.002.001.\($0)" }.reduce(into: []) { $0.insert($1) }

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case malformed(line: Int, problem: String)
        case notAStatusReport(namespace: String)
        case missing(String)

        public var description: String {
            switch self {
            case .malformed(let line, let problem): "the status report is not well-formed XML (line \(line)): \(problem)"
            case .notAStatusReport(let namespace): "the answer is not a pain.002 status report (its namespace is '\(namespace)')"
            case .missing(let element): "the status report has no \(element)"
            }
        }
    }

    public static func read(_ data: Data) throws(Failure) -> PaymentStatusReport {
        let delegate = Delegate()
        if let (line, problem) = XMLEvents.parse(data, delegate: delegate) {
            if let failure = delegate.failure { throw failure }
            throw .malformed(line: line, problem: problem)
        }
        if let failure = delegate.failure { throw failure }
        guard let messageID = delegate.messageID else { throw .missing("GrpHdr/MsgId") }
        guard let original = delegate.originalMessageID else { throw .missing("OrgnlGrpInfAndSts/OrgnlMsgId") }
        return PaymentStatusReport(messageID: messageID, createdAt: delegate.createdAt ?? "", originalMessageID: original,
                                   groupStatus: delegate.groupStatus, groupReason: delegate.groupReason,
                                   paymentInformationID: delegate.paymentInformationID, transactions: delegate.transactions)
    }

    /// Collects the few elements Chitra needs by their path of element names.
    private final class Delegate: NSObject, XMLParserDelegate {
        var path: [String] = []
        var text = ""
        var failure: Failure?
        var messageID: String?
        var createdAt: String?
        var originalMessageID: String?
        var groupStatus: String?
        var groupReason: String?
        var paymentInformationID: String?
        var transactions: [PaymentStatusReport.Transaction] = []
        var current: PaymentStatusReport.Transaction?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if path.isEmpty, !Pain002Reader.namespaces.contains(namespaceURI ?? "") || name != "Document" {
                failure = .notAStatusReport(namespace: namespaceURI ?? "")
                parser.abortParsing()
                return
            }
            path.append(name)
            text = ""
            if name == "TxInfAndSts" { current = PaymentStatusReport.Transaction(endToEndID: "", status: "") }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let value = XMLText.trimmed(text)
            let parent = path.count >= 2 ? path[path.count - 2] : ""
            let inTransaction = path.contains("TxInfAndSts")
            switch (name, parent) {
            case ("MsgId", "GrpHdr"): messageID = value
            case ("CreDtTm", "GrpHdr"): createdAt = value
            case ("OrgnlMsgId", "OrgnlGrpInfAndSts"): originalMessageID = value
            case ("GrpSts", "OrgnlGrpInfAndSts"): groupStatus = value
            case ("OrgnlPmtInfId", "OrgnlPmtInfAndSts"): paymentInformationID = value
            case ("OrgnlEndToEndId", "TxInfAndSts"): current?.endToEndID = value
            case ("TxSts", "TxInfAndSts"): current?.status = value
            case ("Cd", "Rsn") where inTransaction: if current?.reason == nil { current?.reason = value }
            case ("Cd", "Rsn") where path.contains("OrgnlGrpInfAndSts"): groupReason = groupReason ?? value
            case ("TxInfAndSts", _):
                if let current {
                    if current.endToEndID.isEmpty { failure = .missing("OrgnlEndToEndId in a TxInfAndSts") } else { transactions.append(current) }
                }
                current = nil
            default: break
            }
            path.removeLast()
            text = ""
        }
    }
}
