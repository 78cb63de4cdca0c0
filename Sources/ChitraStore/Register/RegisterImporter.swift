import ChitraCore
import Crypto
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// `chitra import FILE --district CODE`: validates a register file whole, then writes it in one
/// transaction, or writes nothing. The file is streamed (memory stays bounded whatever its size):
/// a first pass hashes it (a file imported before is a no-op), the second parses, validates and
/// streams rows through COPY into a staging table, from which set-based statements merge it.
public struct RegisterImporter: Sendable {
    public struct Summary: Sendable, Equatable, CustomStringConvertible {
        public var importID: Int64
        /// Records read from the file (the header not counted); every one of them was written.
        public var rows: Int
        public var new: Int
        public var changed: Int
        public var unchanged: Int
        public var left: Int
        /// True when the same file was imported before: nothing was done.
        public var alreadyImported: Bool
        /// Seconds spent in each step, for benchmarks.
        public var timings: [(step: String, seconds: Double)] = []
        /// Wallet providers the file named otherwise than by code, and the code each was read as.
        public var walletProviders = WalletProviderReadings()

        public static func == (lhs: Summary, rhs: Summary) -> Bool {
            lhs.importID == rhs.importID && lhs.rows == rhs.rows && lhs.new == rhs.new && lhs.changed == rhs.changed
                && lhs.unchanged == rhs.unchanged && lhs.left == rhs.left && lhs.alreadyImported == rhs.alreadyImported
                && lhs.walletProviders == rhs.walletProviders
        }

        public var description: String {
            alreadyImported
                ? "This file was already imported (import \(importID)); nothing changed."
                : "Read \(rows) records, imported all \(rows) (import \(importID)): \(new) new, \(changed) changed, \(unchanged) unchanged, \(left) left (ended or deceased)."
                    + (walletProviders.rows.isEmpty ? "" : " \(walletProviders)")
        }
    }

    public let database: Database
    public let policy: PolicyTable

    /// Bytes written to COPY at a time.
    public static let chunkBytes = RegisterFile.chunkBytes
    /// Rows between two progress reports.
    public static let progressEvery = 100_000

    public init(database: Database, policy: PolicyTable) {
        self.database = database
        self.policy = policy
    }

    /// Imports the file as `identity` (audited with its counts, in the import's transaction).
    /// `name`: the file's name as its sender knows it (recorded with the import), when `path` is a
    /// copy (an upload).
    public func importFile(at path: String, named name: String? = nil, district: String, by identity: Identity,
                           progress: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> Summary {
        var clock = StepClock()
        let file = RegisterFile(path: path)
        // Reading and hashing a large file blocks: done on NIO's thread pool for blocking work, not
        // on one of the cooperative pool's few threads that every other task of the process needs.
        let hashed = try await NIOThreadPool.singleton.runIfActive { try file.digest() }
        guard hashed.bytes > 0 else { throw ImportFailure(ImportProblem(line: 1, "the file is empty.")) }
        let digest = hashed.sha256
        clock.lap("hash")
        let fileName = name ?? URL(fileURLWithPath: path).lastPathComponent
        let validator = RegisterRowValidator(policy: policy, district: district)
        return try await database.transaction("import the register of district \(district)") { connection in
            try await DistrictSettings.requireKnown([district], on: connection)
            // Imports and plans of a district take turns (a plan's snapshot is the last import).
            try await connection.execute(RegisterImportSQL.lockDistrict(district), logger: Database.quiet)
            if let previous = try await connection.first(Int64.self, RegisterImportSQL.previousImport(district: district, sha256: digest)) {
                return Summary(importID: previous, rows: 0, new: 0, changed: 0, unchanged: 0, left: 0, alreadyImported: true)
            }
            let importID = try await connection.first(Int64.self, RegisterImportSQL.recordImport(
                district: district, sha256: digest, fileName: fileName, rows: 0))!
            var summary: Summary
            if try await connection.first(Bool.self, RegisterImportSQL.districtIsEmpty(district)) == true,
               let direct = try await Self.importDirect(file: file, hashed: hashed, importID: importID, validator: validator,
                                                        on: connection, clock: &clock, progress: progress) {
                summary = direct
            } else {
                summary = try await Self.importStaged(file: file, hashed: hashed, district: district, importID: importID, validator: validator,
                                                      on: connection, clock: &clock, progress: progress)
            }
            try await AuditLog.append(AuditEntry(by: identity, .importRegister, district: district, subject: "import \(importID): \(fileName)",
                                                 after: ["rows": .number(Int64(summary.rows)), "new": .number(Int64(summary.new)),
                                                         "changed": .number(Int64(summary.changed)), "left": .number(Int64(summary.left)),
                                                         "sha256": .text(digest)]), on: connection)
            return summary
        }
    }

    /// A district's first register: rows go by COPY straight into `beneficiaries`, as
    /// `chitra_copy_in` (`CopyInRole`: the database checks the rows' unit per statement). A duplicate id
    /// (in the file, or held by another district) stops the COPY; then this returns nil, having
    /// rolled back to its savepoint, and the staged way finds and reports each offending line.
    static func importDirect(file: RegisterFile, hashed: RegisterFile.Digest, importID: Int64, validator: RegisterRowValidator, on connection: PostgresConnection,
                             clock: inout StepClock, progress: @escaping @Sendable (Int) -> Void) async throws -> Summary? {
        try await connection.execute("SAVEPOINT direct_import", logger: Database.quiet)
        let staged: Staged
        do {
            staged = try await CopyInRole.run(on: connection) {
                try await stage(file: file, hashed: hashed, validator: validator, table: "beneficiaries",
                                columns: RegisterImportSQL.beneficiaryCopyColumns, on: connection, progress: progress) {
                    $0.appendBeneficiaryCopyLine(importID: importID, to: &$1)
                }
            }
        } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
            try await connection.execute("ROLLBACK TO SAVEPOINT direct_import", logger: Database.quiet)
            clock.lap("first try, straight into the register (an id repeats)")
            return nil
        }
        clock.lap("parse, validate, COPY into the register")
        var summary = try await finish(RegisterImportSQL.finishDirect(importID: importID, rows: staged.rows, district: validator.district),
                                       importID: importID, rows: staged.rows, on: connection, clock: &clock)
        summary.walletProviders = staged.walletProviders
        return summary
    }

