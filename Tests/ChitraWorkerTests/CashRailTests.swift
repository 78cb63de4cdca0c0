import ChitraCore
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// The cash rail's part of the submit step (issue 9): approved cash goes on the post office's list
/// once; bank and wallet wait for their rails.
@Suite("Cash rail", .timeLimit(.minutes(3)))
struct CashRailTests {
    static func states(_ database: Database) async throws -> [String: String] {
        var states: [String: String] = [:]
        for try await (id, state) in try await database.client.query("SELECT beneficiary_id, state FROM disbursements").decode((String, String).self) {
            states[id] = state
        }
        return states
    }

    @Test("the submit step lists approved cash for the post office once; bank waits; the list masks CCCDs and marks home delivery")
    func submitInstructsCash() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            file.add("C1", [.eligibleFrom: "2024-09", .communeCode: "95402", .fullName: "Lê Thị, \"Út\""])
            file.add("C2", [.eligibleFrom: "2024-09", .paymentMethod: "cash_home", .communeCode: "95401"])
            file.add("B1", [.eligibleFrom: "2024-09", .paymentMethod: "bank", .bankCode: "970436", .accountNumber: "1234567890",
                            .accountName: "B1"])
            try await RunFixture.importRegister(file, database)
            let runID = try await RunFixture.trigger("2024-09", autoApprove: true, database)
            try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy)) { _ in
                try await eventually("cash listed", saw: { "\(try await Self.states(database))" }) {
                    try await Self.states(database) == ["C1": "cash_instructed", "C2": "cash_instructed", "B1": "approved"]
                }
                // The submit job waits for the bank rail (snoozed), it is not done.
                try await eventually("submit snoozed") {
                    try await JobQueue(database: database).list(.init(kind: "submit")).first?.state == .available
                }
            }
            // Again: nothing moves twice.
            let again = try await CashInstruction.instruct(runID: runID, database: database)
            #expect(again.instructed == 0 && again.waitingForOtherRails == 1)

            let path = NSTemporaryDirectory() + "chitra-cash-\(UUID().uuidString.prefix(8)).csv"
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let handle = try #require(FileHandle(forWritingAtPath: path))
            let written = try await CashList.write(district: "954", period: Period("2024-09")!, commune: nil, database: database, to: handle)
            try handle.close()
            #expect(written.count == 2 && written.total == Money(dong: 1_000_000))
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "a BOM, for Excel")
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            #expect(text.hasPrefix("end_to_end_id,beneficiary_id,full_name,cccd,commune_code,amount_vnd,recipient,recipient_name,home_delivery\r\n"))
            let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == 3)
            #expect(lines[1] == "CT954202409NC2,C2,Nguyễn Văn C2,********6789,95401,500000,self,,yes", "\(lines[1])")
            #expect(lines[2] == "CT954202409NC1,C1,\"Lê Thị, \"\"Út\"\"\",********6789,95402,500000,self,,no", "\(lines[2])")
            #expect(!text.contains("095123456789"), "CCCDs are masked")
        }
    }
}
