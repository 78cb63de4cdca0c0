import ChitraCore
import ChitraLocal
import ChitraStore
import Foundation

/// The steps of a province's month that the demo and the payout benchmark both take, as finance
/// would: approve every district's run, send what still failed to cash, record the post office's
/// confirmations.
struct ProvinceMonth: Sendable {
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
    /// Each district's post office answers on its own: the districts' files are written and recorded
    /// at the same time.
    func confirmCash(folder: String, paidOn: String, notFound: @escaping @Sendable (String) -> Bool) async throws -> (paid: Int, notFound: Int) {
        try await withThrowingTaskGroup(of: (paid: Int, notFound: Int).self) { group in
            for district in districts {
                group.addTask { [database, period, people] in
                    let path = "\(folder)/post-office-\(district).csv"
                    let reply = try await PostOfficeReply.write(district: district, period: period, paidOn: paidOn, to: path,
                                                                notFound: notFound, database: database)
                    // A district with nothing on its list has nothing to confirm.
                    if reply.paid + reply.notFound > 0 {
                        _ = try await CashConfirmation.confirm(path: path, by: people.finance, database: database)
                    }
                    try? FileManager.default.removeItem(atPath: path)
                    return (reply.paid, reply.notFound)
                }
            }
            return try await group.reduce(into: (paid: 0, notFound: 0)) { total, district in
                total.paid += district.paid
                total.notFound += district.notFound
            }
        }
    }
}
