import ChitraCore
import ChitraRails
import ChitraTesting
import Foundation
import Testing

/// The ISO 20022 files Chitra writes and reads, checked against the official schemas with
/// `tools/iso20022/iso20022-validate` (xmllint, with the official schemas shipped beside it).
@Suite("ISO 20022 payment files and status reports")
struct ISO20022Tests {
    static let debtor = DebtorAccount(name: "Phòng LĐTBXH TP Bạc Liêu", account: "1234567890123", bank: "970405")

    static func transfer(_ index: Int, amount: Int64 = 500_000, name: String? = nil) -> TransferInstruction {
        TransferInstruction(endToEndID: "CT954202607NB\(index)", beneficiaryID: "B\(index)", amount: Money(dong: amount),
                            institution: ["970436", "970415", "970418"][index % 3], account: "0\(100_000_000 + index)",
                            creditorName: name ?? "Nguyễn Văn \(index)")
    }

    static let writer = Pain001Writer(messageID: "CT954202607B970436F1", paymentInformationID: "CT954202607B970436F1P1",
                                      createdAt: "2026-07-20T09:30:00", executionDate: "2026-07-21", debtor: debtor)

    static func validate(_ document: String) async throws -> (valid: Bool, output: String) {
        try await ISO20022Validator.validate(document)
    }

    @Test("a pain.001.001.09 file is valid against the schema, with exact NbOfTxs and CtrlSum, SSBE, VND without decimals")
    func paymentFileIsValid() async throws {
        var transfers = (1...250).map { Self.transfer($0, amount: Int64(360_000 + $0 * 1_000)) }
        transfers.append(Self.transfer(251, name: "Trần & Lê <\"Hai\"> 'Ba' \u{7}"))
        let document = try Self.writer.document(transfers)
        let verdict = try await Self.validate(document)
        #expect(verdict.valid, "\(verdict.output)")
        let total = transfers.reduce(Int64(0)) { $0 + $1.amount.dong }
        #expect(document.contains("<NbOfTxs>251</NbOfTxs><CtrlSum>\(total)</CtrlSum>"))
        #expect(document.components(separatedBy: "<CdtTrfTxInf>").count == 252)
        #expect(document.contains("<CtgyPurp><Cd>SSBE</Cd></CtgyPurp>") && document.contains("<Purp><Cd>SSBE</Cd></Purp>"))
        #expect(document.contains("<InstdAmt Ccy=\"VND\">361000</InstdAmt>"))
        #expect(document.contains("<Nm>Trần &amp; Lê &lt;&quot;Hai&quot;&gt; &apos;Ba&apos; </Nm>"))
        #expect(document.contains("<Nm>Phòng LĐTBXH TP Bạc Liêu</Nm>"))
    }

    @Test("a file of the most transactions allowed is valid and written in chunks")
    func largeFileStreams() async throws {
        let transfers = (1...Pain001Writer.maximumTransactions).map { Self.transfer($0) }
        var chunks = 0
        var document = ""
        try Self.writer.write(transfers) { chunk in
            chunks += 1
            document += chunk
        }
        #expect(chunks > 1)
        #expect(try await Self.validate(document).valid)
    }

