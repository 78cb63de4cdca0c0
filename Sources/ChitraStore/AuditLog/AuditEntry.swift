import ChitraCore
import Foundation

/// One line of the audit log: who did what, where, and a summary of before and after.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var id: Int64?
    public var at: Date?
    public var actor: String
    public var actorRole: Role
    public var actorTokenID: Int64?
    public var action: Action
    public var district: String?
    public var period: Period?
    /// What was acted on, e.g. "run 12", "token 3", a file name.
    public var subject: String
    public var before: [String: AuditValue]?
    public var after: [String: AuditValue]?

    /// The payout unit acted on is `unit` in JSON.
    enum CodingKeys: String, CodingKey {
        case id, at, actor, actorRole, actorTokenID, action, district = "unit", period, subject, before, after
    }

    public init(by identity: Identity, _ action: Action, district: String?, period: Period? = nil, subject: String,
                before: [String: AuditValue]? = nil, after: [String: AuditValue]? = nil) {
        self.actor = identity.name
        self.actorRole = identity.role
        self.actorTokenID = identity.tokenID
        self.action = action
        self.district = district
        self.period = period
        self.subject = subject
        self.before = before
        self.after = after
    }
}

/// A value in an audit summary: text, a whole number (counts, đồng) or a flag.
public enum AuditValue: Sendable, Hashable, Codable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
                        ExpressibleByBooleanLiteral, CustomStringConvertible {
    case text(String)
    case number(Int64)
    case flag(Bool)

    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .flag(value) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) { self = .flag(flag) }
        else if let number = try? container.decode(Int64.self) { self = .number(number) }
        else { self = .text(try container.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        case .flag(let flag): try container.encode(flag)
        }
    }

    public var description: String {
        switch self {
        case .text(let text): text
        case .number(let number): String(number)
        case .flag(let flag): flag ? "yes" : "no"
        }
    }
}

extension Action: Codable {}
