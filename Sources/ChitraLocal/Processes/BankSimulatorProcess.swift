import AsyncHTTPClient
import ChitraCore
import ChitraStore
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A real `chitra-banksim` process (tests, benchmarks, the demo): started on a free port, its
/// ledger read over HTTP, its faults switched at runtime, stopped at the end.
public struct BankSimulatorProcess: Sendable {
    public let process: ChildProcess
    public let baseURL: String
    public let logPath: String

    public var bankURL: String { baseURL + "/bank" }
    public var walletURL: String { baseURL + "/wallet" }

    public struct Failed: Error, CustomStringConvertible {
        public var description: String
    }

    /// One credit of the simulator's ledger.
    public struct Credit: Codable, Sendable, Hashable {
        public var endToEndID: String
        public var rail: String
        public var institution: String
        public var account: String
        public var amountVND: Int64

        enum CodingKeys: String, CodingKey {
            case endToEndID = "end_to_end_id", rail, institution, account, amountVND = "amount_vnd"
        }
    }

    public static func start(_ arguments: [String], endsWithParent: Bool = false) async throws -> BankSimulatorProcess {
        let log = NSTemporaryDirectory() + "chitra-banksim-\(UUID().uuidString.prefix(8)).log"
        let process = try ChitraProgram.banksim.start(["--port", "0"] + arguments, logPath: log, endsWithParent: endsWithParent)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("listening on ") }),
               let url = line.split(separator: " ").first(where: { $0.hasPrefix("http://") }) {
                return BankSimulatorProcess(process: process, baseURL: String(url), logPath: log)
            }
            if process.hasExited { throw Failed(description: "chitra-banksim stopped at once: \(text)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.signal(SIGKILL)
        throw Failed(description: "chitra-banksim did not start within 30 s")
    }

    /// Runs `body` with a simulator, stopping it afterwards whatever happens.
    public static func with<T: Sendable>(_ arguments: [String], _ body: (BankSimulatorProcess) async throws -> T) async throws -> T {
        let simulator = try await start(arguments)
        do {
            let value = try await body(simulator)
            await simulator.stop()
            return value
        } catch {
            await simulator.stop()
            throw error
        }
    }

    public func stop() async {
        process.signal(SIGTERM)
        await process.waitForExit()
        try? FileManager.default.removeItem(atPath: logPath)
    }

    public func ledger() async throws -> [Credit] {
        let body = try await exchange(.GET, "/ledger")
        return try JSONDecoder().decode([Credit].self, from: Data(buffer: body))
    }

    /// The EndToEndIds the ledger credits more than once, sorted: what must stay empty.
    public static func creditedTwice(_ ledger: [Credit]) -> [String] {
        Dictionary(grouping: ledger, by: \.endToEndID).filter { $0.value.count > 1 }.keys.sorted()
    }

    /// `none`, `realistic` or a JSON fault plan, from now on.
    public func setFaults(_ plan: String) async throws {
        _ = try await exchange(.PUT, "/faults", body: plan)
    }

    /// The account's camt.053 of each day from `first` through `last` that the simulator has one
    /// for (an ended day from the account's first entry), oldest first. Tests read a range of days:
    /// a payout that runs past midnight in Vietnam books on two.
    public func statements(account: String, from first: Day, through last: Day) async throws -> [(day: Day, file: [UInt8])] {
        var files: [(day: Day, file: [UInt8])] = []
        for number in first.daysSince2000...max(first.daysSince2000, last.daysSince2000) {
            let day = Day(daysSince2000: number)
            if let file = try await document("/bank/statements/\(account)?date=\(day)") { files.append((day, file)) }
        }
        return files
    }

    /// The account's intraday notification (camt.054) of `day`'s entries so far, or nil when none.
    public func notification(account: String, day: Day) async throws -> [UInt8]? {
        try await document("/bank/notifications/\(account)?date=\(day)")
    }

    /// A document the simulator serves at `path`, or nil when it has none (404).
    private func document(_ path: String) async throws -> [UInt8]? {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .GET
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 30)
        switch response.status {
        case .ok: return Array(buffer: bytes)
        case .notFound: return nil
        default: throw Failed(description: "GET \(path): HTTP \(response.status.code): \(String(buffer: bytes))")
        }
    }

    @discardableResult
    public func exchange(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 30)
        guard response.status == .ok else { throw Failed(description: "\(method) \(path): HTTP \(response.status.code): \(String(buffer: bytes))") }
        return bytes
    }
}
