/// Bạc Liêu (province 95), the province of the plan Chitra follows: its seven districts, as the
/// migrations seed them. Demos, benchmarks and tests use them.
public enum BacLieu {
    public static let provinceCode = "95"
    public static let districtCodes = ["954", "956", "957", "958", "959", "960", "961"]
}
