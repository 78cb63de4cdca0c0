import ChitraCore
import ChitraStore
import Foundation

/// The steps of a province's month that the demo and the payout benchmark both take, as finance
/// would: approve every district's run, send what still failed to cash, record the post office's
/// confirmations.
struct ProvinceMonth {
    let database: Database
    let people: ProvincePeople
    let period: Period
    let districts: [String]

    /// Finance approves every district's run; the control totals, summed.
    func approveAll() async throws -> (count: Int, totalVND: Int64) {
        var count = 0, total: Int64 = 0
        for district in districts {
            let totals = try await RunApproval.approve(district: district, period: period, by: people.finance, database: database)
            count += totals.count
            total += totals.totalVND
        }
        return (count, total)
    }

    /// Finance sends every transfer still failed to the post office; how many moved.
    func fallBackAll() async throws -> Int {
        var moved = 0
        for district in districts {
            moved += try await FinanceRerun.fallBack(FinanceScope(district: district, period: period), by: people.finance, database: database).moved
        }
        return moved
    }

    /// The post office's answer to each district's cash list (those `notFound` picks by beneficiary
    /// id are not found), written in `folder` and recorded by finance; how many were paid and not found.
    func confirmCash(folder: String, paidOn: String, notFound: (String) -> Bool) async throws -> (paid: Int, notFound: Int) {
        var paid = 0, missing = 0
        for district in districts {
            let path = "\(folder)/post-office-\(district).csv"
            let reply = try await PostOfficeReply.write(district: district, period: period, paidOn: paidOn, to: path, notFound: notFound,
                                                        database: database)
            paid += reply.paid
            missing += reply.notFound
            _ = try await CashConfirmation.confirm(path: path, by: people.finance, database: database)
            try? FileManager.default.removeItem(atPath: path)
        }
        return (paid, missing)
    }
}
