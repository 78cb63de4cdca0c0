import ChitraCore
import ChitraLocal
import ChitraStore
import Foundation

/// The post office, as tests play it: a confirmation file for a district's cash list.
public enum PostOffice {
    public static func confirmations(district: String, period: Period, paidOn: String, notFound: (String) -> Bool = { _ in false },
                                     database: Database) async throws -> (path: String, paid: Int, notFound: Int) {
        let path = NSTemporaryDirectory() + "chitra-confirmations-\(UUID().uuidString.prefix(8)).csv"
        let reply = try await PostOfficeReply.write(district: district, period: period, paidOn: paidOn, to: path, notFound: notFound,
                                                    database: database)
        return (reply.path, reply.paid, reply.notFound)
    }
}
