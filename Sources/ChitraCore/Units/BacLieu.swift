/// Bạc Liêu (province 95), the province of the plan Chitra follows: its seven districts, which paid
/// until the 2025 reform (the migrations seed them). Tests of months before 2025-07 use them.
public enum BacLieu {
    public static let provinceCode = "95"
    public static let districtCodes = ["954", "956", "957", "958", "959", "960", "961"]
}

/// Cà Mau (province 96) since the 2025 reform, which took in Bạc Liêu: for each of Bạc Liêu's
/// former districts, in the same order, one commune (or ward) that took over part of it. Tests,
/// benchmarks and the demo of months since 2025-07 use them.
public enum CaMau {
    public static let provinceCode = "96"
    public static let communeCodes = ["31825", "31843", "31867", "31891", "31942", "31972", "31918"]
}
