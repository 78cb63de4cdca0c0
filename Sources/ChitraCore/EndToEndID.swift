/// The EndToEndId of a disbursement: derived from (district, period, beneficiary) alone, so that a
/// resent instruction is recognised by the bank instead of paid again. At most 35 characters, all
/// of them letters and digits (which every bank accepts in ISO 20022 references), and one-to-one:
///
/// - `CT` + district + YYYYMM + `N` + the beneficiary id, when the id is 1 to 23 letters (A–Z,
///   a–z) and digits;
/// - `CT` + district + YYYYMM + `H` + 23 hex digits of a 92-bit hash of the id, for any other id
///   (longer, or holding spaces, Vietnamese letters, punctuation).
///
/// The letter after the month says which form it is, so a plain id can never equal a hashed one.
public enum EndToEndID {
    /// The longest beneficiary id written as it is.
    public static let plainLimit = 23

    public static func make(district: String, period: Period, beneficiaryID: String) -> String {
        let month = period.month < 10 ? "0\(period.month)" : "\(period.month)"
        let prefix = "CT\(district)\(period.year)\(month)"
        let id = beneficiaryID.utf8
        if !id.isEmpty, id.count <= plainLimit, id.allSatisfy(isLetterOrDigit) {
            return prefix + "N" + beneficiaryID
        }
        return prefix + "H" + hash(beneficiaryID)
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
