import ChitraCore

/// What a camt.053 statement or camt.054 notification says, element by element: fed the events of
/// a document (`PlainXMLScanner`, or Foundation's `XMLParser`), it gathers each `Stmt` or `Ntfctn`
/// with its account, sequence number, day, balances and entries, or records the first failure
/// (`Camt053Reader.Failure`) and asks to stop.
struct CamtInterpreter: PlainXMLScanner.Sink {
    /// The elements open, known by name once as they open: comparing names as strings at every
    /// close was a fifth of reading a statement.
    var path: [Element] = []
    var text = ""
    var attributes: [String: String] = [:]
    var failure: Camt053Reader.Failure?
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
    // A batch booked as the entry: what the bank declares, and each transaction's details.
    var batchSeen = false, batchMessageID: String?, batchCount: Int?, batchTotal: Int64?
    var transactions: [BankStatement.Batch.Transaction] = [], transactionID: String?, transactionAmount: Int64?

    /// What the document said: its statements, or its first failure.
    func read() throws(Camt053Reader.Failure) -> [BankStatement] {
        if let failure { throw failure }
        guard !statements.isEmpty else { throw .missing(kind == .notification ? "Ntfctn" : "Stmt", statement: messageID) }
        return statements
    }

    /// Records the failure; false: stop reading.
    mutating func fail(_ failure: Camt053Reader.Failure) -> Bool {
        if self.failure == nil { self.failure = failure }
        return false
    }

    /// An element opens; false: stop reading (a failure is recorded).
    mutating func start(_ name: String, namespaceURI: String?, attributes: [String: String]) -> Bool {
        if path.isEmpty {
            guard name == "Document", [Camt053Reader.namespace, Camt053Reader.notificationNamespace].contains(namespaceURI ?? "") else {
                return fail(.notAStatement(namespace: namespaceURI ?? ""))
            }
            kind = namespaceURI == Camt053Reader.notificationNamespace ? .notification : .statement
        } else if path.count == 1, name != (kind == .notification ? "BkToCstmrDbtCdtNtfctn" : "BkToCstmrStmt") {
            return fail(.mismatched(namespace: namespaceURI ?? "", message: name))
        }
        let element = Element(name)
        path.append(element)
        text = ""
        self.attributes = attributes
        switch element {
        case .stmt, .ntfctn:
            statementID = ""; sequence = nil; createdAt = ""; account = ""; institution = ""; balances = [:]; entries = []
        case .bal: balanceType = ""; balanceAmount = nil; balanceSign = ""; balanceDay = nil
        case .ntry:
            amount = nil; direction = nil; reversal = false; status = ""; booking = nil; value = nil
            reference = ""; domain = ""; family = ""; subFamily = ""; endToEndID = nil; returnReason = nil
            batchSeen = false; batchMessageID = nil; batchCount = nil; batchTotal = nil; transactions = []
        case .btch: batchSeen = true
        case .txDtls: transactionID = nil; transactionAmount = nil
        default: break
        }
        return true
    }

    mutating func characters(_ string: String) { text += string }

