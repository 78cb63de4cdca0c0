import ChitraCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads a customer credit transfer initiation, `pain.001.001.09`, as a bank gateway does (the
/// simulator): the message and payment-information references, the debtor, and each transfer;
/// the declared number of transactions and control sum must match what the file holds.
public enum Pain001Reader {
    public struct PaymentFile: Sendable, Hashable {
        public var messageID: String
        public var paymentInformationID: String
        public var debtor: DebtorAccount
        public var transfers: [TransferInstruction]
        /// The file asks for one entry on the debtor's statement (`BtchBookg` true).
        public var batchBooking = false
    }

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case malformed(line: Int, problem: String)
        case notAPaymentFile(namespace: String)
        case missing(String)
        case notVND(endToEndID: String, currency: String)
        case badAmount(endToEndID: String, text: String)
        case countMismatch(declared: String, found: Int)
        case sumMismatch(declared: String, found: Int64)

        public var description: String {
            switch self {
            case .malformed(let line, let problem): "the payment file is not well-formed XML (line \(line)): \(problem)"
            case .notAPaymentFile(let namespace): "the file is not a pain.001.001.09 payment file (its namespace is '\(namespace)')"
            case .missing(let element): "the payment file has no \(element)"
            case .notVND(let id, let currency): "transfer \(id) is in '\(currency)', not VND"
            case .badAmount(let id, let text): "transfer \(id) has the amount '\(text)', not a whole number of đồng"
            case .countMismatch(let declared, let found): "the payment file declares \(declared) transactions and holds \(found)"
            case .sumMismatch(let declared, let found): "the payment file declares a control sum of \(declared) and its transfers add to \(found)"
            }
        }
    }

    public static func read(_ data: Data) throws(Failure) -> PaymentFile {
        let delegate = Delegate()
        if let (line, problem) = XMLEvents.parse(data, delegate: delegate) {
            if let failure = delegate.failure { throw failure }
            throw .malformed(line: line, problem: problem)
        }
        if let failure = delegate.failure { throw failure }
        guard let messageID = delegate.messageID else { throw .missing("GrpHdr/MsgId") }
        guard let paymentInformationID = delegate.paymentInformationID else { throw .missing("PmtInf/PmtInfId") }
        guard let count = delegate.declaredCount else { throw .missing("GrpHdr/NbOfTxs") }
        guard Int(count) == delegate.transfers.count else { throw .countMismatch(declared: count, found: delegate.transfers.count) }
        let sum = delegate.transfers.reduce(Int64(0)) { $0 + $1.amount.dong }
        if let declared = delegate.declaredSum, Int64(declared) != sum { throw .sumMismatch(declared: declared, found: sum) }
        return PaymentFile(messageID: messageID, paymentInformationID: paymentInformationID,
                           debtor: DebtorAccount(name: delegate.debtorName ?? "", account: delegate.debtorAccount ?? "", bank: delegate.debtorBank ?? ""),
                           transfers: delegate.transfers, batchBooking: delegate.batchBooking)
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var path: [String] = []
        var text = ""
        var failure: Failure?
        var messageID: String?
        var paymentInformationID: String?
        var declaredCount: String?
        var declaredSum: String?
        var debtorName: String?
        var debtorAccount: String?
        var debtorBank: String?
        var batchBooking = false
        var currency = ""
        var transfers: [TransferInstruction] = []
        var current: TransferInstruction?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if path.isEmpty, namespaceURI != Pain001Writer.namespace || name != "Document" {
                failure = .notAPaymentFile(namespace: namespaceURI ?? "")
                parser.abortParsing()
                return
            }
            path.append(name)
            text = ""
            if name == "CdtTrfTxInf" {
                current = TransferInstruction(endToEndID: "", beneficiaryID: "", amount: .zero, institution: "", account: "", creditorName: "")
            }
            if name == "InstdAmt" { currency = attributes["Ccy"] ?? "" }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let value = XMLText.trimmed(text)
            let parent = path.count >= 2 ? path[path.count - 2] : ""
            func within(_ element: String) -> Bool { path.contains(element) }
            switch (name, parent) {
            case ("MsgId", "GrpHdr"): messageID = value
            case ("NbOfTxs", "GrpHdr"): declaredCount = value
            case ("CtrlSum", "GrpHdr"): declaredSum = value
            case ("PmtInfId", "PmtInf"): paymentInformationID = value
            case ("BtchBookg", "PmtInf"): batchBooking = value == "true" || value == "1"
            case ("Nm", "Dbtr"): debtorName = value
            case ("Id", "Othr") where within("DbtrAcct"): debtorAccount = value
            case ("Id", "Othr") where within("DbtrAgt"): debtorBank = value
            case ("EndToEndId", "PmtId"): current?.endToEndID = value
            case ("InstdAmt", _):
                let id = current?.endToEndID ?? ""
                guard currency == "VND" else { fail(.notVND(endToEndID: id, currency: currency), parser); break }
                guard let dong = Int64(value), dong > 0 else { fail(.badAmount(endToEndID: id, text: value), parser); break }
                current?.amount = Money(dong: dong)
            case ("Id", "Othr") where within("CdtrAgt"): current?.institution = value
            case ("Nm", "Cdtr"): current?.creditorName = value
            case ("Id", "Othr") where within("CdtrAcct"): current?.account = value
            case ("CdtTrfTxInf", _):
                if let current {
                    if current.endToEndID.isEmpty { fail(.missing("EndToEndId in a CdtTrfTxInf"), parser) } else { transfers.append(current) }
                }
                current = nil
            default: break
            }
            path.removeLast()
            text = ""
        }

        func fail(_ failure: Failure, _ parser: XMLParser) {
            self.failure = failure
            parser.abortParsing()
        }
    }
}
