import PostgresNIO

/// The statements on `districts`, the tenants.
enum DistrictSQL {
    /// Which of `codes` are units the scope sees (an admin sees 4,017: never list them all to check a few).
    static func known(_ codes: [String]) -> PostgresQuery {
        "SELECT code FROM payout_units WHERE code = ANY (\(codes)::text[])"
    }

    static let list: PostgresQuery = """
        SELECT code, name, approval_required, to_char(computed_through, 'YYYY-MM'), paying_account_name, paying_account, paying_bank,
               cash_fallback_day, level, to_char(valid_from, 'YYYY-MM'), to_char(valid_to - interval '1 month', 'YYYY-MM'), province_code
        FROM payout_units ORDER BY level DESC, code
        """

    static func setPayingAccount(district: String, name: String, account: String, bank: String) -> PostgresQuery {
        "UPDATE payout_units SET paying_account_name = \(name), paying_account = \(account), paying_bank = \(bank) WHERE code = \(district)"
    }

    static func setApprovalRequired(_ required: Bool, district: String) -> PostgresQuery {
        "UPDATE payout_units SET approval_required = \(required) WHERE code = \(district)"
    }

    static func setDebitGraceDays(_ days: Int, district: String) -> PostgresQuery {
        "UPDATE payout_units SET debit_grace_days = \(Int32(days)) WHERE code = \(district)"
    }

    static func setCashFallbackDay(_ day: Int?, district: String) -> PostgresQuery {
        "UPDATE payout_units SET cash_fallback_day = \(day.map(Int32.init)) WHERE code = \(district)"
    }
}
