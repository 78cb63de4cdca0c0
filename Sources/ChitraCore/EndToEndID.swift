/// The EndToEndId of a disbursement: derived from (district, period, beneficiary) alone, so that a
/// resent instruction is recognised by the bank instead of paid again. At most 35 characters.
public enum EndToEndID {
    public static func make(district: String, period: Period, beneficiaryID: String) -> String {
        let month = period.month < 10 ? "0\(period.month)" : "\(period.month)"
        let prefix = "CT\(district)\(period.year)\(month)"
        let candidate = prefix + beneficiaryID
        if candidate.utf8.count <= 35 { return candidate }
        // Long ids: a stable 64-bit FNV-1a hash in hex keeps it unique and within 35.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in beneficiaryID.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return prefix + "H" + String(hash, radix: 16, uppercase: true)
    }
}