    @Test("what a bank would refuse is refused before anything is written", arguments: [
        ([transfer(1, amount: 0)], Pain001Writer.Failure.badAmount(endToEndID: "CT954202607NB1", amount: 0)),
        ([transfer(1), transfer(1)], Pain001Writer.Failure.duplicateEndToEndID("CT954202607NB1")),
        ([TransferInstruction(endToEndID: "CT954202607NB1", beneficiaryID: "B1", amount: Money(dong: 1), institution: "VCB",
                              account: "1", creditorName: "X")], Pain001Writer.Failure.badInstitution(endToEndID: "CT954202607NB1", institution: "VCB")),
        ([TransferInstruction(endToEndID: String(repeating: "A", count: 36), beneficiaryID: "B1", amount: Money(dong: 1), institution: "970436",
                              account: "1", creditorName: "X")], Pain001Writer.Failure.badIdentifier(field: "EndToEndId", value: String(repeating: "A", count: 36))),
        ([TransferInstruction(endToEndID: "CT1", beneficiaryID: "B1", amount: Money(dong: 1), institution: "970436",
                              account: "", creditorName: "X")], Pain001Writer.Failure.badAccount(endToEndID: "CT1")),
        ([TransferInstruction](), Pain001Writer.Failure.empty),
    ])
    func refusals(transfers: [TransferInstruction], failure: Pain001Writer.Failure) {
        #expect(throws: failure) { try Self.writer.document(transfers) }
    }

    static let report = PaymentStatusReport(
        messageID: "SIM-1", createdAt: "2026-07-21T08:00:00", originalMessageID: "CT954202607B970436F1", groupStatus: "PART",
        paymentInformationID: "CT954202607B970436F1P1",
        transactions: [
            .init(endToEndID: "CT954202607NB1", status: "ACSC"),
            .init(endToEndID: "CT954202607NB2", status: "RJCT", reason: "AC04"),
            .init(endToEndID: "CT954202607NB3", status: "PDNG"),
            .init(endToEndID: "CT954202607NB4", status: "ACSP"),
        ])

    @Test("a pain.002.001.12 report is valid against the schema and reads back to the statuses it gave")
    func statusReportRoundTrip() async throws {
        let document = try Pain002Writer.document(Self.report)
        let verdict = try await Self.validate(document)
        #expect(verdict.valid, "\(verdict.output)")
        let read = try Pain002Reader.read(Data(document.utf8))
        #expect(read == Self.report)
        let sent: Set<String> = ["CT954202607NB1", "CT954202607NB2", "CT954202607NB3", "CT954202607NB4"]
        let statuses = try read.statuses(messageID: "CT954202607B970436F1", sent: sent)
        #expect(statuses == ["CT954202607NB1": .paid, "CT954202607NB2": .rejected(reason: "AC04"),
                             "CT954202607NB3": .pending, "CT954202607NB4": .accepted])
    }

    @Test("a whole file rejected gives every transaction the group's reason")
    func groupRejection() async throws {
        let report = PaymentStatusReport(messageID: "SIM-2", createdAt: "2026-07-21T08:00:00", originalMessageID: "F1",
                                         groupStatus: "RJCT", groupReason: "FF01", transactions: [])
        let document = try Pain002Writer.document(report)
        #expect(try await Self.validate(document).valid)
        let statuses = try Pain002Reader.read(Data(document.utf8)).statuses(messageID: "F1", sent: ["E1", "E2"])
        #expect(statuses == ["E1": .rejected(reason: "FF01"), "E2": .rejected(reason: "FF01")])
    }

    @Test("a report that is not XML, not a pain.002, or says what Chitra did not send is refused with a sentence")
    func badReports() throws {
        #expect(throws: Pain002Reader.Failure.self) { try Pain002Reader.read(Data("<Document><oops".utf8)) }
        let paymentFile = try Self.writer.document([Self.transfer(1)])
        #expect(throws: Pain002Reader.Failure.notAStatusReport(namespace: Pain001Writer.namespace)) {
            try Pain002Reader.read(Data(paymentFile.utf8))
        }
        let read = try Pain002Reader.read(Data(try Pain002Writer.document(Self.report).utf8))
        #expect(throws: PaymentStatusReport.Failure.notSent(endToEndID: "CT954202607NB3", messageID: "CT954202607B970436F1")) {
            try read.statuses(messageID: "CT954202607B970436F1", sent: ["CT954202607NB1", "CT954202607NB2"])
        }
        #expect(throws: PaymentStatusReport.Failure.answersAnotherFile(expected: "OTHER", found: "CT954202607B970436F1")) {
            try read.statuses(messageID: "OTHER", sent: [])
        }
        var twice = Self.report
        twice.transactions.append(.init(endToEndID: "CT954202607NB1", status: "ACSC"))
        #expect(throws: PaymentStatusReport.Failure.twice(endToEndID: "CT954202607NB1")) {
            try twice.statuses(messageID: "CT954202607B970436F1", sent: ["CT954202607NB1", "CT954202607NB2", "CT954202607NB3", "CT954202607NB4"])
        }
        var noReason = Self.report
        noReason.transactions = [.init(endToEndID: "E1", status: "RJCT")]
        #expect(throws: PaymentStatusReport.Failure.rejectedWithoutReason(endToEndID: "E1")) {
            try noReason.statuses(messageID: "CT954202607B970436F1", sent: ["E1"])
        }
        noReason.transactions = [.init(endToEndID: "E1", status: "DONE")]
        #expect(throws: PaymentStatusReport.Failure.unknownStatus(endToEndID: "E1", status: "DONE")) {
            try noReason.statuses(messageID: "CT954202607B970436F1", sent: ["E1"])
        }
    }
}

