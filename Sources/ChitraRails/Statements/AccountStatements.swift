import AsyncHTTPClient
import ChitraCore
import Foundation
import NIOCore

/// A bank's side of a paying account: its statement of an ended day, and a recall of a second
/// debit it made (the customer's cancellation request; camt.055 is not available here, so the
/// gateway's own request: the EndToEndId, the entry's reference and the reason; the bank answers
/// with a camt.029).
public protocol AccountStatements: Sendable {
    /// The day's statement file (camt.053), or nil when the bank has none: the day has not ended,
    /// or the account is not the bank's.
    func statement(account: String, day: Day) async throws(RailFailure) -> [UInt8]?
    /// The day's entries so far (a camt.054 notification), or nil when the bank has none yet.
    func notification(account: String, day: Day) async throws(RailFailure) -> [UInt8]?
    /// Asks the bank to give back the debit `entry` of `account` made for `endToEndID`.
    func recall(account: String, entry: String, endToEndID: String, reason: String) async throws(RailFailure) -> RecallAnswer
}

/// What the bank said to a recall.
public enum RecallAnswer: Sendable, Hashable {
    /// It will give the money back: a credit on a coming statement.
    case accepted
    /// It will not (camt.029's reason, e.g. NOOR, CUST, LEGL).
    case refused(reason: String)
}

extension BankRail: AccountStatements {
    /// `GET {base}/statements/{account}?date=YYYY-MM-DD`.
    public func statement(account: String, day: Day) async throws(RailFailure) -> [UInt8]? {
        try await document(base + "/statements/" + account + "?date=\(day)")
    }

    /// `GET {base}/notifications/{account}?date=YYYY-MM-DD`.
    public func notification(account: String, day: Day) async throws(RailFailure) -> [UInt8]? {
        try await document(base + "/notifications/" + account + "?date=\(day)")
    }

    /// A document of the account's, or nil when the bank has none (404).
    private func document(_ url: String) async throws(RailFailure) -> [UInt8]? {
        let answer = try await client.exchange(.GET, url)
        switch answer.status {
        case 200: return Array(buffer: answer.body)
        case 404: return nil
        default: throw .httpStatus(rail: rail, status: answer.status, body: String(buffer: answer.body))
        }
    }

    /// `POST {base}/recalls` with `{"account", "entry", "end_to_end_id", "reason"}`, answered by a
    /// camt.029 resolution: CNCL (the money comes back) or RJCR with its reason.
    public func recall(account: String, entry: String, endToEndID: String, reason: String) async throws(RailFailure) -> RecallAnswer {
        let request = RecallRequest(account: account, entry: entry, endToEndID: endToEndID, reason: reason)
        let body: Data
        do { body = try JSONEncoder().encode(request) } catch { throw .badAnswer(rail: rail, problem: "the recall could not be written: \(error)") }
        let answer = try await client.exchange(.POST, base + "/recalls", contentType: "application/json", body: ByteBuffer(data: body))
        guard answer.status == 200 else { throw .httpStatus(rail: rail, status: answer.status, body: String(buffer: answer.body)) }
        let resolution: (endToEndID: String, rejection: String?)
        do { resolution = try Camt029.read(Data(buffer: answer.body)) } catch { throw .badAnswer(rail: rail, problem: error.description) }
        guard resolution.endToEndID == endToEndID else {
            throw .badAnswer(rail: rail, problem: "the answer to the recall of \(endToEndID) is about \(resolution.endToEndID)")
        }
        return resolution.rejection.map { .refused(reason: $0) } ?? .accepted
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
