/// PostgreSQL's COPY text format, written into a byte array: values separated by tabs, rows by
/// line breaks, backslash, tab, newline and carriage return escaped.
public enum CopyFormat {
    public static func append(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            guard utf8.contains(where: { $0 == 92 || $0 == 9 || $0 == 10 || $0 == 13 }) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case 92: bytes.append(92); bytes.append(92)
                case 9: bytes.append(92); bytes.append(UInt8(ascii: "t"))
                case 10: bytes.append(92); bytes.append(UInt8(ascii: "n"))
                case 13: bytes.append(92); bytes.append(UInt8(ascii: "r"))
                default: bytes.append(byte)
                }
            }
        }
    }
}

extension RegisterRow {
    /// The row as one typed COPY line: its line number, then every column in `RegisterColumn`
    /// order; empty values as NULL (`\N`), months as the first day of the month.
    public func appendCopyLine(to bytes: inout [UInt8]) {
        bytes.append(contentsOf: String(line).utf8)
        for column in RegisterColumn.allCases {
            bytes.append(9)
            appendCopyValue(column, to: &bytes)
        }
        bytes.append(10)
    }

    /// The row as one COPY line of the `beneficiaries` table (columns in
    /// `RegisterColumn.beneficiaryOrder`, then version 1 and the import that created it).
    public func appendBeneficiaryCopyLine(importID: Int64, to bytes: inout [UInt8]) {
        for (index, column) in RegisterColumn.beneficiaryOrder.enumerated() {
            if index > 0 { bytes.append(9) }
            appendCopyValue(column, to: &bytes)
        }
        bytes.append(contentsOf: "\t1\t\(importID)\t\(importID)\n".utf8)
    }

    /// One value: NULL (`\N`) when empty, months as their first day.
    func appendCopyValue(_ column: RegisterColumn, to bytes: inout [UInt8]) {
        let value = values[column.ordinal]
        if value.isEmpty {
            bytes.append(92)
            bytes.append(UInt8(ascii: "N"))
            return
        }
        CopyFormat.append(value, to: &bytes)
        if column.isMonth { bytes.append(contentsOf: "-01".utf8) }
    }
}

extension RegisterColumn {
    /// The register's columns as the `beneficiaries` table holds them (no line, no change_from).
    public static let beneficiaryOrder: [RegisterColumn] = [
        .beneficiaryID, .districtCode, .fullName, .cccd, .phone, .communeCode, .eligibleFrom, .eligibleUntil, .paidThrough,
        .deceasedOn, .program, .category, .paymentMethod, .bankCode, .accountNumber, .accountName, .walletProvider,
        .walletID, .recipient, .recipientName, .recipientCCCD,
    ]

    /// Columns written YYYY-MM in files and stored as the month's first day.
    public var isMonth: Bool {
        self == .eligibleFrom || self == .eligibleUntil || self == .paidThrough || self == .changeFrom
    }

    /// The SQL type of the column in the database.
    public var sqlType: String {
        isMonth || self == .deceasedOn ? "date" : "text"
    }
}
