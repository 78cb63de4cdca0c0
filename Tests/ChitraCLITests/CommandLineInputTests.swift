import ChitraStore
import ChitraTesting
import Foundation
import Testing

/// The mistakes operators really make, each answered with one sentence and nothing written.
extension CommandLineTests {
    @Test("a folder, a FIFO, an unreadable file: one sentence naming the path, before anything connects")
    func importFileProblems() async throws {
        let folder = NSTemporaryDirectory() + "chitra-cli-files-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var result = try await Self.run(["import", folder, "--district", "954"], url: nil)
        #expect(result.status != 0 && result.output == "Error: The register file \(folder) is a folder, not a file.")
        let fifo = folder + "/fifo.csv"
        #expect(mkfifo(fifo, 0o600) == 0)
        result = try await Self.run(["import", fifo, "--district", "954"], url: nil)
        #expect(result.output == "Error: The register file \(fifo) is not a regular file (a pipe, device or socket); save it to a file and use that.")
        let secret = folder + "/secret.csv"
        try Data("beneficiary_id\n".utf8).write(to: URL(fileURLWithPath: secret))
        #expect(chmod(secret, 0o000) == 0 && chmod(folder, 0o755) == 0)
        result = try await Self.run(["import", secret, "--district", "954"], url: nil, asOtherUser: true)
        #expect(result.status != 0 && result.output == "Error: The register file \(secret) cannot be read: permission denied.")
    }

    @Test("an unknown district is one sentence listing the caller's own, exit 4, on every command that takes one")
    func unknownDistrict() async throws {
        try await TestPostgres.withNewDatabase { url in
            var file = RegisterFileBuilder(district: "999")
            file.add("U1")
            let path = try file.write()
            defer { try? FileManager.default.removeItem(atPath: path) }
            let sentence = "Error: There is no payout unit 999 among yours (\(TestPerson.operatorAn.districts.sorted().joined(separator: ", ")))."
            for arguments in [
                ["run", "--period", "2026-07", "--district", "999"],
                ["run", "--period", "2026-07", "--district", "954", "--district", "999"],
                ["run", "cancel", "--period", "2026-07", "--district", "999"],
                ["approve", "--period", "2026-07", "--district", "999"],
                ["status", "--district", "999"],
                ["export", "disbursements", "--period", "2026-07", "--district", "999"],
                ["import", path, "--district", "999"],
                ["lists", "--district", "999", "--kind", "cash"],
                ["jobs", "list", "--district", "999"],
                ["jobs", "enqueue", "--kind", "noop", "--district", "999"],
                ["districts", "approval", "--district", "999", "on"],
            ] {
                let result = try await Self.run(arguments, url: url)
                // An administrator reaches every unit: told only that this one does not exist.
                let expected = Self.person(for: arguments).role == .admin
                    ? "Error: There is no payout unit 999: `chitra units list` lists the districts and communes." : sentence
                #expect(result.status == 4 && result.output == expected, "chitra \(arguments.joined(separator: " ")): \(result.output)")
            }
            let runs = try await TestPostgres.withRunning(url) {
                try await RunStatus.list(period: nil, districts: nil, database: $0)
            }
            #expect(runs.isEmpty, "a refused command started no run, not even for the known district beside the unknown one")
        }
    }
}

extension CommandLineTests {
    @Test("a month before the policy tables or far ahead is refused with a sentence; an admin's --force runs it and the run says so, an operator's is refused")
    func impossiblePeriods() async throws {
        try await TestPostgres.withNewDatabase { url in
            var file = RegisterFileBuilder(district: "31843")
            file.add("P1")
            _ = try await Self.run(["import", try file.write(), "--district", "31843"], url: url)
            var result = try await Self.run(["run", "--period", "1900-01"], url: url)
            #expect(result.status != 0 && result.output.hasPrefix("Error: 1900-01 is before the policy tables begin ("), "\(result.output)")
            result = try await Self.run(["run", "--period", "2099-12"], url: url)
            #expect(result.status != 0 && result.output.hasPrefix("Error: 2099-12 is more than one month after the current month ("), "\(result.output)")
            result = try await Self.run(["status"], url: url)
            #expect(result.output == "No runs match.")
            // An operator alone cannot pay months ahead.
            result = try await Self.run(["run", "--period", "2099-12", "--force"], url: url, as: .operatorAn)
            #expect(result.status == 5 && result.output
                    == "Error: A token of role operator may not force a run outside the months the policy allows (only an admin may).",
                    "\(result.output)")
            result = try await Self.run(["run", "--period", "2099-12", "--force"], url: url, as: .admin)
            #expect(result.status == 0 && result.output == "Commune 31843: run 1 started (plan job 1).")
            result = try await Self.run(["status", "--json"], url: url)
            #expect(result.output.contains(#""periodForced" : true"#), "\(result.output)")
        }
    }

    @Test("a password in --database-url draws a warning; a password file keeps it out of the process list")
    func passwords() async throws {
        try await TestPostgres.withNewDatabase { application in
            let token = ["CHITRA_TOKEN": try await TestTokens.shared.token(for: .operatorAn, url: application)]
            // `migrate`: a command run beside the database, as the owner (people's commands talk to the API); up to date, it changes nothing.
            let url = try await TestPostgres.ownerURL(of: application)
            var result = try await Self.run(["migrate", "--database-url", url.connectionString], url: nil, environment: token)
            #expect(result.status == 0 && result.output.hasPrefix("Warning: the password in --database-url is visible to every user"), "\(result.output)")
            var bare = url
            bare.password = nil
            let passfile = NSTemporaryDirectory() + "chitra-pgpass-\(UUID().uuidString.prefix(8))"
            try "\(url.host ?? "localhost"):\(url.port):\(url.database):\(url.user):\(url.password ?? "")\n"
                .write(toFile: passfile, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: passfile) }
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passfile)
            result = try await Self.run(["migrate", "--database-url", bare.connectionString, "--password-file", passfile], url: nil,
                                        environment: token)
            #expect(result.status == 0 && !result.output.contains("Warning") && result.output.contains("up to date"), "\(result.output)")
            result = try await Self.run(["migrate"], url: bare, environment: token.merging(["PGPASSFILE": passfile,
                                                                                           "CHITRA_OWNER_DATABASE_URL": bare.connectionString]) { $1 })
            #expect(result.status == 0 && result.output.contains("up to date"), "\(result.output)")
        }
    }
}
