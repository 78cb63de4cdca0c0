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

    /// Columns a file must have; the others may be left out (read as empty).
    public static let required: [RegisterColumn] = [
        .beneficiaryID, .fullName, .cccd, .districtCode, .communeCode, .program, .category, .eligibleFrom,
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
        values[RegisterColumn.index[column]!]
    }
}

extension RegisterColumn {
    static let index: [RegisterColumn: Int] = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })
}

/// One problem in an import file, located by line and column, said in one plain sentence.
public struct ImportProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: String?
    public var message: String

    public init(line: Int, column: String? = nil, _ message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        column.map { "Line \(line), column \($0): \(message)" } ?? "Line \(line): \(message)"
    }
}
