/// Checks one register row against the contract and the policy table. Each problem is one
/// sentence for the district operator, naming the line and the column.
public struct RegisterRowValidator: Sendable {
    public let policy: PolicyTable
    /// The payout unit the file is imported for: every row must belong to it. A district's file
    /// names it in district_code; a commune's (since the 2025 reform) in commune_code, with
    /// district_code empty or left out.
    public let district: String

    public init(policy: PolicyTable, district: String) {
        self.policy = policy
        self.district = district
    }

    /// Whether the file is a commune's.
    var isCommune: Bool { district.utf8.count == 5 }

    /// The row as the register holds it: its unit in district_code (a commune's file names none),
    /// and its wallet provider by code, however the file wrote it.
    public func asRegistered(_ row: RegisterRow) -> RegisterRow {
        var row = row
        if isCommune { row.values[RegisterColumn.districtCode.ordinal] = district }
        let provider = row[.walletProvider]
        if !provider.isEmpty, let known = WalletProvider.named(provider) {
            row.values[RegisterColumn.walletProvider.ordinal] = known.code
        }
        return row
    }

    public func problems(in row: RegisterRow) -> [ImportProblem] {
        var problems: [ImportProblem] = []
        func report(_ column: RegisterColumn, _ message: String) {
            problems.append(ImportProblem(line: row.line, column: column.rawValue, message))
        }
        func required(_ column: RegisterColumn) -> String? {
            let value = row[column]
            if value.isEmpty { report(column, "this value is required but empty.") }
            return value.isEmpty ? nil : value
        }
        func period(_ column: RegisterColumn) -> Period? {
            let value = row[column]
            guard !value.isEmpty else { return nil }
            guard let period = Period(value) else {
                report(column, "'\(value)' is not a month written YYYY-MM.")
                return nil
            }
            return period
        }

        if let id = required(.beneficiaryID) {
            if id.utf8.count > 40 || !id.utf8.allSatisfy({ Self.idBytes.contains($0) }) {
                report(.beneficiaryID, "an id has at most 40 letters, digits, '-' or '_'.")
            }
        }
        if let name = required(.fullName), name.count > 200 { report(.fullName, "the name is longer than 200 characters.") }
        let cccd = row[.cccd]
        if !cccd.isEmpty, let problem = CitizenID.problem(cccd) { report(.cccd, problem + ".") }
        let phone = row[.phone]
        if !phone.isEmpty, !CitizenID.isMobilePhone(phone) {
            // Masked: error output is personal data too.
            report(.phone, "'\(CitizenID.masked(phone))' is not a Vietnamese mobile number (10 digits starting 03, 05, 07, 08 or 09).")
        }
        if isCommune {
            let code = row[.districtCode]
            if !code.isEmpty {
                report(.districtCode, "districts no longer pay since 2025-07: leave district_code empty in the file of commune \(district).")
            }
            if let commune = required(.communeCode), commune != district {
                report(.communeCode, "this row belongs to commune \(commune), but the file is imported for commune \(district).")
            }
        } else {
            if let code = required(.districtCode), code != district {
                report(.districtCode, "this row belongs to district \(code), but the file is imported for district \(district).")
            }
            if let commune = required(.communeCode), !(commune.utf8.count == 5 && commune.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }) {
                report(.communeCode, "a commune code is 5 digits.")
            }
        }
        let program = required(.program).flatMap { text -> Program? in
            let program = Program(rawValue: text)
            if program == nil { report(.program, "'\(text)' is not a program; use ncc or btxh.") }
            return program
        }
        if let category = required(.category), let program, policy.category(category, program: program) == nil {
            report(.category, "'\(category)' is not a category of program \(program.rawValue) in the policy table.")
        }
        if row[.eligibleFrom].isEmpty { report(.eligibleFrom, "this value is required but empty.") }
        let from = period(.eligibleFrom)
        let until = period(.eligibleUntil)
        _ = period(.paidThrough)
        _ = period(.changeFrom)
        if let from, let until, until < from { report(.eligibleUntil, "the last month \(until) is before the first month \(from).") }
        let deceased = row[.deceasedOn]
        if !deceased.isEmpty {
            if let day = Day(deceased) {
                if let from, day.period < from { report(.deceasedOn, "the date of death \(day) is before the first month \(from).") }
            } else {
                report(.deceasedOn, "'\(deceased)' is not a real date written YYYY-MM-DD.")
            }
        }
        checkPayment(row, report: report, required: required)
        checkRecipient(row, report: report, required: required)
        return problems
    }

    private func checkPayment(_ row: RegisterRow, report: (RegisterColumn, String) -> Void, required: (RegisterColumn) -> String?) {
        guard let text = required(.paymentMethod) else { return }
        guard let method = PaymentMethod(rawValue: text) else {
            report(.paymentMethod, "'\(text)' is not a payment method; use bank, wallet, cash or cash_home.")
            return
        }
        switch method {
        case .bank:
            for column in [RegisterColumn.bankCode, .accountNumber, .accountName] where row[column].isEmpty {
                report(column, "payment by bank needs \(column.rawValue).")
            }
            let account = row[.accountNumber]
            if !account.isEmpty, !(6...19).contains(account.utf8.count) || !account.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                report(.accountNumber, "an account number is 6 to 19 digits.")
            }
            let bank = row[.bankCode]
            if !bank.isEmpty, bank.utf8.count != 6 || !bank.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                report(.bankCode, "'\(bank)' is not a bank code: give the bank's Napas BIN, six digits (Vietcombank is 970436).")
            }
        case .wallet:
            for column in [RegisterColumn.walletProvider, .walletID] where row[column].isEmpty {
                report(column, "payment by e-wallet needs \(column.rawValue).")
            }
            let provider = row[.walletProvider]
            if !provider.isEmpty, WalletProvider.named(provider) == nil {
                report(.walletProvider, "'\(provider)' is not a wallet provider Chitra pays to: \(WalletProvider.listed).")
            }
            let wallet = row[.walletID]
            if !wallet.isEmpty, wallet.utf8.count > 34 || !wallet.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != 47 }) {
                report(.walletID, "a wallet id is at most 34 characters, without spaces or slashes.")
            }
        case .cash, .cashHome:
            break
        }
    }

    private func checkRecipient(_ row: RegisterRow, report: (RegisterColumn, String) -> Void, required: (RegisterColumn) -> String?) {
        guard let text = required(.recipient) else { return }
        guard let recipient = Recipient(rawValue: text) else {
            report(.recipient, "'\(text)' is not a recipient; use self, authorized or guardian.")
            return
        }
        guard recipient != .self else { return }
        if row[.recipientName].isEmpty { report(.recipientName, "the \(recipient.rawValue) recipient needs a name.") }
        let cccd = row[.recipientCCCD]
        if cccd.isEmpty {
            report(.recipientCCCD, "the \(recipient.rawValue) recipient needs a CCCD.")
        } else if let problem = CitizenID.problem(cccd) {
            report(.recipientCCCD, problem + ".")
        }
    }

    static let idBytes: Set<UInt8> = Set(Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".utf8))
}
