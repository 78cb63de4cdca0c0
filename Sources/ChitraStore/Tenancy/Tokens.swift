import ChitraCore
import Foundation
import PostgresNIO

/// API tokens: made by an admin (the first one by the owner of the tables, e.g. `chitra db start`),
/// shown once, stored as their SHA-256, listed, revoked, expiring.
public enum Tokens {
    /// Tokens look like `chitra_` and 40 letters and digits (about 235 bits).
    public static let prefix = "chitra_"

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case noName
        case reachMismatch(Role)
        case unknownDistricts([String])
        case unknownProvince(String)
        case badExpiry(Int)
        case notFound(Int64)
        case alreadyRevoked(Int64)

        public var description: String {
            switch self {
            case .noName: "A token needs the name of the person it is for (--name)."
            case .reachMismatch(let role):
                switch role.reach {
                case .districts: "A token of role \(role.rawValue) needs its districts (--district CODE ...) and no province."
                case .province: "A token of role province needs its province (--province CODE) and no districts."
                case .everything: "A token of role \(role.rawValue) reaches every district: give neither --district nor --province."
                }
            case .unknownDistricts(let codes): "There is no payout unit \(codes.joined(separator: ", "))."
            case .unknownProvince(let code): "There is no payout unit in province \(code)."
            case .badExpiry(let days): "A token expires after 1 to 3650 days, not \(days)."
            case .notFound(let id): "There is no token \(id)."
            case .alreadyRevoked(let id): "Token \(id) is already revoked."
            }
        }
    }

    /// Makes a token; returns its secret (to show once) and its record. Audited.
    public static func create(_ request: TokenRequest, by creator: Identity, database: Database) async throws -> (secret: String, record: TokenRecord) {
        guard !request.name.isEmpty else { throw Failure.noName }
        guard request.role != .system else { throw Failure.reachMismatch(.system) }
        if let days = request.expiresInDays, !(1...3650).contains(days) { throw Failure.badExpiry(days) }
        switch request.role.reach {
        case .districts: guard !request.districts.isEmpty, request.province == nil else { throw Failure.reachMismatch(request.role) }
        case .province: guard request.districts.isEmpty, request.province != nil else { throw Failure.reachMismatch(request.role) }
        case .everything: guard request.districts.isEmpty, request.province == nil else { throw Failure.reachMismatch(request.role) }
        }
        let secret = prefix + SecretText.random(length: 40)
        let global = database.scoped(Scope(global: true))
        let record = try await global.transaction("create a token") { connection in
            for try await unknown in try await connection.send(TokenSQL.unknownDistricts(request.districts), logger: Database.quiet).decode([String].self)
                where !unknown.isEmpty {
                throw Failure.unknownDistricts(unknown)
            }
            if let province = request.province {
                for try await exists in try await connection.send(TokenSQL.provinceExists(province), logger: Database.quiet).decode(Bool.self)
                    where !exists {
                    throw Failure.unknownProvince(province)
                }
            }
            let rows = try await connection.send(TokenSQL.insert(request, hash: SecretText.sha256(secret), by: creator.name), logger: Database.quiet)
            guard let record = try await records(rows).first else { throw Failure.noName }
            try await AuditLog.append(AuditEntry(by: creator, .manageTokens, district: nil, subject: "token \(record.id)",
                                                 after: ["created": true, "name": .text(record.name), "role": .text(record.role.rawValue),
                                                         "reach": .text(record.reach)]), on: connection)
            return record
        }
        return (secret, record)
    }

    /// A token made and checked at once: the identity of a self-contained command's people (the
    /// demo's operator and finance officer, a benchmark's), made by `creator` (the owner, when no
    /// admin exists yet).
    public static func identity(_ request: TokenRequest, by creator: Identity, database: Database) async throws -> (secret: String, identity: Identity) {
        let (secret, _) = try await create(request, by: creator, database: database)
        return (secret, try await authenticate(secret, database: database))
    }

    public static func list(includeRevoked: Bool = false, database: Database) async throws -> [TokenRecord] {
        try await database.scoped(Scope(global: true)).transaction("list tokens") { connection in
            try await records(try await connection.send(TokenSQL.list(includeRevoked: includeRevoked), logger: Database.quiet))
        }
    }

    /// Revokes token `id` at once. Audited.
    public static func revoke(id: Int64, by admin: Identity, database: Database) async throws -> TokenRecord {
        try await database.scoped(Scope(global: true)).transaction("revoke token \(id)") { connection in
            guard let existing = try await records(try await connection.send(TokenSQL.byID(id), logger: Database.quiet)).first else {
                throw Failure.notFound(id)
            }
            guard existing.revokedAt == nil else { throw Failure.alreadyRevoked(id) }
            // Audited first, while the admin's token still verifies: an admin may revoke the very
            // token they use, after which the database no longer takes it as anyone's.
            try await AuditLog.append(AuditEntry(by: admin, .manageTokens, district: nil, subject: "token \(id)",
                                                 before: ["revoked": false], after: ["revoked": true, "name": .text(existing.name)]), on: connection)
            guard let record = try await records(try await connection.send(TokenSQL.revoke(id: id, by: admin.name), logger: Database.quiet)).first else {
                throw Failure.alreadyRevoked(id)
            }
            return record
        }
    }

    /// The identity behind `secret`, or why there is none.
    public static func authenticate(_ secret: String, database: Database) async throws -> Identity {
        let secret = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else { throw AccessError.noToken }
        guard secret.hasPrefix(prefix), secret.count <= 100 else { throw AccessError.unknownToken }
        // The one row, read to the end before deciding (every API request passes here).
        let rows = try await database.query(TokenSQL.authenticate(hash: SecretText.sha256(secret)), "check a token").collect()
        guard let row = rows.first else { throw AccessError.unknownToken }
        let (id, name, role, districts, expired, revoked) = try row.decode((Int64, String, String, [String], Bool, Bool).self)
        if revoked { throw AccessError.revoked(name: name) }
        if expired { throw AccessError.expired(name: name) }
        guard let known = Role(rawValue: role) else { throw AccessError.unknownToken }
        return Identity(tokenID: id, name: name, role: known, districts: districts, credential: Credential(secret))
    }

    static func records(_ rows: PostgresRowSequence) async throws -> [TokenRecord] { try await records(QueryRows(rows)) }

    static func records(_ rows: QueryRows) async throws -> [TokenRecord] {
        var records: [TokenRecord] = []
        for try await (id, name, role, districts, province, created, createdBy, expires, revoked, revokedBy) in rows.decode(
            (Int64, String, String, [String], String?, Date, String, Date?, Date?, String?).self) {
            guard let role = Role(rawValue: role) else {
                throw StoreError.query(sqlState: nil, message: "token \(id) has an unknown role \(role)", context: "read tokens")
            }
            records.append(TokenRecord(id: id, name: name, role: role, districts: districts, province: province, createdAt: created,
                                       createdBy: createdBy, expiresAt: expires, revokedAt: revoked, revokedBy: revokedBy))
        }
        return records
    }
}

extension Identity {
    /// What this identity's transactions may see.
    /// An administrator or an auditor sees every unit by one flag, not by a list of 4,017.
    public var scope: Scope {
        seesEveryUnit ? .everyUnit(global: seesGlobal, credential: credential)
            : Scope(districts: districts, global: seesGlobal, credential: credential)
    }
}
