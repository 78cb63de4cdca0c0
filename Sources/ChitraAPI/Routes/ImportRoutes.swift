import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// Register uploads: the body is the district's CSV file, imported whole or not at all.
struct ImportRoutes: Sendable {
    let server: APIServer

    struct Imported: Encodable {
        var importID: Int64
        var rows: Int
        var new: Int
        var changed: Int
        var unchanged: Int
        var left: Int
        var alreadyImported: Bool
        var message: String
        enum CodingKeys: String, CodingKey {
            case importID = "import_id", rows, new, changed, unchanged, left, alreadyImported = "already_imported", message
        }
    }

    func add(to api: RouterGroup<APIRequestContext>) {
        api.post("imports") { request, _ in
            try await server.respond("POST /imports") {
                guard let district = try QueryParameters(request: request).district() else {
                    throw APIError.badRequest("Name the register's district: POST /api/v1/imports?district=954.")
                }
                let caller = try await Caller.authorize(request, .importRegister, districts: [district], server: server)
                let summary = try await Upload.withFile(of: request, limit: Upload.maximumRegister, caller: caller.identity,
                                                        slots: server.uploads) { path in
                    try await RegisterImporter(database: caller.database, policy: try PolicyTable.bundled())
                        .importFile(at: path, district: district, by: caller.identity)
                }
                return try JSONResponse.encode(Imported(importID: summary.importID, rows: summary.rows, new: summary.new, changed: summary.changed,
                                                        unchanged: summary.unchanged, left: summary.left,
                                                        alreadyImported: summary.alreadyImported, message: summary.description),
                                               status: summary.alreadyImported ? .ok : .created)
            }
        }
    }
}
