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
        let delegate = Delegate()
        if let (line, problem) = XMLEvents.parse(data, delegate: delegate) {
            if let failure = delegate.failure { throw failure }
            throw .malformed(line: line, problem: problem)
        }
        if let failure = delegate.failure { throw failure }
        guard !delegate.statements.isEmpty else { throw .missing(delegate.kind == .notification ? "Ntfctn" : "Stmt", statement: delegate.messageID) }
        return delegate.statements
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var path: [String] = []
        var text = ""
        var attributes: [String: String] = [:]
        var failure: Failure?
        var messageID = ""
        var statements: [BankStatement] = []
        var kind = BankStatement.Kind.statement

        // The statement being read.
        var statementID = "", sequence: Int?, createdAt = "", account = "", institution = ""
        var balances: [String: (amount: Int64, day: Day?)] = [:]
        var balanceType = "", balanceAmount: Int64?, balanceSign = "", balanceDay: Day?
        var entries: [BankStatement.Entry] = []
        // The entry being read.
        var amount: Int64?, direction: BankStatement.Direction?, reversal = false, status = "", booking: Day?, value: Day?
        var reference = "", domain = "", family = "", subFamily = "", endToEndID: String?, returnReason: String?

        func fail(_ parser: XMLParser, _ failure: Failure) {
            if self.failure == nil { self.failure = failure }
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if path.isEmpty {
                guard name == "Document", [Camt053Reader.namespace, Camt053Reader.notificationNamespace].contains(namespaceURI ?? "") else {
                    return fail(parser, .notAStatement(namespace: namespaceURI ?? ""))
                }
                kind = namespaceURI == Camt053Reader.notificationNamespace ? .notification : .statement
            } else if path.count == 1, name != (kind == .notification ? "BkToCstmrDbtCdtNtfctn" : "BkToCstmrStmt") {
                return fail(parser, .mismatched(namespace: namespaceURI ?? "", message: name))
            }
            path.append(name)
            text = ""
            self.attributes = attributes
            switch name {
            case "Stmt", "Ntfctn":
                statementID = ""; sequence = nil; createdAt = ""; account = ""; institution = ""; balances = [:]; entries = []
            case "Bal": balanceType = ""; balanceAmount = nil; balanceSign = ""; balanceDay = nil
            case "Ntry":
                amount = nil; direction = nil; reversal = false; status = ""; booking = nil; value = nil
                reference = ""; domain = ""; family = ""; subFamily = ""; endToEndID = nil; returnReason = nil
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let value = XMLText.trimmed(text)
            let parent = path.count >= 2 ? path[path.count - 2] : ""
            let inEntry = path.contains("Ntry"), inBalance = path.contains("Bal"), inDetails = path.contains("NtryDtls")
            let label = statementID.isEmpty ? "(no Id)" : statementID
            switch (name, parent) {
            case ("MsgId", "GrpHdr"): messageID = value
            case ("Id", "Stmt"), ("Id", "Ntfctn"): statementID = value
            case ("ElctrncSeqNb", "Stmt"), ("ElctrncSeqNb", "Ntfctn"): sequence = Int(value)
            case ("CreDtTm", "Stmt"), ("CreDtTm", "Ntfctn"): createdAt = value
            case ("Id", "Othr") where path.contains("Acct") && path.contains("Svcr"): institution = value
            case ("Id", "Othr") where path.contains("Acct"): account = value
            case ("Cd", "CdOrPrtry") where inBalance: balanceType = value
            case ("Amt", "Bal"):
                guard attributes["Ccy"] == "VND", let amount = Int64(value) else {
                    return fail(parser, .invalid("a balance of '\(value)' \(attributes["Ccy"] ?? "") is not whole đồng", statement: label))
                }
                balanceAmount = amount
            case ("CdtDbtInd", "Bal"): balanceSign = value
            case ("Dt", "Dt") where inBalance: balanceDay = Day(value)
            case ("Bal", _):
                guard let amount = balanceAmount else { return fail(parser, .missing("Bal/Amt", statement: label)) }
                balances[balanceType] = (balanceSign == "DBIT" ? -amount : amount, balanceDay)
            case ("Amt", "Ntry"):
                guard attributes["Ccy"] == "VND", let parsed = Int64(value), parsed >= 0 else {
                    return fail(parser, .invalid("an entry of '\(value)' \(attributes["Ccy"] ?? "") is not whole đồng", statement: label))
                }
                amount = parsed
            case ("CdtDbtInd", "Ntry"): direction = BankStatement.Direction(rawValue: value)
            case ("RvslInd", "Ntry"): reversal = value == "true" || value == "1"
            case ("Cd", "Sts") where inEntry && !inDetails: status = value
            case ("Dt", "BookgDt"): booking = Day(value)
            case ("Dt", "ValDt"): self.value = Day(value)
            case ("AcctSvcrRef", "Ntry"): reference = value
            case ("Cd", "Domn") where !inDetails: domain = value
            case ("Cd", "Fmly") where !inDetails: family = value
            case ("SubFmlyCd", "Fmly") where !inDetails: subFamily = value
            case ("EndToEndId", "Refs") where inDetails: endToEndID = endToEndID ?? value
            case ("Cd", "Rsn") where path.contains("RtrInf"): returnReason = returnReason ?? value
            case ("Ntry", _):
                guard let amount else { return fail(parser, .missing("Ntry/Amt", statement: label)) }
                guard let direction else { return fail(parser, .missing("Ntry/CdtDbtInd (CRDT or DBIT)", statement: label)) }
                guard let booking else { return fail(parser, .missing("Ntry/BookgDt of the entry \(reference)", statement: label)) }
                guard !reference.isEmpty else { return fail(parser, .missing("Ntry/AcctSvcrRef (the bank's reference of an entry)", statement: label)) }
                entries.append(BankStatement.Entry(servicerReference: reference, amountVND: amount, direction: direction, reversal: reversal,
                                                   status: status.isEmpty ? "BOOK" : status, bookingDay: booking, valueDay: self.value,
                                                   code: .init(domain, family, subFamily), endToEndID: endToEndID, returnReason: returnReason))
            case ("Ntfctn", _):
                guard !statementID.isEmpty else { return fail(parser, .missing("Ntfctn/Id (the notification's id)", statement: messageID)) }
                guard !account.isEmpty else { return fail(parser, .missing("Acct/Id", statement: label)) }
                guard let day = entries.first?.bookingDay ?? Day(createdAt.prefix(10)) else { return fail(parser, .missing("a day", statement: label)) }
                statements.append(BankStatement(kind: .notification, messageID: messageID, statementID: statementID, sequenceNumber: 0,
                                                createdAt: createdAt, account: account, institution: institution, day: day, openingVND: 0,
                                                entries: entries))
            case ("Stmt", _):
                guard let sequence else { return fail(parser, .missing("ElctrncSeqNb", statement: label)) }
                guard !account.isEmpty else { return fail(parser, .missing("Acct/Id", statement: label)) }
                guard let opening = balances["OPBD"] ?? balances["PRCD"] else { return fail(parser, .missing("an opening balance (OPBD)", statement: label)) }
                guard let closing = balances["CLBD"] else { return fail(parser, .missing("a closing balance (CLBD)", statement: label)) }
                guard let day = closing.day ?? opening.day ?? entries.first?.bookingDay else { return fail(parser, .missing("a day", statement: label)) }
                let statement = BankStatement(messageID: messageID, statementID: statementID, sequenceNumber: sequence, createdAt: createdAt,
                                              account: account, institution: institution, day: day, openingVND: opening.amount, entries: entries)
                guard statement.closingVND == closing.amount else {
                    return fail(parser, .unbalanced(statement: label, opening: opening.amount, entries: statement.closingVND - opening.amount,
                                                    closing: closing.amount))
                }
                statements.append(statement)
            default: break
            }
            path.removeLast()
            text = ""
        }
    }
}
