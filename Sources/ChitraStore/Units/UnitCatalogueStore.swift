import ChitraCore
import Foundation
import PostgresNIO

/// The unit catalogue in the database: loading official lists (by migration or `chitra units
/// load`: the diff first, then the change, one transaction, recorded with the files' SHA-256),
/// and reading units and their lineage.
public enum UnitCatalogueStore {
    /// A load's result: what changed, and the load's record (nil when nothing changed).
    public struct LoadOutcome: Sendable {
        public var diff: UnitCatalogueDiff
        public var loadID: Int64?
    }

    /// What loading `files` would change, without changing anything.
    public static func preview(_ files: UnitCatalogueFiles, database: Database) async throws -> UnitCatalogueDiff {
        try await database.transaction("compare the unit lists with the catalogue") { connection in
            UnitCatalogueDiff(held: try await held(on: connection), loading: files.catalogue)
        }
    }

    /// Loads `files` by an administrator: the change, its load record and its audit entry in one
    /// transaction (the database's scope must be global).
    public static func load(_ files: UnitCatalogueFiles, by identity: Identity, database: Database) async throws -> LoadOutcome {
        try await database.transaction("load the unit lists of \(files.folder)") { connection in
            let outcome = try await load(files, by: identity.name, on: connection)
            // The payout units follow the catalogue: a new list's communes become tenants.
            if outcome.loadID != nil { try await connection.execute("SELECT chitra_sync_payout_units()", logger: Database.quiet) }
            if let loadID = outcome.loadID {
                var after: [String: AuditValue] = ["reform": .text(files.catalogue.reform.description)]
                for (name, count) in outcome.diff.counts { after[name] = .number(Int64(count)) }
                try await AuditLog.append(AuditEntry(by: identity, .loadUnits, district: nil, subject: "unit catalogue load \(loadID)",
                                                     after: after), on: connection)
            }
            return outcome
        }
    }

    /// Loads `files` in the caller's open transaction; changes nothing when the catalogue already
    /// holds them.
    @discardableResult
    static func load(_ files: UnitCatalogueFiles, by actor: String, on connection: PostgresConnection) async throws -> LoadOutcome {
        let diff = UnitCatalogueDiff(held: try await held(on: connection), loading: files.catalogue)
        guard !diff.isEmpty else { return LoadOutcome(diff: diff, loadID: nil) }
        // Removals first: a corrected list may give a removed unit's code and validity to another.
        let (units, edges) = (diff.units, diff.edges)
        if !edges.removed.isEmpty { try await connection.execute(UnitCatalogueSQL.deleteEdges(edges.removed), logger: Database.quiet) }
        if !units.removed.isEmpty { try await connection.execute(UnitCatalogueSQL.deleteUnits(units.removed), logger: Database.quiet) }
        if !units.written.isEmpty { try await connection.execute(UnitCatalogueSQL.upsertUnits(units.written), logger: Database.quiet) }
        if !edges.written.isEmpty { try await connection.execute(UnitCatalogueSQL.upsertEdges(edges.written), logger: Database.quiet) }
        let json = String(decoding: try JSONEncoder.sorted.encode(files.sha256), as: UTF8.self)
        var loadID: Int64?
        for try await id in try await connection.send(
            UnitCatalogueSQL.recordLoad(by: actor, reform: files.catalogue.reform, filesJSON: json, diff: diff),
            logger: Database.quiet).decode(Int64.self) { loadID = id }
        return LoadOutcome(diff: diff, loadID: loadID)
    }

    /// Everything the catalogue holds.
    static func held(on connection: PostgresConnection) async throws -> UnitCatalogue.Contents {
        var units: [AdministrativeUnit] = []
        for try await row in try await connection.send(UnitCatalogueSQL.allUnits, logger: Database.quiet)
            .decode((String, String, String, String, String, String, String, String, String).self) {
            units.append(try unit(row))
        }
        var edges: [LineageEdge] = []
        for try await row in try await connection.send(UnitCatalogueSQL.allEdges, logger: Database.quiet)
            .decode((String, String, String, String, String, String, String, String).self) {
            edges.append(try edge(row))
        }
        return UnitCatalogue.Contents(units: units, lineage: edges)
    }

    /// An edge from the columns of `UnitCatalogueSQL.edgeColumns`.
    static func edge(_ row: (String, String, String, String, String, String, String, String)) throws -> LineageEdge {
        let (effective, oldProvince, oldDistrict, oldCommune, newProvince, newCommune, kind, note) = row
        guard let day = Day(effective), let kind = LineageKind(rawValue: kind) else {
            throw StoreError.query(sqlState: nil, message: "a lineage edge holds an unknown day or kind", context: "read the unit catalogue")
        }
        return LineageEdge(effective: day, oldProvinceCode: oldProvince, oldDistrictCode: oldDistrict.isEmpty ? nil : oldDistrict,
                           oldCommuneCode: oldCommune.isEmpty ? nil : oldCommune, newProvinceCode: newProvince,
                           newCommuneCode: newCommune, kind: kind, note: note)
    }

    static func unit(_ row: (String, String, String, String, String, String, String, String, String)) throws -> AdministrativeUnit {
        let (level, code, from, to, name, type, withType, district, province) = row
        guard let level = UnitLevel(rawValue: level) else {
            throw StoreError.query(sqlState: nil, message: "unit \(code) has an unknown level \(level)", context: "read the unit catalogue")
        }
        return AdministrativeUnit(level: level, code: code, name: name, type: type, nameWithType: withType,
                                  districtCode: district.isEmpty ? nil : district, provinceCode: province, validFrom: Day(from),
                                  validTo: Day(to))
    }
}

extension JSONEncoder {
    /// Keys sorted: the same files always encode to the same text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
