import AsyncHTTPClient
import ChitraCore
import ChitraLocal
import ChitraRails
import ChitraTesting
import Foundation
import NIOCore
import NIOFoundationCompat
import Testing

/// The simulated bank keeps the paying unit's account: a debit for every credit (two when the
/// careless bank credits a transfer twice), a charge per payment file, returns days later, and the
/// day's statement as camt.053, valid against the official schema.
@Suite("Bank simulator statements")
struct BankStatementSimulatorTests {
    static let debtor = DebtorAccount(name: "UBND phường Bạc Liêu", account: "1234567890123", bank: "970405")

    static func transfers(_ range: ClosedRange<Int>) -> [TransferInstruction] {
        range.map { TransferInstruction(endToEndID: "CT31825202607NS\($0)", beneficiaryID: "S\($0)", amount: Money(dong: Int64(400_000 + $0 * 1_000)),
                                        institution: "970436", account: "0\(100_000_000 + $0)", creditorName: "Nguyễn Văn \($0)") }
    }

    static func send(_ transfers: [TransferInstruction], file: String, batchBooking: Bool = false, to simulator: BankSimulatorProcess) async throws {
        var writer = Pain001Writer(messageID: file, paymentInformationID: file + "P1", createdAt: "2026-07-20T09:30:00",
                                   executionDate: "2026-07-21", debtor: debtor)
        writer.batchBooking = batchBooking
        try await simulator.exchange(.POST, "/bank/pain001", body: try writer.document(transfers))
    }

