import AsyncHTTPClient
import ChitraCore
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOPosix

/// The bank rail: a batch is one `pain.001.001.09` payment file POSTed to the bank gateway
/// (`{base}/pain001`), answered with a `pain.002` status report; an inquiry is a `GET` of
/// `{base}/transactions/{EndToEndId}`, answered with a one-transaction `pain.002`, or 404 when
/// the bank never received it.
public struct BankRail: TransferRail {
    public let rail = Rail.bank
    let client: GatewayClient
    let base: String
    /// The sender's clock for the files' creation times.
    let now: @Sendable () -> Date

    public init(http: HTTPClient, baseURL: String, timeout: Duration = .seconds(30), now: @escaping @Sendable () -> Date = Date.init) {
        self.client = GatewayClient(http: http, rail: .bank, timeout: .milliseconds(timeout.wholeMilliseconds))
        self.base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.now = now
    }

    public func send(_ batch: TransferBatch) async -> [String: TransferResult] {
        do throws(RailFailure) {
            // Writing and reading files of thousands of transfers is CPU work: on NIO's pool for
            // blocking work, never on the cooperative threads that serve heartbeats and claims.
            let file = try await Self.offloaded { () throws(RailFailure) in try paymentFile(batch) }
            let answer = try await client.exchange(.POST, base + "/pain001", contentType: "application/xml", body: file)
            guard answer.status == 200 else {
                throw .httpStatus(rail: rail, status: answer.status, body: String(buffer: answer.body))
            }
            let body = answer.body
            let report = try await Self.offloaded { () throws(RailFailure) in try Self.report(body, rail: .bank) }
            let statuses: [String: TransferStatus]
            do {
                statuses = try report.statuses(messageID: batch.messageID, sent: Set(batch.transfers.map(\.endToEndID)))
            } catch let failure { throw .badAnswer(rail: rail, problem: failure.description) }
            return batch.transfers.reduce(into: [:]) { results, transfer in
                results[transfer.endToEndID] = statuses[transfer.endToEndID].map(TransferResult.init)
                    ?? .unknown("the status report of \(batch.messageID) does not name it")
            }
        } catch {
            let why = error.description
            return batch.transfers.reduce(into: [:]) { $0[$1.endToEndID] = .unknown(why) }
        }
    }

    public func inquire(endToEndID: String, institution: String) async throws(RailFailure) -> InquiryResult {
        let answer = try await client.exchange(.GET, base + "/transactions/" + endToEndID)
        switch answer.status {
        case 404: return .neverArrived
        case 200: break
        default: throw .httpStatus(rail: rail, status: answer.status, body: String(buffer: answer.body))
        }
        let report: PaymentStatusReport
        do { report = try Pain002Reader.read(Data(buffer: answer.body)) } catch let failure { throw .badAnswer(rail: rail, problem: failure.description) }
        guard report.transactions.count == 1, let transaction = report.transactions.first, transaction.endToEndID == endToEndID else {
            throw .badAnswer(rail: rail, problem: "the answer to an inquiry about \(endToEndID) must name that transaction alone")
        }
        do {
            return .found(TransferResult(try PaymentStatusReport.status(transaction.status, reason: transaction.reason, endToEndID: endToEndID)))
        } catch let failure { throw .badAnswer(rail: rail, problem: failure.description) }
    }

    /// `GET {base}/messages/{MsgId}`: the status report of the whole payment file, or 404.
    public func inquire(batch: TransferBatch) async throws(RailFailure) -> [String: TransferResult]? {
        let answer = try await client.exchange(.GET, base + "/messages/" + batch.messageID)
        switch answer.status {
        case 404: return nil
        case 200: break
        default: throw .httpStatus(rail: rail, status: answer.status, body: String(buffer: answer.body))
        }
        let report: PaymentStatusReport
        do { report = try Pain002Reader.read(Data(buffer: answer.body)) } catch let failure { throw .badAnswer(rail: rail, problem: failure.description) }
        guard report.originalMessageID == batch.messageID else {
            throw .badAnswer(rail: rail, problem: "the answer to an inquiry about \(batch.messageID) is about \(report.originalMessageID)")
        }
        let asked = Set(batch.transfers.map(\.endToEndID))
        var results: [String: TransferResult] = [:]
        for transaction in report.transactions where asked.contains(transaction.endToEndID) {
            do {
                results[transaction.endToEndID] = TransferResult(try PaymentStatusReport.status(transaction.status, reason: transaction.reason,
                                                                                                endToEndID: transaction.endToEndID))
            } catch { throw .badAnswer(rail: rail, problem: error.description) }
        }
        return results
    }

    /// The batch as a payment file (a 10,000-transfer file is about 5 MB), written in chunks.
    func paymentFile(_ batch: TransferBatch) throws(RailFailure) -> ByteBuffer {
        let writer = Pain001Writer(messageID: batch.messageID, paymentInformationID: batch.messageID,
                                   createdAt: Self.timestamp(now()), executionDate: batch.executionDate, debtor: batch.debtor)
        var file = ByteBuffer()
        do {
            try writer.write(batch.transfers) { file.writeString($0) }
        } catch {
            // Chitra's own batch is wrong: nothing was sent, and sending again cannot mend it.
            throw .badAnswer(rail: rail, problem: "the payment file could not be written: \(error)")
        }
        return file
    }

    static func report(_ body: ByteBuffer, rail: Rail) throws(RailFailure) -> PaymentStatusReport {
        do { return try Pain002Reader.read(Data(buffer: body)) } catch { throw .badAnswer(rail: rail, problem: error.description) }
    }

    /// Runs `work` on NIO's thread pool for blocking work.
    static func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws(RailFailure) -> T) async throws(RailFailure) -> T {
        let result: Result<T, RailFailure>
        do {
            result = try await NIOThreadPool.singleton.runIfActive { () -> Result<T, RailFailure> in
                do throws(RailFailure) { return .success(try work()) } catch { return .failure(error) }
            }
        } catch {
            throw .transport(rail: .bank, problem: "the worker is stopping: \(error)")
        }
        return try result.get()
    }

    /// `YYYY-MM-DDTHH:MM:SS` in Vietnam.
    static func timestamp(_ date: Date) -> String { ISOTime.vietnam(date) }
}
