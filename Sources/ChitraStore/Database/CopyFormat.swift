import ChitraCore

/// PostgreSQL's COPY text format (the store's business, not the domain's), written into a byte array: values separated by tabs, rows by
/// line breaks, backslash, tab, newline and carriage return escaped.
enum CopyFormat {
    static func append(_ text: String, to bytes: inout [UInt8]) {
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

extension CopyFormat {
    /// An integer in decimal.
    static func append(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(magnitude % 10) + 48
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    /// The first day of a month as a date, `YYYY-MM-01`.
    static func appendFirstDay(of month: Period, to bytes: inout [UInt8]) {
        let year = month.year, number = month.month
        bytes.append(UInt8(year / 1000 % 10) + 48)
        bytes.append(UInt8(year / 100 % 10) + 48)
        bytes.append(UInt8(year / 10 % 10) + 48)
        bytes.append(UInt8(year % 10) + 48)
        bytes.append(UInt8(ascii: "-"))
        bytes.append(UInt8(number / 10) + 48)
        bytes.append(UInt8(number % 10) + 48)
        bytes.append(contentsOf: "-01".utf8)
    }
}

extension RegisterRow {
    /// The row as one typed COPY line: its line number, then every column in `RegisterColumn`
    /// order; empty values as NULL (`\N`), months as the first day of the month.
    func appendCopyLine(to bytes: inout [UInt8]) {
        bytes.append(contentsOf: String(line).utf8)
        for column in RegisterColumn.allCases {
            bytes.append(9)
            appendCopyValue(column, to: &bytes)
        }
        bytes.append(10)
    }

    /// The row as one COPY line of the `beneficiaries` table (columns in
    /// `RegisterColumn.beneficiaryOrder`, then version 1 and the import that created it).
    func appendBeneficiaryCopyLine(importID: Int64, to bytes: inout [UInt8]) {
        for (index, column) in RegisterColumn.beneficiaryOrder.enumerated() {
            if index > 0 { bytes.append(9) }
            appendCopyValue(column, to: &bytes)
        }
        bytes.append(contentsOf: "\t1\t\(importID)\t\(importID)\n".utf8)
    }

    /// One value: NULL (`\N`) when empty, months as their first day.
    func appendCopyValue(_ column: RegisterColumn, to bytes: inout [UInt8]) {
        let value = self[column]
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
    static let beneficiaryOrder: [RegisterColumn] = [
        .beneficiaryID, .districtCode, .fullName, .cccd, .phone, .communeCode, .eligibleFrom, .eligibleUntil, .paidThrough,
        .deceasedOn, .program, .category, .paymentMethod, .bankCode, .accountNumber, .accountName, .walletProvider,
        .walletID, .recipient, .recipientName, .recipientCCCD,
    ]

    /// The SQL type of the column in the database.
    var sqlType: String {
        isMonth || self == .deceasedOn ? "date" : "text"
    }
}
