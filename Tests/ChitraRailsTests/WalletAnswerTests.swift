import ChitraCore
@testable import ChitraRails
import Foundation
import Testing

/// A wallet provider's answer is checked against the batch sent, and refused whole when it cannot
/// be trusted: the transfers stay of unknown outcome and are inquired.
@Suite("Wallet answers")
struct WalletAnswerTests {
    static let batch = TransferBatch(
        messageID: "W954202606N7", institution: "momo", debtor: DebtorAccount(name: "Phòng LĐTBXH", account: "", bank: ""),
        executionDate: "2026-06-05", transfers: [
            TransferInstruction(endToEndID: "CT954202606NA1", beneficiaryID: "A1", amount: Money(dong: 500_000), institution: "momo",
                                account: "0912345678", creditorName: "A1"),
            TransferInstruction(endToEndID: "CT954202606NA2", beneficiaryID: "A2", amount: Money(dong: 750_000), institution: "momo",
                                account: "0912345679", creditorName: "A2"),
        ])

    static func status(_ id: String, _ status: WalletTransferStatus.Status, reason: String? = nil, amount: Int64) -> WalletTransferStatus {
        WalletTransferStatus(endToEndID: id, status: status, reason: reason, amountVND: amount)
    }

    @Test("a right answer gives each transfer its result; a transfer not named stays unknown")
    func rightAnswer() throws {
        let answer = WalletBatchAnswer(batchID: "W954202606N7", results: [Self.status("CT954202606NA1", .paid, amount: 500_000)])
        let results = try WalletRail.results(of: answer, for: Self.batch, rail: .wallet)
        #expect(results["CT954202606NA1"] == .paid)
        guard case .unknown = results["CT954202606NA2"] else { Issue.record("not named: unknown"); return }
    }

    @Test("a wrong amount, a transfer never sent, one named twice, another batch, a rejection without reason: refused with a sentence", arguments: [
        (WalletBatchAnswer(batchID: "W954202606N7", results: [status("CT954202606NA1", .paid, amount: 5_000_000)]),
         "the answer gives transfer CT954202606NA1 5000000 đồng; 500000 were sent"),
        (WalletBatchAnswer(batchID: "W954202606N7", results: [status("CT954202606NZZ", .paid, amount: 1)]),
         "the answer names transfer CT954202606NZZ, which batch W954202606N7 did not hold"),
        (WalletBatchAnswer(batchID: "W954202606N7", results: [status("CT954202606NA1", .paid, amount: 500_000),
                                                               status("CT954202606NA1", .paid, amount: 500_000)]),
         "the answer names transfer CT954202606NA1 twice"),
        (WalletBatchAnswer(batchID: "W954202606N8", results: []), "the answer is about batch W954202606N8, not W954202606N7"),
        (WalletBatchAnswer(batchID: "W954202606N7", results: [status("CT954202606NA2", .rejected, amount: 750_000)]),
         "the answer rejects transfer CT954202606NA2 without a reason code"),
    ])
    func refused(answer: WalletBatchAnswer, sentence: String) {
        #expect(throws: RailFailure.badAnswer(rail: .wallet, problem: sentence)) {
            try WalletRail.results(of: answer, for: Self.batch, rail: .wallet)
        }
        #expect(RailFailure.badAnswer(rail: .wallet, problem: sentence).description == "the wallet gateway's answer was refused: " + sentence)
    }

    @Test("a rejection's reason code says what follows: AC04 permanent, AM04 temporary, MD07 deceased")
    func reasons() throws {
        let answer = WalletBatchAnswer(batchID: "W954202606N7", results: [
            Self.status("CT954202606NA1", .rejected, reason: "AC04", amount: 500_000),
            Self.status("CT954202606NA2", .rejected, reason: "MD07", amount: 750_000),
        ])
        let results = try WalletRail.results(of: answer, for: Self.batch, rail: .wallet)
        #expect(results["CT954202606NA1"] == .rejected(reason: "AC04", kind: .permanent))
        #expect(results["CT954202606NA2"] == .rejected(reason: "MD07", kind: .deceased))
    }
}