    @Test("each credit debits the unit's account (twice when credited twice), a file's charge is an entry, returns come back days later; each day's statement is valid camt.053 and its closing is the next day's opening")
    func accountStatements() async throws {
        try await BankSimulatorProcess.with(["--faults", "none", "--no-dedup", "--seed", "5"]) { simulator in
            try await simulator.setFaults(#"{"returns": {"AC04": 0.25, "MD07": 0.15}, "return_days": 2, "charge_vnd": 1100}"#)
            let sent = Self.transfers(1...40)
            try await Self.send(sent, file: "F1", to: simulator)
            try await Self.send(Array(sent.prefix(3)), file: "F2", to: simulator)          // the careless bank credits these again
            let ledger = try await simulator.ledger()
            #expect(ledger.count == 43 && BankSimulatorProcess.creditedTwice(ledger).count == 3)
            let today = VietnamTime.today()
            // A day not yet ended has no statement.
            await #expect(throws: (any Error).self) { try await simulator.exchange(.GET, "/bank/statements/\(Self.debtor.account)?date=\(today)") }
            try await simulator.exchange(.PUT, "/calendar", body: #"{"days_ahead": 3}"#)
            var balance: Int64?
            var returned: [String] = []
            for offset in 0..<3 {
                let day = Day(daysSince2000: today.daysSince2000 + offset)
                let document = String(buffer: try await simulator.exchange(.GET, "/bank/statements/\(Self.debtor.account)?date=\(day)"))
                let verdict = try await ISO20022Validator.validate(document)
                #expect(verdict.valid, "\(verdict.output)")
                let opening = try #require(Self.amount(of: "OPBD", in: document)), closing = try #require(Self.amount(of: "CLBD", in: document))
                if let balance { #expect(opening == balance, "the day opens where the day before closed") }
                let signed = Self.entries(document).reduce(Int64(0)) { $0 + ($1.credit ? $1.amount : -$1.amount) }
                #expect(opening + signed == closing)
                balance = closing
                if offset == 0 {
                    let debits = Self.entries(document).filter { !$0.credit && $0.endToEndID != nil }
                    #expect(debits.count == 43, "one debit a credit, the three credited twice debited twice")
                    #expect(Dictionary(grouping: debits, by: { $0.endToEndID! }).values.filter { $0.count == 2 }.count == 3)
                    #expect(document.contains("<SubFmlyCd>CHRG</SubFmlyCd>") && document.contains("<Amt Ccy=\"VND\">44000</Amt>")
                            && document.contains("<Amt Ccy=\"VND\">3300</Amt>"), "a charge a file: 1,100 ₫ a transfer credited")
                    #expect(!document.contains("RRTN"), "returns come days later")
                }
                if offset == 2 {
                    returned = Self.entries(document).filter(\.credit).compactMap(\.endToEndID)
                    #expect(document.contains("<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf>") || document.contains("<RtrInf><Rsn><Cd>MD07</Cd></Rsn></RtrInf>"))
                }
            }
            #expect(!returned.isEmpty && returned.count < 40, "a share of the credits came back: \(returned.count)")
            // Asked again, a statement is the same statement.
            let day = Day(daysSince2000: today.daysSince2000 + 2)
            let first = try await simulator.exchange(.GET, "/bank/statements/\(Self.debtor.account)?date=\(day)")
            #expect(first == (try await simulator.exchange(.GET, "/bank/statements/\(Self.debtor.account)?date=\(day)")))
        }
    }

    @Test("a recall gives a second debit back once, as a credit on the day's statement; the first debit and an unknown entry are refused; every answer is a valid camt.029")
    func recalls() async throws {
        try await BankSimulatorProcess.with(["--faults", "none", "--no-dedup", "--seed", "5"]) { simulator in
            let sent = Self.transfers(1...2)
            let sentOn = VietnamTime.today()
            try await Self.send(sent, file: "F1", to: simulator)
            try await Self.send(Array(sent.prefix(1)), file: "F2", to: simulator)
            try await simulator.exchange(.PUT, "/calendar", body: #"{"days_ahead": 1}"#)
            let today = VietnamTime.today()
            // Every day from the sending's (a second one, past midnight in Vietnam).
            func entries(from first: Day, through last: Day) async throws -> [BankStatement.Entry] {
                try await simulator.statements(account: Self.debtor.account, from: first, through: last)
                    .flatMap { try StatementFile.read($0.file).statements.flatMap(\.entries) }
            }
            let debits = try await entries(from: sentOn, through: today).filter { $0.endToEndID == sent[0].endToEndID && $0.direction == .debit }
            #expect(debits.count == 2)
            let rail = BankRail(http: .shared, baseURL: simulator.bankURL)
            @Sendable func recall(_ entry: String, _ id: String) async throws -> (RecallAnswer, String) {
                let body = #"{"account": "\#(Self.debtor.account)", "entry": "\#(entry)", "end_to_end_id": "\#(id)", "reason": "DUPL"}"#
                let document = String(buffer: try await simulator.exchange(.POST, "/bank/recalls", body: body))
                let verdict = try await ISO20022Validator.validate(document)
                #expect(verdict.valid, "\(verdict.output)")
                return (try await rail.recall(account: Self.debtor.account, entry: entry, endToEndID: id, reason: "DUPL"), document)
            }
            #expect(try await recall(debits[0].servicerReference, sent[0].endToEndID).0 == .refused(reason: "CUST"), "the payment itself is not recalled")
            #expect(try await recall("NO-SUCH", sent[0].endToEndID).0 == .refused(reason: "NOOR"))
            let (accepted, document) = try await recall(debits[1].servicerReference, sent[0].endToEndID)
            #expect(accepted == .accepted && document.contains("<Conf>CNCL</Conf>"))
            #expect(try await recall(debits[1].servicerReference, sent[0].endToEndID).0 == .accepted, "asked again: the same answer")
            // Given back on the simulator's day of the recall: today + 1, or + 2 past midnight.
            try await simulator.exchange(.PUT, "/calendar", body: #"{"days_ahead": 3}"#)
            let back = try await entries(from: Day(daysSince2000: today.daysSince2000 + 1), through: Day(daysSince2000: today.daysSince2000 + 2))
            #expect(back.count == 1 && back[0].code == .recallCredited && back[0].direction == .credit && back[0].returnReason == "DUPL"
                    && back[0].amountVND == debits[1].amountVND && back[0].endToEndID == sent[0].endToEndID, "\(back)")
            // A camt.029 about another transaction is refused.
            #expect(throws: Camt029.Failure.notAResolution(namespace: "urn:x")) { try Camt029.read(Data(#"<Document xmlns="urn:x"/>"#.utf8)) }
        }
    }

    @Test("a second debit recalled before its credit came back is given back and the credit comes back no more; one whose credit came back already is refused ARDT")
    func recallsOfReturnedCredits() async throws {
        try await BankSimulatorProcess.with(["--faults", "none", "--no-dedup", "--seed", "5"]) { simulator in
            try await simulator.setFaults(#"{"returns": {"AC04": 1.0}, "return_days": 2}"#)
            let sent = Self.transfers(1...2), sentOn = VietnamTime.today()
            try await Self.send(sent, file: "F1", to: simulator)
            try await Self.send(sent, file: "F2", to: simulator)          // each credited twice, each credit to come back
            let rail = BankRail(http: .shared, baseURL: simulator.bankURL)
            func entries(of id: String, through last: Int) async throws -> [BankStatement.Entry] {
                try await simulator.statements(account: Self.debtor.account, from: sentOn, through: Day(daysSince2000: sentOn.daysSince2000 + last))
                    .flatMap { try StatementFile.read($0.file).statements.flatMap(\.entries) }.filter { $0.endToEndID == id }
            }
            try await simulator.exchange(.PUT, "/calendar", body: #"{"days_ahead": 1}"#)
            let first = try await entries(of: sent[0].endToEndID, through: 0).filter { $0.direction == .debit }
            #expect(first.count == 2)
            #expect(try await rail.recall(account: Self.debtor.account, entry: first[1].servicerReference, endToEndID: sent[0].endToEndID,
                                          reason: "DUPL") == .accepted, "its credit is still to come back")
            try await simulator.exchange(.PUT, "/calendar", body: #"{"days_ahead": 4}"#)
            let second = try await entries(of: sent[1].endToEndID, through: 2).filter { $0.direction == .debit }
            #expect(try await rail.recall(account: Self.debtor.account, entry: second[1].servicerReference, endToEndID: sent[1].endToEndID,
                                          reason: "DUPL") == .refused(reason: "ARDT"), "its credit came back already")
            let firstBack = try await entries(of: sent[0].endToEndID, through: 3).filter { $0.direction == .credit }.map(\.code)
            #expect(firstBack.sorted { $0.subFamily < $1.subFamily } == [.recallCredited, .transferReturned], "the recalled credit does not come back too")
            let secondBack = try await entries(of: sent[1].endToEndID, through: 3).filter { $0.direction == .credit }.map(\.code)
            #expect(secondBack == [.transferReturned, .transferReturned])
        }
    }

    @Test("the day's entries so far come as a camt.054 notification, valid against the schema: the same one while nothing is new, read as the statement's entries")
    func intradayNotification() async throws {
        try await BankSimulatorProcess.with(["--faults", "none", "--seed", "5"]) { simulator in
            try await simulator.setFaults(#"{"charge_vnd": 1100}"#)
            let today = VietnamTime.today()
            #expect(try await simulator.notification(account: Self.debtor.account, day: today) == nil, "no entry yet")
            try await Self.send(Self.transfers(1...5), file: "F1", to: simulator)
            let first = try #require(try await simulator.notification(account: Self.debtor.account, day: today))
            let verdict = try await ISO20022Validator.validate(String(decoding: first, as: UTF8.self))
            #expect(verdict.valid, "\(verdict.output)")
            let (format, read) = try StatementFile.read(first)
            let notification = try #require(read.first)
            // Asked again with nothing new: the same notification (its id and entries; made anew, at another second).
            let repeated = try StatementFile.read(try #require(try await simulator.notification(account: Self.debtor.account, day: today))).statements
            #expect(repeated.map(\.statementID) == [notification.statementID] && repeated.map(\.entries) == [notification.entries])
            #expect(format == "camt.054" && read.count == 1 && notification.kind == .notification && notification.day == today)
            #expect(notification.entries.filter { $0.code == .transferSent }.count == 5 && notification.entries.filter { $0.code == .charge }.count == 1)

            // Another file: a new notification, carrying the day's entries again with the new ones.
            try await Self.send(Self.transfers(6...7), file: "F2", to: simulator)
            let second = try StatementFile.read(try #require(try await simulator.notification(account: Self.debtor.account, day: today))).statements[0]
            #expect(second.statementID != notification.statementID && second.entries.count == notification.entries.count + 3)
            #expect(Set(notification.entries.map(\.servicerReference)).isSubset(of: Set(second.entries.map(\.servicerReference))))
            // The day's statement, once the day has ended, holds the same entries.
            try await simulator.exchange(.PUT, "/calendar", body: #"{"days_ahead": 1}"#)
            let statement = try StatementFile.read(try #require(try await simulator.statements(account: Self.debtor.account, from: today, through: today).first?.file))
            #expect(statement.statements[0].entries.map(\.servicerReference) == second.entries.map(\.servicerReference))
        }
    }

    @Test("a file asking for batch booking is one debit on the statement, its transfers in its details; a file that does not is one debit a transfer")
    func batchBooked() async throws {
        try await BankSimulatorProcess.with(["--faults", "none", "--seed", "5"]) { simulator in
            try await Self.send(Self.transfers(1...4), file: "FB", batchBooking: true, to: simulator)
            try await Self.send(Self.transfers(5...6), file: "FS", to: simulator)
            let entries = try await Self.todaysTransfersSent(simulator)
            let batch = try #require(entries.first { $0.batch != nil }?.batch)
            #expect(batch.messageID == "FB" && batch.count == 4 && batch.transactions.map(\.endToEndID) == Self.transfers(1...4).map(\.endToEndID))
            #expect(entries.first { $0.batch != nil }?.amountVND == Self.transfers(1...4).reduce(0) { $0 + $1.amount.dong })
            #expect(entries.filter { $0.batch == nil }.compactMap(\.endToEndID) == Self.transfers(5...6).map(\.endToEndID))
        }
    }

    @Test("a wallet batch names the paying account: the provider's credits are debited from it one by one, each with its EndToEndId, on the day's statement")
    func walletCreditsDebited() async throws {
        try await BankSimulatorProcess.with(["--faults", "none", "--seed", "5"]) { simulator in
            let sent = Self.transfers(1...5).map {
                TransferInstruction(endToEndID: "W" + $0.endToEndID.dropFirst(2), beneficiaryID: $0.beneficiaryID, amount: $0.amount, institution: "MOMO",
                                    account: "09\($0.account.suffix(8))", creditorName: $0.creditorName)
            }
            let rail = WalletRail(http: .shared, baseURL: simulator.walletURL)
            let results = await rail.send(TransferBatch(messageID: "WB1", institution: "MOMO", debtor: Self.debtor, executionDate: "2026-07-21",
                                                        transfers: sent))
            #expect(results.count == 5 && results.values.allSatisfy { $0 == .paid }, "\(results)")
            let debits = try await Self.todaysTransfersSent(simulator)
            #expect(debits.map(\.endToEndID) == sent.map(\.endToEndID) && debits.map(\.amountVND) == sent.map(\.amount.dong))
        }
    }

    /// Today's statement of the debtor account, once the simulator's day has ended (its calendar a
    /// day ahead), valid camt.053: its debits for transfers sent.
    static func todaysTransfersSent(_ simulator: BankSimulatorProcess) async throws -> [BankStatement.Entry] {
        let today = VietnamTime.today()
        try await simulator.exchange(.PUT, "/calendar", body: #"{"days_ahead": 1}"#)
        let file = try #require(try await simulator.statements(account: debtor.account, from: today, through: today).first?.file)
        let verdict = try await ISO20022Validator.validate(String(decoding: file, as: UTF8.self))
        #expect(verdict.valid, "\(verdict.output)")
        return try StatementFile.read(file).statements[0].entries.filter { $0.code == .transferSent }
    }

    static func amount(of balance: String, in document: String) -> Int64? {
        guard let match = document.firstMatch(of: try! Regex("<Cd>\(balance)</Cd></CdOrPrtry></Tp><Amt Ccy=\"VND\">(\\d+)</Amt><CdtDbtInd>(CRDT|DBIT)</CdtDbtInd>")),
              let amount = Int64(match.output[1].substring ?? "") else { return nil }
        return match.output[2].substring == "DBIT" ? -amount : amount
    }

    static func entries(_ document: String) -> [(amount: Int64, credit: Bool, endToEndID: String?)] {
        document.matches(of: /<Ntry><Amt Ccy="VND">(\d+)<\/Amt><CdtDbtInd>(CRDT|DBIT)<\/CdtDbtInd>.*?(?:<EndToEndId>([^<]+)<\/EndToEndId>.*?)?<\/Ntry>/)
            .map { (Int64($0.output.1)!, $0.output.2 == "CRDT", $0.output.3.map(String.init)) }
    }
}