@Suite("Rejection reasons")
struct RejectionReasonTests {
    @Test("closed, blocked and wrong accounts are permanent; funds and cut-offs temporary; MD07 stops; unknown codes are permanent")
    func classify() {
        for code in ["AC01", "AC03", "AC04", "AC06", "AG01", "BE01", "RC01"] { #expect(RejectionReason(code: code) == .permanent, "\(code)") }
        for code in ["AM04", "TM01", "DS24"] { #expect(RejectionReason(code: code) == .temporary, "\(code)") }
        #expect(RejectionReason(code: "MD07") == .deceased)
        #expect(RejectionReason(code: "ZZ99") == .permanent)
        #expect(RejectionReason.permanentCodes.isDisjoint(with: RejectionReason.temporaryCodes))
    }
}

@Suite("ISO 20022 at size")
struct ISO20022SizeTests {
    @Test("a 100,000-transaction status report (over 10 MB: libxml2 refuses that handed whole) is read, every transaction")
    func largeReport() throws {
        let transactions = (0..<100_000).map { index in
            PaymentStatusReport.Transaction(endToEndID: "CT954202607NB\(index)", status: index % 10 == 0 ? "RJCT" : "ACSC",
                                            reason: index % 10 == 0 ? "AC04" : nil)
        }
        let report = PaymentStatusReport(messageID: "SIM-3", createdAt: "2026-07-21T08:00:00", originalMessageID: "F1", groupStatus: "PART",
                                         paymentInformationID: "P1", transactions: transactions)
        var data = Data()
        try Pain002Writer.write(report) { data.append(contentsOf: $0.utf8) }
        #expect(data.count > 10_000_000)
        let read = try Pain002Reader.read(data)
        #expect(read.transactions.count == 100_000 && read.transactions.last == transactions.last)
        #expect(read.transactions.filter { $0.status == "RJCT" }.count == 10_000)
    }

    @Test("a status report cut short (its end lost on the way) is refused, never read as a report of fewer transfers")
    func cutShortReport() throws {
        let report = PaymentStatusReport(messageID: "SIM1", createdAt: "2026-07-20T09:31:00", originalMessageID: "F1", groupStatus: "ACSC",
                                         paymentInformationID: "F1P1", transactions: (1...3).map { .init(endToEndID: "E\($0)", status: "ACSC") })
        let document = try Pain002Writer.document(report)
        #expect(try Pain002Reader.read(Data(document.utf8)).transactions.count == 3)
        let cut = String(document[..<document.range(of: "<TxInfAndSts><OrgnlEndToEndId>E3")!.lowerBound])
        #expect(throws: Pain002Reader.Failure.self) { try Pain002Reader.read(Data(cut.utf8)) }
    }
}
