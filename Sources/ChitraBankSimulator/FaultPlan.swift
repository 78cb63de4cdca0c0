import Foundation

/// What goes wrong at the simulated gateways, and how often. Rates are fractions (0.05 is 5 %).
///
/// Per request (a payment file, a wallet batch, an inquiry): an HTTP 503 (nothing applied), a
/// timeout (nothing applied; the connection is held, then dropped), a lost response (applied, the
/// answer dropped), a slow answer. Per transfer, decided by the seed and the EndToEndId so that the
/// same account meets the same fate on every run: permanent rejections by reason code, a temporary
/// one (AM04) on the first arrival only, and pending transfers that settle later.
struct FaultPlan: Codable, Sendable, Hashable {
    var rejections: [String: Double] = [:]
    var temporaryRejections: [String: Double] = [:]
    var pending: Double = 0
    var serverErrors: Double = 0
    var timeouts: Double = 0
    var lostResponses: Double = 0
    var slow: Double = 0
    /// Answers that cannot be trusted (applied, then answered wrongly: malformed or schema-invalid
    /// XML, a transaction never sent, a wrong amount), as a buggy gateway would.
    var badAnswers: Double = 0
    /// A temporary rejection repeats on this many arrivals of the transfer (1: a resend passes).
    var temporaryArrivals: Int = 1
    var slowMilliseconds: Int = 300
    var timeoutMilliseconds: Int = 2_000
    var pendingMilliseconds: Int = 1_000
    /// After the credit: the share of credited transfers whose money comes back, by reason
    /// (AC04 closed, AC06 blocked, MD07 deceased), this many days later, on the debtor's statement.
    var returns: [String: Double] = [:]
    var returnDays: Int = 2
    /// The bank's fee for each transfer a payment file credits, booked as one entry a file.
    var chargeVND: Int64 = 0

    enum CodingKeys: String, CodingKey {
        case rejections, temporaryRejections = "temporary_rejections", pending, serverErrors = "server_errors", timeouts
        case lostResponses = "lost_responses", slow, slowMilliseconds = "slow_ms", timeoutMilliseconds = "timeout_ms"
        case badAnswers = "bad_answers", temporaryArrivals = "temporary_arrivals"
        case pendingMilliseconds = "pending_ms"
        case returns, returnDays = "return_days", chargeVND = "charge_vnd"
    }

    static let none = FaultPlan()

    init(rejections: [String: Double] = [:], temporaryRejections: [String: Double] = [:], pending: Double = 0, serverErrors: Double = 0,
         timeouts: Double = 0, lostResponses: Double = 0, slow: Double = 0) {
        self.rejections = rejections
        self.temporaryRejections = temporaryRejections
        self.pending = pending
        self.serverErrors = serverErrors
        self.timeouts = timeouts
        self.lostResponses = lostResponses
        self.slow = slow
    }

