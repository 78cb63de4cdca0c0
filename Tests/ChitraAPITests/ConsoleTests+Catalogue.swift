@testable import ChitraAPI
import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import Testing

/// Every page, action message and refusal in the officer's language: walked in Vietnamese, no
/// English sentence shows; walked in English, none of the Vietnamese catalogue's phrases.
extension ConsoleTests {
    /// The page's visible text: tags, styles and attribute values removed.
    static func visibleText(_ html: String) -> String {
        html.replacing(/<style[\s\S]*?<\/style>/, with: " ").replacing(/<[^>]+>/, with: " ")
            .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#39;", with: "'")
    }

    /// Words of English sentences (never of Vietnamese, codes or names).
    static var englishWords: Regex<(Substring, Substring, Substring?)> { /(?i)\b(the|and|is|are|not|of|with|was|has|have|this|run|runs|disbursements?|payments?|transfers?|approved|month|district|cannot|nothing|confirm(ed)?|reload|page|such|found)\b/ }

    @Test("walked in Vietnamese, every page, action and refusal says nothing in English; walked in English, nothing of the Vietnamese catalogue")
    func everyWordInTheLanguage() async throws {
        try await Self.withConsole { browser, _, url in
            try await Self.computeMay(of: "31825", url)
            _ = try await browser.login(try await TestTokens.shared.token(for: TestPerson("Kế toán Ngôn ngữ", .finance, districts: ["31825", "31843"]), url: url))
            var visited: [(String, String)] = []
            func visit(_ path: String, post form: [String: String]? = nil, then next: String? = nil) async throws {
                let page = try await browser.send(form == nil ? .get : .post, path, form: form)
                visited.append((path, Self.visibleText(page.text)))
                if let next { visited.append((next, Self.visibleText(try await browser.send(.get, next).text))) }
            }
            let month = "/console/runs/31825/2026-05"
            let pages = ["/console/home", "/console/runs?period=05/2026", month, "\(month)/approve", "/console/failed?period=05/2026",
                         "/console/beneficiaries?q=K1", "/console/beneficiaries?q=nguyen", "/console/report?period=05/2026", "/console/audit",
                         "/console/statements",
                         // Refusals: no run, no such page, a wrong month, a wrong reason, a unit not paying in the month.
                         "/console/runs/31825/2026-04", "\(month)/bogus", "/console/failed?period=13/2026", "/console/failed?period=05/2026&reason=x",
                         "/console/runs/31843/2026-05/retry"]
            for language in ["vi", "en"] {
                _ = try await browser.send(.get, "/console/language?to=\(language)&back=/console/home")
                visited = []
                for path in pages { try await visit(path) }
                // Actions: refused without the figures shown, refused by state, and done.
                let csrf = Browser.csrf(try await browser.send(.get, "\(month)/approve")) ?? ""
                try await visit("\(month)/approve", post: ["csrf": csrf], then: month)
                try await visit("\(month)/cancel", post: ["csrf": "forged"])
                try await visit("/console/runs", post: ["csrf": csrf, "district": "31825", "period": "05/2025"], then: "/console/runs?period=05/2025")
                if language == "vi" {
                    #expect("The run is approved".matches(of: Self.englishWords).count == 4, "the check itself finds English")
                    try await Self.approve(browser)
                    visited.append((month, Self.visibleText(try await browser.send(.get, month).text)))
                    for path in ["\(month)/close-cash", "\(month)/fallback"] { try await visit(path) }
                    try await visit("\(month)/close-cash", post: ["csrf": csrf, "count": "7"], then: month)
                    try await visit("\(month)/cash-confirmations", post: ["csrf": csrf], then: month)
                    try await visit("\(month)/resume", post: ["csrf": csrf], then: month)
                    #expect(visited.count == 29, "\(visited.map(\.0))")
                    for (path, text) in visited {
                        let english = text.matches(of: Self.englishWords).map { String($0.output.0) }
                        #expect(english.isEmpty, "\(path) says in English: \(english)\n\(text)")
                    }
                } else {
                    #expect(visited.count == 20, "\(visited.map(\.0))")
                    let phrases = ConsoleTexts.vietnamese.values.filter { $0.count >= 12 && $0.unicodeScalars.contains { !$0.isASCII } }
                    for (path, text) in visited {
                        let vietnamese = phrases.filter { text.contains($0) }
                        #expect(vietnamese.isEmpty, "\(path) says in Vietnamese: \(vietnamese)")
                    }
                }
            }
        }
    }
}
