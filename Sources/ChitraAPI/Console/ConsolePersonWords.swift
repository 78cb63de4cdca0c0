import ChitraCore

/// A person's codes as an official reads them: the category's description, the method, the bank
/// or wallet by name (the code beside it in small type, on the page, where staff need it).
enum ConsolePersonWords {
    /// The decree tables shipped with Chitra, read once: the categories' descriptions.
    static let policy: PolicyTable? = try? PolicyTable.bundled()

    static func category(_ code: String, program: String, _ language: ConsoleLanguage) -> String {
        guard let program = Program(rawValue: program), let category = policy?.category(code, program: program) else { return code }
        return language == .vi ? category.description : category.descriptionEnglish
    }

    static func method(_ method: String, _ language: ConsoleLanguage) -> String {
        language.text(method == "cash_home" ? "cashHome" : method)
    }

    /// A bank by its Napas BIN, a wallet by its provider's name; empty when there is none.
    static func institution(_ code: String?, method: String) -> String {
        guard let code, !code.isEmpty else { return "" }
        if method == "wallet" { return WalletProvider.named(code)?.name ?? code }
        return NapasBanks.name(code) ?? code
    }
}
