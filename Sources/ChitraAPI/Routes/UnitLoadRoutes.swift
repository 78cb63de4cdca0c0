import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// Official unit lists loaded into the catalogue (an admin's work, `chitra units load DIR`), and the
/// record of every load. The lists come in the request, as their files' texts: the server reads no
/// folder of its own.
public struct UnitLoadRoutes: Sendable {
    let server: APIServer

    /// The six lists of a folder, by file name, with their texts exactly as on disk.
    public struct Upload: Codable, Sendable {
        public var files: [String: String]
        /// Print what would change and change nothing (any token may ask).
        public var dryRun: Bool?

        public init(files: [String: String], dryRun: Bool) {
            self.files = files
            self.dryRun = dryRun
        }

        enum CodingKeys: String, CodingKey { case files, dryRun = "dry_run" }
        static let fields: Set<String> = ["files", "dry_run"]
    }

    /// What the lists hold, what loading them changes (or would), and the load's number.
    public struct Report: Codable, Sendable {
        public var reform: String
        public var units: Int
        public var edges: Int
        /// File name → SHA-256 (hex), as recorded with the load.
        public var sha256: [String: String]
        /// Mistakes of the official lists corrected while reading them.
        public var corrected: [String]
        /// The changes, as the command line prints them.
        public var changes: [String]
        /// The load made, if anything changed (never on a dry run).
        public var loadID: Int64?

        enum CodingKeys: String, CodingKey {
            case reform, units, edges, sha256, corrected, changes, loadID = "load_id"
        }
    }

    /// One past load.
    public struct Load: Codable, Sendable {
        public var id: Int64
        public var loadedAt: String
        public var loadedBy: String
        public var reform: String
        public var sha256: [String: String]
        /// Units added, changed, removed; lineage edges added, changed, removed.
        public var counts: [Int32]

        init(_ load: UnitCatalogueStore.Load) {
            id = load.id
            loadedAt = load.loadedAt
            loadedBy = load.loadedBy
            reform = load.reform
            sha256 = (try? JSONDecoder().decode([String: String].self, from: Data(load.filesJSON.utf8))) ?? [:]
            counts = load.counts
        }

        enum CodingKeys: String, CodingKey {
            case id, loadedAt = "loaded_at", loadedBy = "loaded_by", reform, sha256, counts
        }
    }

    /// The official lists are a few megabytes (3,321 communes, 10,033 former ones, 10,571 edges).
    static let maximumBody = 64 * 1024 * 1024

    func add(to api: RouterGroup<APIRequestContext>) {
        api.post("units/loads") { request, _ in
            try await server.respond("POST /units/loads") {
                // Who asks, before megabytes are read; whether they may load, once the body says what they ask.
                let reader = try await Caller.authorize(request, .read, server: server)
                // Read whole (it is parsed whole): counted among the caller's files being sent.
                guard server.uploads.take(reader.identity.limiterKey) else {
                    throw APIError(.tooManyRequests, "You are already sending \(UploadSlots.perCaller) files; wait for one to finish.")
                }
                defer { server.uploads.give(reader.identity.limiterKey) }
                let upload = try await StrictJSON.decode(Upload.self, from: request, fields: Upload.fields, limit: Self.maximumBody)
                let dryRun = upload.dryRun ?? false
                let caller = dryRun ? reader : try await Caller.authorize(request, .loadUnits, server: server)
                let files: UnitCatalogueFiles
                do {
                    files = try UnitCatalogueFiles.make(contents: upload.files.mapValues { Data($0.utf8) }, source: "the lists sent")
                } catch let error as UnitCatalogueError {
                    throw APIError(.unprocessableContent, String(describing: error))
                }
                let diff = try await UnitCatalogueStore.preview(files, database: caller.database)
                var loadID: Int64?
                if !dryRun, !diff.isEmpty {
                    loadID = try await UnitCatalogueStore.load(files, by: caller.identity, database: caller.database).loadID
                }
                let catalogue = files.catalogue
                return try JSONResponse.encode(Report(reform: catalogue.reform.description, units: catalogue.units.count,
                                                      edges: catalogue.lineage.count, sha256: files.sha256,
                                                      corrected: catalogue.warnings.map { String(describing: $0) }, changes: diff.lines(),
                                                      loadID: loadID))
            }
        }
        api.get("units/loads") { request, _ in
            try await server.respond("GET /units/loads") {
                let caller = try await Caller.authorize(request, .read, server: server)
                return try JSONResponse.encode(try await UnitCatalogueStore.loads(database: caller.database).map(Load.init))
            }
        }
    }
}
