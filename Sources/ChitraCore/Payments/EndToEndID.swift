/// The EndToEndId of a disbursement: derived from (district, period, beneficiary) alone, so that a
/// resent instruction is recognised by the bank instead of paid again. At most 35 characters, all
/// of them letters and digits (which every bank accepts in ISO 20022 references), and one-to-one:
///
/// - `CT` + unit + YYYYMM + `N` + the beneficiary id, when the id is 1 to 23 letters (A–Z, a–z)
///   and digits for a district (3 digits), 1 to 21 for a commune (5 digits);
/// - `CT` + unit + YYYYMM + `H` + 23 hex digits of a 92-bit hash of the id for a district, the
///   first 21 of them for a commune, for any other id (longer, or holding spaces, Vietnamese
///   letters, punctuation).
///
/// The letter after the month says which form it is, so a plain id can never equal a hashed one;
/// a district's letter stands where a commune's month has a digit, so their forms never meet.
public enum EndToEndID {
    /// The longest beneficiary id written as it is, for a district's disbursement.
    public static let plainLimit = 23

    /// The longest id written as it is after `unit`'s prefix: what 35 characters leave.
    public static func plainLimit(unit: String) -> Int { plainLimit + 3 - unit.utf8.count }

    public static func make(district: String, period: Period, beneficiaryID: String) -> String {
        let month = period.month < 10 ? "0\(period.month)" : "\(period.month)"
        let prefix = "CT\(district)\(period.year)\(month)"
        let limit = plainLimit(unit: district)
        let id = beneficiaryID.utf8
        if !id.isEmpty, id.count <= limit, id.allSatisfy(isLetterOrDigit) {
            return prefix + "N" + beneficiaryID
        }
        return prefix + "H" + hash(beneficiaryID).prefix(limit)
    }

    static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }

    /// 23 hex digits (92 bits) from two FNV-1a 64-bit hashes of different offsets.
    static func hash(_ text: String) -> String {
        func fnv(_ offset: UInt64) -> UInt64 {
            var hash = offset
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
            return hash
        }
        let high = String(fnv(0xCBF2_9CE4_8422_2325), radix: 16, uppercase: true)
        let low = String(fnv(0x84222325CBF29CE4), radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: 16 - high.count) + high + String(repeating: "0", count: 16 - low.count) + low
        return String(padded.prefix(23))
    }
}
