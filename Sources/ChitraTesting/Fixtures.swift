/// Test data shared by suites.
public enum Fixtures {
    /// The seven districts of Bạc Liêu (province 95).
    public static let bacLieuDistricts = ["954", "956", "957", "958", "959", "960", "961"]

    /// The district for index `i`, cycling through Bạc Liêu's seven.
    public static func district(_ i: Int) -> String { bacLieuDistricts[i % bacLieuDistricts.count] }
}
