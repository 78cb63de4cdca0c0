import Foundation
import ChitraCore
import PostgresNIO

/// Finding people for the console: by beneficiary id, by CCCD (whole), or by part of the name, in
/// the caller's districts; CCCDs and account numbers come back masked, with the person's last
/// disbursements.
public enum BeneficiaryLookup {
    public struct Person: Sendable, Hashable, Codable {
        public var beneficiaryID: String
        public var district: String
        public var fullName: String
        /// Masked: only the last four digits.
        public var cccd: String?
        public var communeCode: String
        /// The commune's name in the catalogue: the commune of that code whose validity meets the
        /// person's payout unit's (codes are reused over time).
        public var communeName: String?
        public var program: String
        public var category: String
        public var paymentMethod: String
        /// Bank code or wallet provider, and the account or wallet id masked.
        public var institution: String?
        public var account: String?
        public var recipient: String
        public var recipientName: String?
        public var active: Bool
        public var accountReview: Bool
        public var disbursements: [Payment] = []
    }

    /// One line of a month: the month it pays, its kind, its amount (negative for a recovery).
    public struct Line: Sendable, Hashable, Codable {
        public var month: String
        public var kind: String
        public var amountVND: Int64
    }

    public struct Payment: Sendable, Hashable, Codable {
        public var period: String
        public var amountVND: Int64
        public var method: String
        public var state: DisbursementState
        public var failureReason: String?
        /// What the amount is made of.
        public var lines: [Line] = []
    }

    /// The largest number of people one search shows.
    public static let limit = 50

    /// People whose id is `text`, whose CCCD is `text`, or whose name contains it, whatever the case
    /// and the marks ("nguyen van duc" finds "Nguyễn Văn Đức": `chitra_fold`).
    public static func find(_ text: String, database: Database) async throws -> [Person] {
        let query = text.trimmingCharacters(in: .whitespaces)
        guard !query.isEmpty else { return [] }
        return try await database.transaction("look up beneficiaries") { connection in
            var people: [Person] = []
            let rows = try await connection.send(BeneficiaryLookupSQL.find(query, limit: limit), logger: Database.quiet)
            for try await row in rows.decode((String, String, String, String?, String, String, String, String, String?, String?, String,
                                              String?, Bool, Bool, String?).self) {
                people.append(Person(beneficiaryID: row.0, district: row.1, fullName: row.2, cccd: row.3.map(CitizenID.masked), communeCode: row.4,
                                     communeName: row.14, program: row.5, category: row.6, paymentMethod: row.7, institution: row.8,
                                     account: row.9.map(CitizenID.masked), recipient: row.10, recipientName: row.11, active: row.12,
                                     accountReview: row.13))
            }
            guard !people.isEmpty else { return people }
            let payments = try await connection.send(BeneficiaryLookupSQL.payments(people.map(\.beneficiaryID)), logger: Database.quiet)
            for try await (id, period, amount, method, state, reason) in payments.decode((String, String, Int64, String, String, String?).self) {
                guard let index = people.firstIndex(where: { $0.beneficiaryID == id }), let state = DisbursementState(rawValue: state) else { continue }
                people[index].disbursements.append(Payment(period: period, amountVND: amount, method: method, state: state, failureReason: reason))
            }
            // Each month's amount broken into its lines (written or implied by the disbursement).
            let lines = try await connection.send(BeneficiaryLookupSQL.lines(people.map(\.beneficiaryID)), logger: Database.quiet)
            for try await (id, period, month, kind, amount) in lines.decode((String, String, String, String, Int64).self) {
                guard let person = people.firstIndex(where: { $0.beneficiaryID == id }),
                      let payment = people[person].disbursements.firstIndex(where: { $0.period == period }) else { continue }
                people[person].disbursements[payment].lines.append(Line(month: month, kind: kind, amountVND: amount))
            }
            return people
        }
    }
}

enum BeneficiaryLookupSQL {
    static func find(_ text: String, limit: Int) -> PostgresQuery {
        // Composed as the register holds names (a keyboard may send "e" and a combining mark apart).
        let text = text.precomposedStringWithCanonicalMapping
        let pattern = "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        return """
            SELECT beneficiary_id, unit_code, full_name, cccd, commune_code, program, category, payment_method,
                   coalesce(bank_code, wallet_provider), coalesce(account_number, wallet_id), recipient, recipient_name,
                   deceased_on IS NULL AND (eligible_until IS NULL OR eligible_until >= date_trunc('month', now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date),
                   account_review,
                   (SELECT c.name_with_type FROM units p
                    JOIN units c ON c.level = 'commune' AND c.code = b.commune_code AND c.validity && p.validity
                    WHERE p.code = b.unit_code AND p.level IN ('district', 'commune')
                    ORDER BY c.valid_from DESC NULLS LAST LIMIT 1)
            FROM beneficiaries b
            WHERE beneficiary_id = \(text) OR cccd = \(text) OR chitra_fold(full_name) LIKE chitra_fold(\(pattern))
            ORDER BY beneficiary_id = \(text) DESC, full_name, beneficiary_id
            LIMIT \(limit)
            """
    }

    static func lines(_ ids: [String]) -> PostgresQuery {
        """
        SELECT beneficiary_id, to_char(run_period, 'YYYY-MM'), to_char(month, 'YYYY-MM'), kind, amount_vnd
        FROM all_entitlement_lines WHERE beneficiary_id = ANY(\(ids)::text[]) ORDER BY run_period DESC, month, kind
        """
    }

    static func payments(_ ids: [String]) -> PostgresQuery {
        """
        SELECT d.beneficiary_id, to_char(d.period, 'YYYY-MM'), d.amount_vnd, d.method, \(unescaped: DisbursementStateSQL.seenState(run: "r.state")),
               d.failure_reason
        FROM disbursements d JOIN runs r ON r.id = d.run_id WHERE d.beneficiary_id = ANY(\(ids)::text[]) ORDER BY d.period DESC
        """
    }
}