    /// Any register: rows are staged, checked for repeats and other districts' ids, classified
    /// against what the register holds, and merged.
    static func importStaged(file: RegisterFile, hashed: RegisterFile.Digest, district: String, importID: Int64, validator: RegisterRowValidator,
                             on connection: PostgresConnection, clock: inout StepClock,
                             progress: @escaping @Sendable (Int) -> Void) async throws -> Summary {
        try await connection.execute(RegisterImportSQL.createStaging, logger: Database.quiet)
        let staged = try await stage(file: file, hashed: hashed, validator: validator, table: "import_rows",
                                   columns: ["line"] + RegisterImportSQL.textColumns, on: connection, progress: progress) {
            $0.appendCopyLine(to: &$1)
        }
        clock.lap("parse, validate, COPY into staging")
        try await checkDuplicates(on: connection)
        try await checkOtherDistricts(district, on: connection)
        clock.lap("duplicate and district checks")
        let allNew = try await !(connection.first(Bool.self, RegisterImportSQL.anyKnown) ?? true)
        if allNew {
            try await connection.execute(RegisterImportSQL.insertNew(importID: importID, allNew: true), logger: Database.quiet)
            clock.lap("insert new")
        } else {
            try await connection.execute(RegisterImportSQL.classify(district: district), logger: Database.quiet)
            clock.lap("classify")
            try await connection.execute(RunSnapshotSQL.keepCopies(district: district), logger: Database.quiet)
            try await connection.execute(RegisterImportSQL.insertNew(importID: importID, allNew: false), logger: Database.quiet)
            clock.lap("insert new")
            try await connection.execute(RegisterImportSQL.materializeFirstVersions, logger: Database.quiet)
            try await connection.execute(RegisterImportSQL.updateChanged(importID: importID), logger: Database.quiet)
            clock.lap("update changed")
            try await connection.execute(RegisterImportSQL.insertVersions(importID: importID), logger: Database.quiet)
            clock.lap("insert versions")
        }
        let counts = allNew ? RegisterImportSQL.finishAllNew(importID: importID, rows: staged.rows)
            : RegisterImportSQL.finishImport(importID: importID, rows: staged.rows)
        var summary = try await finish(counts, importID: importID, rows: staged.rows, on: connection, clock: &clock)
        summary.walletProviders = staged.walletProviders
        return summary
    }

    static func finish(_ query: PostgresQuery, importID: Int64, rows: Int, on connection: PostgresConnection,
                       clock: inout StepClock) async throws -> Summary {
        let counts = try await connection.send(query, logger: Database.quiet)
        for try await (new, changed, unchanged, left) in counts.decode((Int32, Int32, Int32, Int32).self) {
            clock.lap("count")
            // Every record read must have been written: a record lost between the parser and the
            // register would be a person left unpaid without a word.
            let written = Int(new) + Int(changed) + Int(unchanged)
            guard written == rows else {
                throw ImportFailure(ImportProblem(line: 0, "\(rows) records were read but \(written) were written; nothing was imported (this is a bug in Chitra: please report it with the file)."))
            }
            return Summary(importID: importID, rows: rows, new: Int(new), changed: Int(changed),
                           unchanged: Int(unchanged), left: Int(left), alreadyImported: false, timings: clock.laps)
        }
        throw StoreError.query(sqlState: nil, message: "the import was not recorded", context: "import")
    }

