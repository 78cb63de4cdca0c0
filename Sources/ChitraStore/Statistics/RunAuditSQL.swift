import ChitraCore
import PostgresNIO

/// The raw reads of the audit of a month (`FirstRunAudit` in ChitraTesting): the tables as they
/// are, none of the run's own queries, so that the audit checks the run from outside.
public enum RunAuditSQL {
    public static func runs(period: Period) -> PostgresQuery {
        "SELECT id, unit_code FROM runs WHERE period = \(period)"
    }

    /// Every beneficiary entitled by the period, as the register holds them.
    public static func register(period: Period) -> PostgresQuery {
        """
        SELECT beneficiary_id, unit_code, to_char(eligible_from, 'YYYY-MM'), to_char(eligible_until, 'YYYY-MM'),
               to_char(deceased_on, 'YYYY-MM-DD'), to_char(paid_through, 'YYYY-MM'), program, category, payment_method
        FROM beneficiaries WHERE eligible_from <= \(period)
        """
    }

    public static func lines(period: Period) -> PostgresQuery {
        "SELECT beneficiary_id, to_char(month, 'YYYY-MM'), kind, amount_vnd FROM all_entitlement_lines WHERE run_period = \(period)"
    }

    public static func disbursements(period: Period) -> PostgresQuery {
        "SELECT beneficiary_id, amount_vnd, rail, program FROM disbursements WHERE period = \(period)"
    }
}
