import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// Register uploads: the body is the district's CSV file, imported whole or not at all.
public struct ImportRoutes: Sendable {
    let server: APIServer

    public struct Imported: Codable, Sendable {
        public struct Timing: Codable, Sendable {
            public var step: String
            public var seconds: Double
        }
        public var importID: Int64
        public var rows: Int
        public var new: Int
        public var changed: Int
        public var unchanged: Int
        public var left: Int
        public var alreadyImported: Bool
        public var message: String
        /// How long each step of the import took on the server.
        public var timings: [Timing]
        enum CodingKeys: String, CodingKey {
            case importID = "import_id", rows, new, changed, unchanged, left, alreadyImported = "already_imported", message, timings
        }
    }

    func add(to api: RouterGroup<APIRequestContext>) {
        api.post("imports") { request, _ in
            try await server.respond("POST /imports") {
                guard let district = try QueryParameters(request: request).district() else {
                    throw APIError.badRequest("Name the register's district: POST /api/v1/imports?district=954.")
                }
                // The name the sender gave the file (its last part, printable, at most 255 characters), recorded with the import.
                let name = QueryParameters(request: request).text("file").map { text in
                    String(URL(fileURLWithPath: text).lastPathComponent.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }
                        .prefix(255).map(Character.init))
                }.flatMap { $0.isEmpty ? nil : $0 }
                let caller = try await Caller.authorize(request, .importRegister, districts: [district], server: server)
                let summary = try await Upload.withFile(of: request, limit: Upload.maximumRegister, caller: caller.identity,
                                                        slots: server.uploads) { path in
                    try await RegisterImporter(database: caller.database, policy: try PolicyTable.bundled())
                        .importFile(at: path, named: name, district: district, by: caller.identity)
                }
                return try JSONResponse.encode(Imported(importID: summary.importID, rows: summary.rows, new: summary.new, changed: summary.changed,
                                                        unchanged: summary.unchanged, left: summary.left,
                                                        alreadyImported: summary.alreadyImported, message: summary.description,
                                                        timings: summary.timings.map { .init(step: $0.step, seconds: $0.seconds) }),
                                               status: summary.alreadyImported ? .ok : .created)
            }
        }
    }
}
