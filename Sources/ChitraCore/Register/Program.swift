/// The two benefit programs.
public enum Program: String, Sendable, Hashable, Codable, CaseIterable {
    /// Người có công: persons with meritorious service to the revolution and their relatives.
    case ncc
    /// Bảo trợ xã hội: community social assistance.
    case btxh
}

/// How a beneficiary receives the money.
public enum PaymentMethod: String, Sendable, Hashable, Codable, CaseIterable {
    case bank, wallet, cash
    /// Cash brought home by the post office (the sick and the very old).
    case cashHome = "cash_home"

    public var isCash: Bool { self == .cash || self == .cashHome }
}

/// Who receives the money.
public enum Recipient: String, Sendable, Hashable, Codable, CaseIterable {
    case `self`, authorized, guardian
}
