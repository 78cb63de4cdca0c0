/// The console's languages: Vietnamese by default, English available (a cookie remembers the choice).
public enum ConsoleLanguage: String, Sendable, CaseIterable {
    case vi, en

    var other: ConsoleLanguage { self == .vi ? .en : .vi }

    /// The console's words in this language, by key (templates write `{{t.key}}`).
    var texts: [String: String] {
        switch self {
        case .vi: ConsoleTexts.vietnamese
        case .en: ConsoleTexts.english
        }
    }

    func text(_ key: String) -> String { texts[key] ?? key }

    func state(_ state: String) -> String { text("state." + state) }
}
