/// Vietnamese identity numbers and phone numbers, as the register carries them.
public enum CitizenID {
    /// The province codes that open a 12-digit CCCD (Circular 07/2016/TT-BCA, 63 provinces).
    public static let provinceCodes: Set<String> = [
        "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022", "024", "025",
        "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042", "044", "045", "046", "048",
        "049", "051", "052", "054", "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
        "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
    ]

    /// Why `text` is not a CCCD, or nil when it is one.
    public static func problem(_ text: String) -> String? {
        guard text.utf8.count == 12, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return "a CCCD is 12 digits; this one is not"
        }
        guard provinceCodes.contains(String(text.prefix(3))) else {
            return "a CCCD starts with a province code; \(text.prefix(3)) is none"
        }
        return nil
    }

    /// A Vietnamese mobile number: 0 then 3, 5, 7, 8 or 9 and eight more digits (or +84 for the 0).
    public static func isMobilePhone(_ text: String) -> Bool {
        var digits = Substring(text)
        if digits.hasPrefix("+84") { digits = "0" + digits.dropFirst(3) }
        let bytes = Array(digits.utf8)
        guard bytes.count == 10, bytes[0] == 48, [51, 53, 55, 56, 57].contains(bytes[1]) else { return false }
        return bytes.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// The last four characters behind stars: what logs, lists and the console show.
    public static func masked(_ text: String) -> String {
        guard text.count > 4 else { return String(repeating: "*", count: text.count) }
        return String(repeating: "*", count: text.count - 4) + text.suffix(4)
    }
}
