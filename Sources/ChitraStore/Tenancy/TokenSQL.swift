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

    static func insert(_ request: TokenRequest, hash: [UInt8], by: String) -> PostgresQuery {
        """
        INSERT INTO api_tokens (name, role, unit_codes, province_code, token_hash, created_by, expires_at)
        VALUES (\(request.name), \(request.role.rawValue), \(request.districts)::text[], \(request.province), \(ByteBuffer(bytes: hash)), \(by),
                CASE WHEN \(request.expiresInDays)::int IS NULL THEN NULL ELSE now() + make_interval(days => \(request.expiresInDays)::int) END)
        RETURNING \(unescaped: columns)
        """
    }

    static let columns = "id, name, role, unit_codes, province_code, created_at, created_by, expires_at, revoked_at, revoked_by"

    static func list(includeRevoked: Bool) -> PostgresQuery {
        "SELECT \(unescaped: columns) FROM api_tokens WHERE \(includeRevoked) OR revoked_at IS NULL ORDER BY id"
    }

    static func revoke(id: Int64, by: String) -> PostgresQuery {
        """
        UPDATE api_tokens SET revoked_at = now(), revoked_by = \(by) WHERE id = \(id) AND revoked_at IS NULL
        RETURNING \(unescaped: columns)
        """
    }

    static func byID(_ id: Int64) -> PostgresQuery {
        "SELECT \(unescaped: columns) FROM api_tokens WHERE id = \(id)"
    }
}
