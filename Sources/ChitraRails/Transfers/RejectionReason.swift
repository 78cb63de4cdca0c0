/// What an ISO 20022 reason code of a rejection means for the disbursement: send again later, fall
/// back to cash at once, or stop paying (the beneficiary died).
public enum RejectionReason: Sendable, Hashable {
    /// The account cannot receive this transfer, now or later: no retry; cash instead, and the
    /// beneficiary's account is flagged for review.
    case permanent
    /// May pass: sent again with backoff, up to the limit.
    case temporary
    /// MD07, the beneficiary is deceased: payment stops and the Labour office is told.
    case deceased

    /// Reasons that retrying cannot mend (closed, blocked, wrong or missing accounts, invalid
    /// bank, inconsistent creditor, regulatory refusals).
    public static let permanentCodes: Set<String> = [
        "AC01", "AC02", "AC03", "AC04", "AC05", "AC06", "AC07", "AC13", "AC14", "AG01", "AG02", "AG03", "BE01", "BE04", "BE05",
        "BE06", "BE07", "MD01", "MS02", "MS03", "RC01", "RC02", "RC03", "RC04", "RR01", "RR02", "RR03", "RR04", "FF01", "CNOR", "DNOR",
    ]

    /// Reasons that pass: funds, cut-offs, the gateway's own temporary trouble.
    public static let temporaryCodes: Set<String> = ["AM04", "AM05", "DS24", "TM01", "DT01", "FOCR", "NARR", "TECH", "SL01"]

    /// The meaning of `code`; a code Chitra does not know is taken as permanent (cash is certain;
    /// a retry of an unknown refusal could repeat forever).
    public init(code: String) {
        if code == "MD07" { self = .deceased } else if Self.temporaryCodes.contains(code) { self = .temporary } else { self = .permanent }
    }
}
