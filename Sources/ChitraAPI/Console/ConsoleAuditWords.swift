import ChitraCore
import ChitraStore
import Foundation

/// An audit entry as an officer reads it: the action named in words, the subject's leading word in
/// the page's language (numbers, files and codes as recorded), and what changed, key by key.
enum ConsoleAuditWords {
    /// The actions an entry can record (reading is never recorded).
    static var recordedActions: [Action] { Action.allCases.filter { $0 != .read } }

    static func action(_ action: Action, _ language: ConsoleLanguage) -> String {
        language.text("action." + action.rawValue)
    }

    /// The subjects' leading words, longest first, and their catalogue keys.
    private static let subjects: [(prefix: String, key: String)] = [
        ("unit catalogue load ", "subject.unitLoad"), ("cash of ", "subject.cashOf"), ("enqueue ", "subject.enqueue"),
        ("register ", "subject.register"), ("district ", "subject.unit"), ("import ", "subject.import"),
        ("token ", "subject.token"), ("run ", "subject.run"), ("job ", "subject.job"),
    ]

    static func subject(_ subject: String, _ language: ConsoleLanguage) -> String {
        for (prefix, key) in subjects where subject.hasPrefix(prefix) {
            let rest = String(subject.dropFirst(prefix.count))
            if key == "subject.cashOf", let period = Period(rest) { return "\(language.text(key)) \(ConsoleMessages.monthNumber(period, language))" }
            return "\(language.text(key)) \(rest)"
        }
        return subject
    }

    /// "Trạng thái: Chờ phê duyệt → Đã phê duyệt; Số khoản chi: 714", from the entry's before and after.
    static func changes(_ entry: AuditEntry, _ language: ConsoleLanguage) -> String {
        let before = entry.before ?? [:], after = entry.after ?? [:]
        return Set(before.keys).union(after.keys).sorted().map { key in
            let label = language.texts["change." + key] ?? key
            switch (before[key], after[key]) {
            case let (old?, new?) where old != new: return "\(label): \(value(old, key: key, language)) → \(value(new, key: key, language))"
            case let (_, new?): return "\(label): \(value(new, key: key, language))"
            case let (old?, nil): return "\(label): \(value(old, key: key, language)) → —"
            case (nil, nil): return label
            }
        }.joined(separator: "; ")
    }

    private static func value(_ value: AuditValue, key: String, _ language: ConsoleLanguage) -> String {
        switch value {
        case .flag(let flag): return language.text(flag ? "yes" : "no")
        case .number(let number): return key.hasSuffix("_vnd") ? Money(dong: number).description : VietnameseNumber.grouped(Int(number))
        case .text(let text):
            if key == "state" || key.hasSuffix("_state") { return language.texts["state." + text] ?? text }
            if key == "role", let role = Role(rawValue: text) { return language.text("role." + role.rawValue) }
            return text
        }
    }

    /// A day as typed: 2026-07-05 or 5/7/2026.
    static func day(_ text: String) -> Day? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let day = Day(trimmed) { return day }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count), parts[2].count == 4,
              let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]),
              let period = Period(year: year, month: month), (1...Day.days(in: period)).contains(day) else { return nil }
        return Day(period: period, day: day)
    }
}
