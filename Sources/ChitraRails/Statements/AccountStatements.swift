import AsyncHTTPClient
import ChitraCore
import Foundation
import NIOCore

/// A bank's side of a paying account: its statement of an ended day, and a recall of a second
/// debit it made (the customer's cancellation request; camt.055 is not available here, so the
/// gateway's own request: the EndToEndId, the entry's reference and the reason).
public protocol AccountStatements: Sendable {
    /// The day's statement file (camt.053), or nil when the bank has none: the day has not ended,
    /// or the account is not the bank's.
    func statement(account: String, day: Day) async throws(RailFailure) -> [UInt8]?
    /// Asks the bank to give back the debit `entry` of `account` made for `endToEndID`.
    func recall(account: String, entry: String, endToEndID: String, reason: String) async throws(RailFailure) -> RecallAnswer
}

/// What the bank said to a recall.
public enum RecallAnswer: Sendable, Hashable {
    /// It will give the money back: a credit on a coming statement.
    case accepted
    /// It will not (camt.029's reason, e.g. LEGL, CUST, AC04).
    case refused(reason: String)
}

extension BankRail: AccountStatements {
    /// `GET {base}/statements/{account}?date=YYYY-MM-DD`.
    public func statement(account: String, day: Day) async throws(RailFailure) -> [UInt8]? {
        let answer = try await client.exchange(.GET, base + "/statements/" + account + "?date=\(day)")
        switch answer.status {
        case 200: return Array(buffer: answer.body)
        case 404: return nil
        default: throw .httpStatus(rail: rail, status: answer.status, body: String(buffer: answer.body))
        }
    }

    /// `POST {base}/recalls` with `{"account", "entry", "end_to_end_id", "reason"}`, answered
    /// `{"status": "accepted"}` or `{"status": "refused", "reason": CODE}`.
    public func recall(account: String, entry: String, endToEndID: String, reason: String) async throws(RailFailure) -> RecallAnswer {
        let request = RecallRequest(account: account, entry: entry, endToEndID: endToEndID, reason: reason)
        let body: Data
        do { body = try JSONEncoder().encode(request) } catch { throw .badAnswer(rail: rail, problem: "the recall could not be written: \(error)") }
        let answer = try await client.exchange(.POST, base + "/recalls", contentType: "application/json", body: ByteBuffer(data: body))
        guard answer.status == 200 else { throw .httpStatus(rail: rail, status: answer.status, body: String(buffer: answer.body)) }
        let reply: RecallReply
        do { reply = try JSONDecoder().decode(RecallReply.self, from: Data(buffer: answer.body)) } catch {
            throw .badAnswer(rail: rail, problem: "the answer to a recall is not one")
        }
        switch (reply.status, reply.reason) {
        case ("accepted", _): return .accepted
        case ("refused", let reason?) where reason.count == 4 && reason.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }):
            return .refused(reason: reason)
        default: throw .badAnswer(rail: rail, problem: "the answer to a recall says \(reply.status), not accepted or refused with a reason code")
        }
    }
}

/// A recall as the gateway takes it.
public struct RecallRequest: Codable, Sendable, Hashable {
    public var account: String
    public var entry: String
    public var endToEndID: String
    public var reason: String

    public init(account: String, entry: String, endToEndID: String, reason: String) {
        self.account = account
        self.entry = entry
        self.endToEndID = endToEndID
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey { case account, entry, endToEndID = "end_to_end_id", reason }
}

/// The gateway's answer to a recall.
public struct RecallReply: Codable, Sendable, Hashable {
    public var status: String
    public var reason: String?

    public init(status: String, reason: String? = nil) {
        self.status = status
        self.reason = reason
    }
}
