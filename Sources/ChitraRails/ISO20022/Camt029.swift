import ChitraCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A bank's resolution of a cancellation request (ISO 20022 `camt.029.001.14`): the answer to
/// Chitra's recall of a second debit. `CNCL` (cancelled as asked: the money comes back on a
/// statement) or `RJCR` (rejected) with the reason of `ExternalPaymentCancellationRejection1Code`
/// (NOOR no such transaction, CUST the customer's decision, LEGL a legal decision, ARDT already
/// returned, …), for the one transaction asked about.
public enum Camt029 {
    public static let namespace = "urn:iso:std:iso:20022:tech:xsd:camt.029.001.14"

    public struct Resolution: Sendable, Hashable {
        public var caseID: String
        /// The bank answering, by its BIN.
        public var bank: String
        /// The account holder who asked.
        public var customer: String
        public var createdAt: String
        public var endToEndID: String
        /// nil: cancelled as asked; else the reason it was rejected.
        public var rejection: String?

        public init(caseID: String, bank: String, customer: String, createdAt: String, endToEndID: String, rejection: String?) {
            self.caseID = caseID
            self.bank = bank
            self.customer = customer
            self.createdAt = createdAt
            self.endToEndID = endToEndID
            self.rejection = rejection
        }
    }

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case malformed(line: Int, problem: String)
        case notAResolution(namespace: String)
        case missing(String)
        case unknownConfirmation(String)

        public var description: String {
            switch self {
            case .malformed(let line, let problem): "the camt.029 is malformed at line \(line): \(problem)"
            case .notAResolution(let namespace): "the document is not a camt.029.001.14 (namespace '\(namespace)')"
            case .missing(let what): "the camt.029 has no \(what)"
            case .unknownConfirmation(let code): "the camt.029 confirms '\(code)', neither CNCL nor RJCR"
            }
        }
    }

    public static func document(_ resolution: Resolution) -> String {
        let status = resolution.rejection == nil ? "CNCL" : "RJCR"
        let reason = resolution.rejection.map { "<CxlStsRsnInf><Rsn><Cd>\(XMLText.escaped($0))</Cd></Rsn></CxlStsRsnInf>" } ?? ""
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="\(namespace)"><RsltnOfInvstgtn>\
            <Assgnmt><Id>\(XMLText.escaped(resolution.caseID))</Id>\
            <Assgnr><Agt><FinInstnId><Othr><Id>\(XMLText.escaped(resolution.bank))</Id></Othr></FinInstnId></Agt></Assgnr>\
            <Assgne><Pty><Nm>\(XMLText.escaped(resolution.customer))</Nm></Pty></Assgne>\
            <CreDtTm>\(XMLText.escaped(resolution.createdAt))</CreDtTm></Assgnmt>\
            <Sts><Conf>\(status)</Conf></Sts>\
            <CxlDtls><TxInfAndSts><OrgnlEndToEndId>\(XMLText.escaped(resolution.endToEndID))</OrgnlEndToEndId>\
            <TxCxlSts>\(resolution.rejection == nil ? "ACCR" : "RJCR")</TxCxlSts>\(reason)</TxInfAndSts></CxlDtls>\
            </RsltnOfInvstgtn></Document>

            """
    }

    /// The transaction's EndToEndId and the answer: nil cancelled, else the rejection's reason.
    public static func read(_ data: Data) throws(Failure) -> (endToEndID: String, rejection: String?) {
        let delegate = Delegate()
        if let (line, problem) = XMLEvents.parse(data, delegate: delegate) {
            if let failure = delegate.failure { throw failure }
            throw .malformed(line: line, problem: problem)
        }
        if let failure = delegate.failure { throw failure }
        guard let endToEndID = delegate.endToEndID else { throw .missing("OrgnlEndToEndId") }
        switch delegate.confirmation {
        case "CNCL": return (endToEndID, nil)
        case "RJCR":
            guard let reason = delegate.reason else { throw .missing("CxlStsRsnInf/Rsn/Cd of its rejection") }
            return (endToEndID, reason)
        case nil: throw .missing("Sts/Conf")
        case let other?: throw .unknownConfirmation(other)
        }
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var path: [String] = []
        var text = ""
        var failure: Failure?
        var confirmation: String?, endToEndID: String?, reason: String?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if path.isEmpty, namespaceURI != Camt029.namespace || name != "Document" {
                if failure == nil { failure = .notAResolution(namespace: namespaceURI ?? "") }
                return parser.abortParsing()
            }
            path.append(name)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let value = XMLText.trimmed(text)
            let parent = path.count >= 2 ? path[path.count - 2] : ""
            switch (name, parent) {
            case ("Conf", "Sts"): confirmation = value
            case ("OrgnlEndToEndId", "TxInfAndSts"): endToEndID = endToEndID ?? value
            case ("Cd", "Rsn") where path.contains("CxlStsRsnInf"): reason = reason ?? value
            default: break
            }
            path.removeLast()
            text = ""
        }
    }
}
