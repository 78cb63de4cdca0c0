import ChitraCore
import Testing

@Suite("Register row validation")
struct RegisterRowValidatorTests {
    static let validator = RegisterRowValidator(policy: try! PolicyTable.bundled(), district: "954")

    static let good: [RegisterColumn: String] = [
        .beneficiaryID: "BL954-0000001", .fullName: "Nguyễn Văn A", .cccd: "095123456789", .phone: "0912345678",
        .districtCode: "954", .communeCode: "95401", .program: "btxh", .category: "cao_tuoi_80", .eligibleFrom: "2024-07",
        .paymentMethod: "bank", .bankCode: "970405", .accountNumber: "123456789012", .accountName: "NGUYEN VAN A", .recipient: "self",
    ]

    static func row(_ changes: [RegisterColumn: String]) -> RegisterRow {
        let values = good.merging(changes) { $1 }
        return RegisterRow(line: 7, values: RegisterColumn.allCases.map { values[$0] ?? "" })
    }

    @Test("a good row has no problem")
    func good() {
        #expect(Self.validator.problems(in: Self.row([:])).isEmpty)
        #expect(Self.validator.problems(in: Self.row([.cccd: "", .phone: "", .paymentMethod: "cash", .bankCode: "",
                                                      .accountNumber: "", .accountName: ""])).isEmpty)
        #expect(Self.validator.problems(in: Self.row([.paymentMethod: "wallet", .walletProvider: "momo", .walletID: "0912345678",
                                                      .recipient: "guardian", .recipientName: "Trần Thị B",
                                                      .recipientCCCD: "095987654321", .deceasedOn: "2024-08-31"])).isEmpty)
    }

    @Test("a wallet provider written as a spreadsheet would is read as its code; the row is registered with it",
          arguments: [("MOMO", "momo"), ("MoMo", "momo"), ("Mo Mo", "momo"), ("Ví MoMo", "momo"), (" momo ", "momo"),
                      ("Viettel Money", "viettelmoney"), ("viettel-money", "viettelmoney"), ("ViettelPay", "viettelmoney"),
                      ("VNPT_MONEY", "vnpt_money"), ("vnpt money", "vnpt_money"), ("Zalo Pay", "zalopay")])
    func walletProviderByName(written: String, code: String) {
        let row = Self.row([.paymentMethod: "wallet", .bankCode: "", .accountNumber: "", .accountName: "", .walletProvider: written,
                            .walletID: "0912345678"])
        #expect(Self.validator.problems(in: row).isEmpty)
        #expect(Self.validator.asRegistered(row)[.walletProvider] == code)
        #expect(WalletProvider.named(written)?.code == code)
    }

    @Test("providers Chitra does not pay to are not guessed")
    func unknownProviders() {
        for text in ["PayMe", "momo2", "Viettel Bank", "", "ví", "Vietcombank"] {
            #expect(WalletProvider.named(text) == nil, "\(text)")
        }
    }

    @Test("each problem names the line and the column in one sentence", arguments: [
        ([RegisterColumn.cccd: "09512345678"], "Line 7, column cccd: a CCCD is 12 digits; this one is not."),
        ([.cccd: "999123456789"], "Line 7, column cccd: a CCCD starts with a province code; 999 is none."),
        ([.phone: "0212345678"], "Line 7, column phone: '******5678' is not a Vietnamese mobile number (10 digits starting 03, 05, 07, 08 or 09)."),
        ([.districtCode: "956"], "Line 7, column district_code: this row belongs to district 956, but the file is imported for district 954."),
        ([.communeCode: "954"], "Line 7, column commune_code: a commune code is 5 digits."),
        ([.program: "xyz"], "Line 7, column program: 'xyz' is not a program; use ncc or btxh."),
        ([.category: "ba_me_vnah"], "Line 7, column category: 'ba_me_vnah' is not a category of program btxh in the policy table."),
        ([.eligibleFrom: "07/2024"], "Line 7, column eligible_from: '07/2024' is not a month written YYYY-MM."),
        ([.eligibleUntil: "2024-06"], "Line 7, column eligible_until: the last month 2024-06 is before the first month 2024-07."),
        ([.deceasedOn: "2024-02-30"], "Line 7, column deceased_on: '2024-02-30' is not a real date written YYYY-MM-DD."),
        ([.deceasedOn: "2024-06-30"], "Line 7, column deceased_on: the date of death 2024-06-30 is before the first month 2024-07."),
        ([.accountNumber: ""], "Line 7, column account_number: payment by bank needs account_number."),
        ([.accountNumber: "12AB"], "Line 7, column account_number: an account number is 6 to 19 digits."),
        ([.bankCode: "VCB"], "Line 7, column bank_code: 'VCB' is not a bank code: give the bank's Napas BIN, six digits (Vietcombank is 970436)."),
        ([.paymentMethod: "wallet", .bankCode: "", .accountNumber: "", .accountName: "", .walletProvider: "PayMe", .walletID: "0912345678"],
         "Line 7, column wallet_provider: 'PayMe' is not a wallet provider Chitra pays to: MoMo (momo), Viettel Money (viettelmoney), "
            + "VNPT Money (vnpt_money), MobiFone Money (mobifone_money), ZaloPay (zalopay), ShopeePay (shopeepay), VNPAY (vnpay)."),
        ([.paymentMethod: "wallet", .bankCode: "", .accountNumber: "", .accountName: "", .walletProvider: "momo", .walletID: "09/12"],
         "Line 7, column wallet_id: a wallet id is at most 34 characters, without spaces or slashes."),
        ([.paymentMethod: "wallet"], "Line 7, column wallet_provider: payment by e-wallet needs wallet_provider."),
        ([.paymentMethod: "cheque"], "Line 7, column payment_method: 'cheque' is not a payment method; use bank, wallet, cash or cash_home."),
        ([.recipient: "authorized"], "Line 7, column recipient_name: the authorized recipient needs a name."),
        ([.recipient: "guardian", .recipientName: "B", .recipientCCCD: "1"], "Line 7, column recipient_cccd: a CCCD is 12 digits; this one is not."),
        ([.fullName: ""], "Line 7, column full_name: this value is required but empty."),
        ([.beneficiaryID: "id with spaces"], "Line 7, column beneficiary_id: an id has at most 40 letters, digits, '-' or '_'."),
    ])
    func problems(changes: [RegisterColumn: String], first: String) {
        let problems = Self.validator.problems(in: Self.row(changes))
        #expect(problems.first?.description == first, "all: \(problems)")
    }

    @Test("Vietnamese mobile numbers, with or without +84")
    func phones() {
        #expect(CitizenID.isMobilePhone("0912345678") && CitizenID.isMobilePhone("+84912345678"))
        #expect(!CitizenID.isMobilePhone("091234567") && !CitizenID.isMobilePhone("0412345678"))
        #expect(CitizenID.masked("095123456789") == "********6789")
    }
}
