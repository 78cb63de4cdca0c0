import AsyncHTTPClient
import ChitraCore
import Foundation
import NIOCore
import NIOFoundationCompat

/// The e-wallet rail: a batch is one JSON `WalletBatch` POSTed to `{base}/{provider}/batches`;
/// an inquiry is a `GET` of `{base}/{provider}/transfers/{EndToEndId}` (404: never received).
/// An answer about transfers not sent, one missing, or one with another amount is refused whole.
public struct WalletRail: TransferRail {
    public let rail = Rail.wallet
    let client: GatewayClient
    let base: String

    public init(http: HTTPClient, baseURL: String, timeout: Duration = .seconds(30)) {
        self.client = GatewayClient(http: http, rail: .wallet, timeout: .milliseconds(timeout.wholeMilliseconds))
        self.base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    public func send(_ batch: TransferBatch) async -> [String: TransferResult] {
        do throws(RailFailure) {
            let message = WalletBatch(batchID: batch.messageID, provider: batch.institution, debtorName: batch.debtor.name,
                                      debtorAccount: batch.debtor.account, debtorBank: batch.debtor.bank,
                                      transfers: batch.transfers.map {
                                          WalletTransfer(endToEndID: $0.endToEndID, walletID: $0.account, name: $0.creditorName, amountVND: $0.amount.dong)
                                      })
            let body: ByteBuffer
            do { body = ByteBuffer(data: try JSONEncoder().encode(message)) } catch {
                throw .badAnswer(rail: rail, problem: "the batch could not be written: \(error)")
            }
            let answer = try await client.exchange(.POST, "\(base)/\(batch.institution)/batches", contentType: "application/json", body: body)
            guard answer.status == 200 else { throw .httpStatus(rail: rail, status: answer.status, body: String(buffer: answer.body)) }
            let decoded: WalletBatchAnswer
            do { decoded = try JSONDecoder().decode(WalletBatchAnswer.self, from: Data(buffer: answer.body)) } catch {
                throw .badAnswer(rail: rail, problem: "the answer is not a wallet batch answer (\(Self.sentence(error)))")
            }
            return try Self.results(of: decoded, for: batch, rail: rail)
        } catch {
            let why = error.description
            return batch.transfers.reduce(into: [:]) { $0[$1.endToEndID] = .unknown(why) }
        }
    }

    /// Checks the answer against the batch: the same batch, each transfer once, no other, the same amounts.
    static func results(of answer: WalletBatchAnswer, for batch: TransferBatch, rail: Rail) throws(RailFailure) -> [String: TransferResult] {
        guard answer.batchID == batch.messageID else {
            throw .badAnswer(rail: rail, problem: "the answer is about batch \(answer.batchID), not \(batch.messageID)")
        }
        let sent = Dictionary(uniqueKeysWithValues: batch.transfers.map { ($0.endToEndID, $0.amount.dong) })
        var results: [String: TransferResult] = [:]
        for status in answer.results {
            guard let amount = sent[status.endToEndID] else {
                throw .badAnswer(rail: rail, problem: "the answer names transfer \(status.endToEndID), which batch \(batch.messageID) did not hold")
            }
            guard results[status.endToEndID] == nil else {
                throw .badAnswer(rail: rail, problem: "the answer names transfer \(status.endToEndID) twice")
            }
            guard status.amountVND == amount else {
                throw .badAnswer(rail: rail, problem: "the answer gives transfer \(status.endToEndID) \(status.amountVND) đồng; \(amount) were sent")
            }
            results[status.endToEndID] = try result(status, rail: rail)
        }
        for transfer in batch.transfers where results[transfer.endToEndID] == nil {
            results[transfer.endToEndID] = .unknown("the wallet's answer to \(batch.messageID) does not name it")
        }
        return results
    }

    static func result(_ status: WalletTransferStatus, rail: Rail) throws(RailFailure) -> TransferResult {
        switch status.status {
        case .accepted: return .accepted
        case .pending: return .pending
        case .paid: return .paid
        case .rejected:
            guard let reason = status.reason, !reason.isEmpty else {
                throw .badAnswer(rail: rail, problem: "the answer rejects transfer \(status.endToEndID) without a reason code")
            }
            return .rejected(reason: reason, kind: RejectionReason(code: reason))
        }
    }

    public func inquire(endToEndID: String, institution: String) async throws(RailFailure) -> InquiryResult {
        let answer = try await client.exchange(.GET, "\(base)/\(institution)/transfers/\(endToEndID)")
        switch answer.status {
        case 404: return .neverArrived
        case 200: break
        default: throw .httpStatus(rail: rail, status: answer.status, body: String(buffer: answer.body))
        }
        let status: WalletTransferStatus
        do { status = try JSONDecoder().decode(WalletTransferStatus.self, from: Data(buffer: answer.body)) } catch {
            throw .badAnswer(rail: rail, problem: "the answer is not a wallet transfer status (\(Self.sentence(error)))")
        }
        guard status.endToEndID == endToEndID else {
            throw .badAnswer(rail: rail, problem: "the answer to an inquiry about \(endToEndID) names \(status.endToEndID)")
        }
        return .found(try Self.result(status, rail: rail))
    }

    /// `GET {base}/{provider}/batches/{batch_id}`: the answer of the whole batch as it stands now, or 404.
    public func inquire(batch: TransferBatch) async throws(RailFailure) -> [String: TransferResult]? {
        let answer = try await client.exchange(.GET, "\(base)/\(batch.institution)/batches/\(batch.messageID)")
        switch answer.status {
        case 404: return nil
        case 200: break
        default: throw .httpStatus(rail: rail, status: answer.status, body: String(buffer: answer.body))
        }
        let decoded: WalletBatchAnswer
        do { decoded = try JSONDecoder().decode(WalletBatchAnswer.self, from: Data(buffer: answer.body)) } catch {
            throw .badAnswer(rail: rail, problem: "the answer is not a wallet batch answer (\(Self.sentence(error)))")
        }
        guard decoded.batchID == batch.messageID else {
            throw .badAnswer(rail: rail, problem: "the answer to an inquiry about \(batch.messageID) is about batch \(decoded.batchID)")
        }
        let amounts = Dictionary(uniqueKeysWithValues: batch.transfers.map { ($0.endToEndID, $0.amount.dong) })
        var results: [String: TransferResult] = [:]
        for status in decoded.results {
            guard let amount = amounts[status.endToEndID] else { continue }
            guard status.amountVND == amount else {
                throw .badAnswer(rail: rail, problem: "the answer gives transfer \(status.endToEndID) \(status.amountVND) đồng; \(amount) were sent")
            }
            results[status.endToEndID] = try Self.result(status, rail: rail)
        }
        return results
    }

    static func sentence(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "no field \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "field \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case DecodingError.dataCorrupted: "not JSON"
        default: "\(error)"
        }
    }
}
