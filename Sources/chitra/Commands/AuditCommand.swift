import ArgumentParser
import ChitraCore
import ChitraStore
import Foundation

/// `chitra audit [--district CODE] [--since YYYY-MM-DD]`: who did what, newest first.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit log of your districts: who did what, when, before and after (newest first).")

    @OptionGroup var server: ServerOptions
    @Option(name: [.customLong("unit"), .customLong("district")], help: "Only this payout unit (a district, 3 digits, or a commune, 5).") var district: String?
    @Option(help: "From this day on (YYYY-MM-DD, Vietnam time).") var since: String?
    @Option(help: "At most this many entries.") var limit: Int = 200
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        if let since, Day(since) == nil { throw ValidationError("--since must be written YYYY-MM-DD.") }
        guard (1...1_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000.") }
        let entries = try await ClientFailure.exiting {
            try await server.client().get("/audit", query: [("unit", district), ("since", since), ("limit", "\(limit)")], as: [AuditEntry].self)
        }
        if json {
            return print(try jsonText(entries))
        }
        guard !entries.isEmpty else { return print("No audit entries match.") }
        var table = TextTable("WHEN", "WHO", "ROLE", "ACTION", "DISTRICT", "SUBJECT", "BEFORE → AFTER")
        for entry in entries {
            func text(_ summary: [String: AuditValue]?) -> String {
                (summary ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            }
            let change = [text(entry.before), text(entry.after)].filter { !$0.isEmpty }.joined(separator: " → ")
            table.add(entry.at.map(VietnamTime.timestamp) ?? "", entry.actor, entry.actorRole.rawValue, entry.action.rawValue,
                      entry.district ?? "-", entry.subject, change)
        }
        print(table.rendered)
    }
}