    /// What staging read: the rows, and the wallet providers it read by name.
    struct Staged {
        var rows = 0
        var walletProviders = WalletProviderReadings()
    }

    /// Parses and validates the file, streaming valid rows, as `encode` writes them, into `table`
    /// by COPY. Throws `ImportFailure` with every problem (the first hundred shown) if any row is bad.
    static func stage(file: RegisterFile, hashed: RegisterFile.Digest, validator: RegisterRowValidator, table: String,
                      columns: [String], on connection: PostgresConnection, progress: @escaping @Sendable (Int) -> Void,
                      encode: (RegisterRow, inout [UInt8]) -> Void) async throws -> Staged {
        var staged = Staged()
        // PostgresNIO never answers COPY, nor COPY data, sent on a closed connection (ClosedConnectionGuard).
        guard !connection.isClosed else { throw StoreError.connectionClosed }
        try await connection.copyFrom(table: table, columns: columns, logger: Database.quiet) { writer in
            var parser = CSVParser()
            var header: RegisterHeader?
            var problems: [ImportProblem] = []
            var problemCount = 0
            var rows = 0
            var buffer: [UInt8] = []
            var walletProviders = WalletProviderReadings()
            buffer.reserveCapacity(chunkBytes + 64 * 1024)
            func handle(_ record: CSVParser.Record) throws {
                guard let known = header else {
                    header = try RegisterHeader(record)
                    return
                }
                rows += 1
                if rows % progressEvery == 0 { progress(rows) }
                switch known.row(record) {
                case .failure(let problem):
                    problemCount += 1
                    if problems.count < ImportFailure.shownLimit { problems.append(problem) }
                case .success(let row):
                    let found = validator.problems(in: row)
                    if !found.isEmpty {
                        problemCount += found.count
                        problems.append(contentsOf: found.prefix(ImportFailure.shownLimit - min(problems.count, ImportFailure.shownLimit)))
                    } else if problemCount == 0 {
                        let registered = validator.asRegistered(row)
                        if !row[.walletProvider].isEmpty { walletProviders.read(row[.walletProvider], as: registered[.walletProvider]) }
                        encode(registered, &buffer)
                    }
                }
            }
            do {
                let reader = try file.open(again: true)
                while let chunk = try reader.next() {
                    try chunk.withUnsafeBufferPointer { try parser.feed($0, emit: handle) }
                    if buffer.count >= chunkBytes {
                        guard !connection.isClosed else { throw StoreError.connectionClosed }
                        try await writer.write(ByteBuffer(bytes: buffer))
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
                try file.requireUnchanged(first: hashed, again: try reader.digest())
                try parser.finish(emit: handle)
            } catch let failure as CSVParser.Failure {
                throw ImportFailure(problems: problems + [problem(failure)], total: problemCount + 1)
            }
            guard header != nil else { throw ImportFailure(ImportProblem(line: 1, "the file is empty.")) }
            guard rows > 0 else { throw ImportFailure(ImportProblem(line: 2, "the file has a header but no rows.")) }
            guard problemCount == 0 else { throw ImportFailure(problems: problems, total: problemCount) }
            if !buffer.isEmpty {
                guard !connection.isClosed else { throw StoreError.connectionClosed }
                try await writer.write(ByteBuffer(bytes: buffer))
            }
            staged = Staged(rows: rows, walletProviders: walletProviders)
        }
        progress(staged.rows)
        return staged
    }

    /// Lap times of the steps of one import.
    struct StepClock {
        private let clock = ContinuousClock()
        private var last = ContinuousClock.now
        var laps: [(step: String, seconds: Double)] = []

        mutating func lap(_ step: String) {
            let now = clock.now
            let (seconds, attoseconds) = (now - last).components
            laps.append((step, Double(seconds) + Double(attoseconds) / 1e18))
            last = now
        }
    }

    static func problem(_ failure: CSVParser.Failure) -> ImportProblem {
        switch failure {
        case .strayQuote(let line):
            ImportProblem(line: line, "a quote (\") is out of place; quote a whole field and double quotes inside it.",
                          vietnamese: "dấu nháy (\") đặt sai chỗ; đặt cả trường trong nháy và gấp đôi nháy bên trong.")
        case .unterminatedQuote(let line):
            ImportProblem(line: line, "a quoted field opened here is never closed.", vietnamese: "trường mở nháy ở đây không bao giờ đóng.")
        case .fieldTooLong(let line):
            ImportProblem(line: line, "a field is longer than \(CSVParser.maximumFieldBytes / 1024) KB; this is not a register file.",
                          vietnamese: "một trường dài hơn \(CSVParser.maximumFieldBytes / 1024) KB; đây không phải tệp danh sách.")
        }
    }
}
