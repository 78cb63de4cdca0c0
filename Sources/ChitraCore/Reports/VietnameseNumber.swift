/// Numbers as Vietnamese officials write them: thousands grouped with dots (1.234.567), decimals
/// after a comma (73,1 %).
public enum VietnameseNumber {
    public static func grouped(_ value: Int) -> String {
        Money(dong: Int64(value)).description.replacingOccurrences(of: " ₫", with: "")
    }

    /// A share as a per cent with one decimal ("73,1 %"); "—" when there is none.
    public static func percent(_ share: Double?) -> String {
        guard let share else { return "—" }
        let tenths = Int((share * 1000).rounded())
        return "\(tenths / 10),\(tenths % 10) %"
    }
}
