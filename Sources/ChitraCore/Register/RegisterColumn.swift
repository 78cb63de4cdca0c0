/// The columns of a register import file (DESIGN.md, "The monthly run", step 1).
public enum RegisterColumn: String, CaseIterable, Sendable, Hashable {
    case beneficiaryID = "beneficiary_id"
    case fullName = "full_name"
    case cccd
    case phone
    case districtCode = "district_code"
    case communeCode = "commune_code"
    case program
    case category
    case eligibleFrom = "eligible_from"
    case eligibleUntil = "eligible_until"
    case paidThrough = "paid_through"
    case changeFrom = "change_from"
    case deceasedOn = "deceased_on"
    case paymentMethod = "payment_method"
    case bankCode = "bank_code"
    case accountNumber = "account_number"
    case accountName = "account_name"
    case walletProvider = "wallet_provider"
    case walletID = "wallet_id"
    case recipient
    case recipientName = "recipient_name"
    case recipientCCCD = "recipient_cccd"

    /// Columns a file must have; the others may be left out (read as empty). A district's file
    /// must fill district_code too; a commune's leaves it out.
    public static let required: [RegisterColumn] = [
        .beneficiaryID, .fullName, .cccd, .communeCode, .program, .category, .eligibleFrom,
        .paymentMethod, .recipient,
    ]
}

/// One row of a register file, every field as text (empty when absent), in `RegisterColumn` order.
public struct RegisterRow: Sendable, Hashable {
    public var line: Int
    public var values: [String]

    public init(line: Int, values: [String]) {
        precondition(values.count == RegisterColumn.allCases.count)
        self.line = line
        self.values = values
    }

    public subscript(_ column: RegisterColumn) -> String {
        values[column.ordinal]
    }
}

extension RegisterColumn {
    /// The column's place in `allCases`, without hashing (rows are read millions of times).
    var ordinal: Int {
        switch self {
        case .beneficiaryID: 0
        case .fullName: 1
        case .cccd: 2
        case .phone: 3
        case .districtCode: 4
        case .communeCode: 5
        case .program: 6
        case .category: 7
        case .eligibleFrom: 8
        case .eligibleUntil: 9
        case .paidThrough: 10
        case .changeFrom: 11
        case .deceasedOn: 12
        case .paymentMethod: 13
        case .bankCode: 14
        case .accountNumber: 15
        case .accountName: 16
        case .walletProvider: 17
        case .walletID: 18
        case .recipient: 19
        case .recipientName: 20
        case .recipientCCCD: 21
        }
    }
}

/// One problem in an import file, located by line and column, said in one plain sentence.
public struct ImportProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: String?
    public var message: String
    /// The message in Vietnamese, where its maker has the words (the console shows it to officials).
    public var vietnamese: String?

    public init(line: Int, column: String? = nil, _ message: String, vietnamese: String? = nil) {
        self.line = line
        self.column = column
        self.message = message
        self.vietnamese = vietnamese
    }

    public var description: String {
        column.map { "Line \(line), column \($0): \(message)" } ?? "Line \(line): \(message)"
    }
}

extension RegisterColumn {
    /// Columns written YYYY-MM in files and stored as the month's first day.
    public var isMonth: Bool {
        self == .eligibleFrom || self == .eligibleUntil || self == .paidThrough || self == .changeFrom
    }
}
