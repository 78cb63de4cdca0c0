import ChitraCore
import NIOCore
import PostgresNIO

/// The statements of API tokens. Only `authenticate` reads a hash (through a function the
/// application may call, not the column, which it may not read).
enum TokenSQL {
    static func authenticate(hash: [UInt8]) -> PostgresQuery {
        "SELECT token_id, name, role, unit_codes, expired, revoked FROM chitra_authenticate(\(ByteBuffer(bytes: hash)))"
    }

    static func unknownDistricts(_ codes: [String]) -> PostgresQuery {
        "SELECT array(SELECT c FROM unnest(\(codes)::text[]) c WHERE NOT EXISTS (SELECT FROM payout_units d WHERE d.code = c) ORDER BY c)"
    }

    static func provinceExists(_ code: String) -> PostgresQuery {
        "SELECT EXISTS (SELECT FROM payout_units WHERE province_code = \(code))"
    }

    /// Through the database's function (migration 29): only an administrator's token (or the owner)
    /// makes one, recorded in the name the database verified.
    static func insert(_ request: TokenRequest, hash: [UInt8], by: String) -> PostgresQuery {
        """
        SELECT \(unescaped: columns) FROM chitra_create_token(\(request.name), \(request.role.rawValue), \(request.districts)::text[],
            \(request.province), \(ByteBuffer(bytes: hash)), \(request.expiresInDays)::int, \(by))
        """
    }

    static let columns = "id, name, role, unit_codes, province_code, created_at, created_by, expires_at, revoked_at, revoked_by"

    static func list(includeRevoked: Bool) -> PostgresQuery {
        "SELECT \(unescaped: columns) FROM api_tokens WHERE \(includeRevoked) OR revoked_at IS NULL ORDER BY id"
    }

    /// Through the database's function, as `insert`.
    static func revoke(id: Int64, by: String) -> PostgresQuery {
        "SELECT \(unescaped: columns) FROM chitra_revoke_token(\(id), \(by))"
    }

    static func byID(_ id: Int64) -> PostgresQuery {
        "SELECT \(unescaped: columns) FROM api_tokens WHERE id = \(id)"
    }
}