    /// Every field may be left out (none of that fault); unknown fields are refused, so that a
    /// misspelt rate is not silently zero.
    init(from decoder: any Decoder) throws {
        let names = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if let unknown = names.first(where: { CodingKeys(stringValue: $0) == nil }) {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown field '\(unknown)'"))
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rejections = try c.decodeIfPresent([String: Double].self, forKey: .rejections) ?? [:]
        temporaryRejections = try c.decodeIfPresent([String: Double].self, forKey: .temporaryRejections) ?? [:]
        pending = try c.decodeIfPresent(Double.self, forKey: .pending) ?? 0
        serverErrors = try c.decodeIfPresent(Double.self, forKey: .serverErrors) ?? 0
        timeouts = try c.decodeIfPresent(Double.self, forKey: .timeouts) ?? 0
        lostResponses = try c.decodeIfPresent(Double.self, forKey: .lostResponses) ?? 0
        slow = try c.decodeIfPresent(Double.self, forKey: .slow) ?? 0
        badAnswers = try c.decodeIfPresent(Double.self, forKey: .badAnswers) ?? 0
        temporaryArrivals = try c.decodeIfPresent(Int.self, forKey: .temporaryArrivals) ?? 1
        slowMilliseconds = try c.decodeIfPresent(Int.self, forKey: .slowMilliseconds) ?? 300
        timeoutMilliseconds = try c.decodeIfPresent(Int.self, forKey: .timeoutMilliseconds) ?? 2_000
        pendingMilliseconds = try c.decodeIfPresent(Int.self, forKey: .pendingMilliseconds) ?? 1_000
        returns = try c.decodeIfPresent([String: Double].self, forKey: .returns) ?? [:]
        returnDays = try c.decodeIfPresent(Int.self, forKey: .returnDays) ?? 2
        chargeVND = try c.decodeIfPresent(Int64.self, forKey: .chargeVND) ?? 0
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// 10 % permanent rejections (AC01, AC04, AC06, MD07 in proportion), 2 % AM04 on first
    /// arrival, 3 % pending, 5 % HTTP 5xx, 5 % lost responses, 2 % timeouts, 5 % slow answers.
    static let realistic = FaultPlan(
        rejections: ["AC01": 0.04, "AC04": 0.03, "AC06": 0.02, "MD07": 0.01], temporaryRejections: ["AM04": 0.02],
        pending: 0.03, serverErrors: 0.05, timeouts: 0.02, lostResponses: 0.05, slow: 0.05)

    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    /// `none`, `realistic`, or the path of a JSON file with these fields.
    static func named(_ text: String) throws -> FaultPlan {
        switch text {
        case "none": return .none
        case "realistic": return .realistic
        default:
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: text)) } catch {
                throw Unreadable(description: "the faults file \(text) cannot be read (give none, realistic or a JSON file)")
            }
            return try parsed(data, source: "the faults file \(text)")
        }
    }

    static func parsed(_ data: Data, source: String) throws -> FaultPlan {
        let plan: FaultPlan
        do { plan = try JSONDecoder().decode(FaultPlan.self, from: data) } catch {
            throw Unreadable(description: "\(source) is not a fault plan: \(error)")
        }
        let rates = Array(plan.rejections.values) + Array(plan.temporaryRejections.values)
            + [plan.pending, plan.serverErrors, plan.timeouts, plan.lostResponses, plan.slow, plan.badAnswers]
        guard rates.allSatisfy({ (0...1).contains($0) }) else { throw Unreadable(description: "\(source) has a rate outside 0…1") }
        guard plan.rejections.values.reduce(0, +) + plan.temporaryRejections.values.reduce(0, +) + plan.pending <= 1 else {
            throw Unreadable(description: "\(source): rejections and pending add to more than 1")
        }
        guard plan.serverErrors + plan.timeouts + plan.lostResponses + plan.slow + plan.badAnswers <= 1 else {
            throw Unreadable(description: "\(source): the request faults add to more than 1")
        }
        return plan
    }

    /// What becomes of one transfer on its `arrival`-th arrival (1 for the first).
    enum Fate: Equatable {
        case paid
        case pending
        case rejected(String)
    }

    /// Whether a credited transfer's money comes back, why and after how many days (fixed by the
    /// seed and the EndToEndId, drawn apart from its fate at the gateway).
    func returned(endToEndID: String, seed: UInt64) -> (reason: String, after: Int)? {
        var draw = Draw.uniform(seed: seed ^ 0x5245_5455_524E, key: endToEndID)
        for (code, rate) in returns.sorted(by: { $0.key < $1.key }) {
            if draw < rate { return (code, returnDays) }
            draw -= rate
        }
        return nil
    }

    func fate(endToEndID: String, seed: UInt64, arrival: Int) -> Fate {
        var draw = Draw.uniform(seed: seed, key: endToEndID)
        for (code, rate) in rejections.sorted(by: { $0.key < $1.key }) {
            if draw < rate { return .rejected(code) }
            draw -= rate
        }
        for (code, rate) in temporaryRejections.sorted(by: { $0.key < $1.key }) {
            if draw < rate { return arrival <= temporaryArrivals ? .rejected(code) : .paid }
            draw -= rate
        }
        return draw < pending ? .pending : .paid
    }
}

/// Repeatable randomness: SplitMix64.
struct Draw: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<1 fixed by the seed and the key (FNV-1a of the key, mixed).
    static func uniform(seed: UInt64, key: String) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var draw = Draw(state: hash ^ seed)
        return Double(draw.next() >> 11) / Double(1 << 53)
    }
}
