import ChitraCore
import ChitraStore

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

    /// A payment's method as it went: a transfer that fell back to cash is cash now, from its rail.
    static func paidBy(_ payment: BeneficiaryLookup.Payment, _ language: ConsoleLanguage) -> String {
        guard fellBackToCash(payment) else { return method(payment.method, language) }
        return "\(language.text("cash")) (\(language.text("fellBackFrom")) \(method(payment.method, language).lowercased()))"
    }

    static func fellBackToCash(_ payment: BeneficiaryLookup.Payment) -> Bool {
        [.cashInstructed, .paidCash].contains(payment.state) && ["bank", "wallet"].contains(payment.method)
    }

    /// The person's method, and how their latest month is paid when a failed transfer fell back to cash.
    static func currentMethod(_ person: BeneficiaryLookup.Person, _ language: ConsoleLanguage) -> String {
        let registered = method(person.paymentMethod, language)
        guard let latest = person.disbursements.first, fellBackToCash(latest) else { return registered }
        return "\(registered); \(ConsoleMessages.month(latest.period, language)): \(paidBy(latest, language))"
    }

    /// Reasons that say something about the person or their account, to be seen before anything else is done.
    static let warningReasons: Set<String> = ["MD07", "AC04", "AC06"]

    /// A warning from the latest payment's reason (the bank says the person died, or the account is closed or blocked).
    static func warning(_ person: BeneficiaryLookup.Person, _ language: ConsoleLanguage) -> String? {
        guard let latest = person.disbursements.first, let reason = latest.failureReason, warningReasons.contains(reason) else { return nil }
        let text = ReasonTexts.text(reason, language)
        return "\(ConsoleMessages.month(latest.period, language)): \(text.meaning) \(text.nextStep)"
    }
}
