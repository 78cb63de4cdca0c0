import ChitraCore
import Foundation

/// What `chitra token create` is asked to make.
public struct TokenRequest: Sendable, Hashable {
    public var name: String
    public var role: Role
    /// Operators' and finance officers' districts.
    public var districts: [String]
    /// The province of a `province` token (two digits, e.g. 95 for Bạc Liêu).
    public var province: String?
    /// Days until it expires; `nil`: never.
    public var expiresInDays: Int?

    public init(name: String, role: Role, districts: [String] = [], province: String? = nil, expiresInDays: Int? = 90) {
        self.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        self.role = role
        self.districts = Array(Set(districts)).sorted()
        self.province = province
        self.expiresInDays = expiresInDays
    }
}

/// A token as listed: everything but the secret, which is shown once and never stored.
public struct TokenRecord: Sendable, Hashable, Codable {
    public let id: Int64
    public let name: String
    public let role: Role
    public let districts: [String]
    public let province: String?
    public let createdAt: Date
    public let createdBy: String
    public let expiresAt: Date?
    public let revokedAt: Date?
    public let revokedBy: String?

    /// Operators' and finance officers' payout units are `units` in JSON.
    enum CodingKeys: String, CodingKey {
        case id, name, role, districts = "units", province, createdAt, createdBy, expiresAt, revokedAt, revokedBy
    }

    public var isActive: Bool { revokedAt == nil && (expiresAt.map { $0 > Date() } ?? true) }

    /// Where it reaches, in words.
    public var reach: String {
        switch role.reach {
        case .districts: "districts " + districts.joined(separator: ", ")
        case .province: "province " + (province ?? "?")
        case .everything: "every district"
        }
    }
}
