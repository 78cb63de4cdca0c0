import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// The cash work of a month in the console: the post office's list to download, and its
/// confirmation file to upload (all or nothing: a wrong line changes nothing and is named by its
/// number). Sending failed transfers to cash and closing the month's cash go through the confirm
/// pages (`ConsoleConfirmPages`), since they move money.
struct ConsoleCashPages: Sendable {
    let console: Console

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("runs/:unit/:period/cash-list") { request, context in
            try await console.page(request, "GET /console/runs/{unit}/{period}/cash-list") { caller in
                let (district, period) = try Path.target(context)
                if let refusal = AccessError(Access.decide(caller.identity, .cashList, districts: [district])) { throw refusal }
                return try await FileResponse.csv(named: "cash-\(district)-\(period).csv") { output in
                    try await CashList.write(district: district, period: period, commune: nil, database: caller.database, to: output).count
                }
            }
        }
        group.post("runs/:unit/:period/cash-confirmations") { request, context in
            let back = (try? Path.target(context)).map { "/console/runs/\($0.district)/\($0.period)" } ?? "/console/runs"
            return try await console.upload(request, "POST /console/runs/{unit}/{period}/cash-confirmations", back: back,
                                            limit: Upload.maximumConfirmations) { caller, form in
                let (district, _) = try Path.target(context)
                if let refusal = AccessError(Access.decide(caller.identity, .confirmCash, districts: [district])) { throw refusal }
                guard let file = form.file, !file.bytes.isEmpty else { throw NoFile() }
                let outcome = try await CashConfirmation.confirm(contents: file.bytes, fileName: Self.fileName(file.name), by: caller.identity,
                                                                 database: caller.database)
                return ConsoleMessages.cashConfirmed(outcome, caller.language)
            }
        }
    }

    /// The name the browser gave the file, as the audit log keeps it: its last path component,
    /// letters, digits, dots, dashes and underscores only.
    static func fileName(_ sent: String) -> String {
        let name = String(sent.split(separator: "/").last?.split(separator: "\\").last ?? "")
            .filter { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }
        return name.isEmpty ? "confirmations.csv" : name
    }

    /// An upload without its file.
    struct NoFile: Error, CustomStringConvertible {
        var description: String { "Choose the post office's confirmation file (CSV) first." }
    }
}