    /// An element closes; false: stop reading (a failure is recorded).
    mutating func end() -> Bool {
        guard let element = path.last else { return true }
        let value = XMLText.trimmed(text)
        let parent = path.count >= 2 ? path[path.count - 2] : .other
        let inEntry = path.contains(.ntry), inBalance = path.contains(.bal), inDetails = path.contains(.ntryDtls)
        let label = statementID.isEmpty ? "(no Id)" : statementID
        switch (element, parent) {
        case (.msgId, .grpHdr): messageID = value
        case (.id, .stmt), (.id, .ntfctn): statementID = value
        case (.elctrncSeqNb, .stmt), (.elctrncSeqNb, .ntfctn): sequence = Int(value)
        case (.creDtTm, .stmt), (.creDtTm, .ntfctn): createdAt = value
        case (.id, .othr) where path.contains(.acct) && path.contains(.svcr): institution = value
        case (.id, .othr) where path.contains(.acct): account = value
        case (.cd, .cdOrPrtry) where inBalance: balanceType = value
        case (.amt, .bal):
            guard attributes["Ccy"] == "VND", let amount = Int64(value) else {
                return fail(.invalid("a balance of '\(value)' \(attributes["Ccy"] ?? "") is not whole đồng", statement: label))
            }
            balanceAmount = amount
        case (.cdtDbtInd, .bal): balanceSign = value
        case (.dt, .dt) where inBalance: balanceDay = Day(value)
        case (.bal, _):
            guard let amount = balanceAmount else { return fail(.missing("Bal/Amt", statement: label)) }
            balances[balanceType] = (balanceSign == "DBIT" ? -amount : amount, balanceDay)
        case (.amt, .ntry):
            guard attributes["Ccy"] == "VND", let parsed = Int64(value), parsed >= 0 else {
                return fail(.invalid("an entry of '\(value)' \(attributes["Ccy"] ?? "") is not whole đồng", statement: label))
            }
            amount = parsed
        case (.cdtDbtInd, .ntry): direction = BankStatement.Direction(rawValue: value)
        case (.rvslInd, .ntry): reversal = value == "true" || value == "1"
        case (.cd, .sts) where inEntry && !inDetails: status = value
        case (.dt, .bookgDt): booking = Day(value)
        case (.dt, .valDt): self.value = Day(value)
        case (.acctSvcrRef, .ntry): reference = value
        case (.cd, .domn) where !inDetails: domain = value
        case (.cd, .fmly) where !inDetails: family = value
        case (.subFmlyCd, .fmly) where !inDetails: subFamily = value
        case (.endToEndId, .refs) where inDetails:
            endToEndID = endToEndID ?? value
            transactionID = value
        case (.msgId, .btch): batchMessageID = value
        case (.nbOfTxs, .btch): batchCount = Int(value)
        case (.ttlAmt, .btch):
            guard attributes["Ccy"] == "VND", let total = Int64(value) else {
                return fail(.invalid("a batch total of '\(value)' \(attributes["Ccy"] ?? "") is not whole đồng", statement: label))
            }
            batchTotal = total
        case (.amt, .txDtls):
            guard attributes["Ccy"] == "VND", let parsed = Int64(value), parsed >= 0 else {
                return fail(.invalid("a transaction of '\(value)' \(attributes["Ccy"] ?? "") is not whole đồng", statement: label))
            }
            transactionAmount = parsed
        case (.txDtls, _):
            if let transactionID { transactions.append(.init(endToEndID: transactionID, amountVND: transactionAmount ?? 0)) }
        case (.cd, .rsn) where path.contains(.rtrInf): returnReason = returnReason ?? value
        case (.ntry, _):
            guard let amount else { return fail(.missing("Ntry/Amt", statement: label)) }
            guard let direction else { return fail(.missing("Ntry/CdtDbtInd (CRDT or DBIT)", statement: label)) }
            guard let booking else { return fail(.missing("Ntry/BookgDt of the entry \(reference)", statement: label)) }
            guard !reference.isEmpty else { return fail(.missing("Ntry/AcctSvcrRef (the bank's reference of an entry)", statement: label)) }
            // A batch: declared as one (`Btch`), or the details of more than one transfer.
            let batch = batchSeen || transactions.count > 1
                ? BankStatement.Batch(messageID: batchMessageID, count: batchCount, totalVND: batchTotal, transactions: transactions) : nil
            entries.append(BankStatement.Entry(servicerReference: reference, amountVND: amount, direction: direction, reversal: reversal,
                                               status: status.isEmpty ? "BOOK" : status, bookingDay: booking, valueDay: self.value,
                                               code: .init(domain, family, subFamily), endToEndID: batch == nil ? endToEndID : nil,
                                               returnReason: returnReason, batch: batch))
        case (.ntfctn, _):
            guard !statementID.isEmpty else { return fail(.missing("Ntfctn/Id (the notification's id)", statement: messageID)) }
            guard !account.isEmpty else { return fail(.missing("Acct/Id", statement: label)) }
            guard let day = entries.first?.bookingDay ?? Day(createdAt.prefix(10)) else { return fail(.missing("a day", statement: label)) }
            statements.append(BankStatement(kind: .notification, messageID: messageID, statementID: statementID, sequenceNumber: 0,
                                            createdAt: createdAt, account: account, institution: institution, day: day, openingVND: 0,
                                            entries: entries))
        case (.stmt, _):
            guard let sequence else { return fail(.missing("ElctrncSeqNb", statement: label)) }
            guard !account.isEmpty else { return fail(.missing("Acct/Id", statement: label)) }
            guard let opening = balances["OPBD"] ?? balances["PRCD"] else { return fail(.missing("an opening balance (OPBD)", statement: label)) }
            guard let closing = balances["CLBD"] else { return fail(.missing("a closing balance (CLBD)", statement: label)) }
            guard let day = closing.day ?? opening.day ?? entries.first?.bookingDay else { return fail(.missing("a day", statement: label)) }
            let statement = BankStatement(messageID: messageID, statementID: statementID, sequenceNumber: sequence, createdAt: createdAt,
                                          account: account, institution: institution, day: day, openingVND: opening.amount, entries: entries)
            guard statement.closingVND == closing.amount else {
                return fail(.unbalanced(statement: label, opening: opening.amount, entries: statement.closingVND - opening.amount,
                                                closing: closing.amount))
            }
            statements.append(statement)
        default: break
        }
        path.removeLast()
        text = ""
        return true
    }
}

extension CamtInterpreter {
    /// The elements a statement or notification is read by; any other is `other`.
    enum Element: Hashable {
        case acct, btch, nbOfTxs, ttlAmt, txDtls, acctSvcrRef, amt, bal, bookgDt, cd, cdOrPrtry, cdtDbtInd, creDtTm, domn, dt, elctrncSeqNb, endToEndId, fmly, grpHdr, id, msgId, ntfctn, ntry, ntryDtls, othr, refs, rsn, rtrInf, rvslInd, stmt, sts, subFmlyCd, svcr, valDt, other

        private static let byName: [String: Element] = ["Btch": .btch, "NbOfTxs": .nbOfTxs, "TtlAmt": .ttlAmt, "TxDtls": .txDtls, "Acct": .acct, "AcctSvcrRef": .acctSvcrRef, "Amt": .amt, "Bal": .bal, "BookgDt": .bookgDt, "Cd": .cd, "CdOrPrtry": .cdOrPrtry, "CdtDbtInd": .cdtDbtInd, "CreDtTm": .creDtTm, "Domn": .domn, "Dt": .dt, "ElctrncSeqNb": .elctrncSeqNb, "EndToEndId": .endToEndId, "Fmly": .fmly, "GrpHdr": .grpHdr, "Id": .id, "MsgId": .msgId, "Ntfctn": .ntfctn, "Ntry": .ntry, "NtryDtls": .ntryDtls, "Othr": .othr, "Refs": .refs, "Rsn": .rsn, "RtrInf": .rtrInf, "RvslInd": .rvslInd, "Stmt": .stmt, "Sts": .sts, "SubFmlyCd": .subFmlyCd, "Svcr": .svcr, "ValDt": .valDt]

        init(_ name: String) { self = Self.byName[name] ?? .other }
    }
}
