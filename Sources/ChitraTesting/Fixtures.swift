import ChitraCore

/// Test data shared by suites.
public enum Fixtures {
    /// The seven districts of Bạc Liêu (province 95).
    public static let bacLieuDistricts = BacLieu.districtCodes

    /// The district for index `i`, cycling through Bạc Liêu's seven.
    public static func district(_ i: Int) -> String { bacLieuDistricts[i % bacLieuDistricts.count] }
}
