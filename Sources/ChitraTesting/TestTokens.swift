import ChitraCore
import ChitraStore
import Foundation

/// Someone calling the CLI or the API in a test, with a real token made by the database's owner.
public struct TestPerson: Sendable, Hashable {
    public var name: String
    public var role: Role
    public var districts: [String]
    public var province: String?

    public init(_ name: String, _ role: Role, districts: [String] = [], province: String? = nil) {
        self.name = name
        self.role = role
        self.districts = districts
        self.province = province
    }

    /// An operator and a finance officer of every Bạc Liêu district and of the Cà Mau communes that
    /// took them over, an admin, and the province of Cà Mau (which reaches both).
    public static let operatorAn = TestPerson("Lê Văn An", .operator, districts: BacLieu.districtCodes + CaMau.communeCodes)
    public static let financeBinh = TestPerson("Trần Thị Bình", .finance, districts: BacLieu.districtCodes + CaMau.communeCodes)
    public static let admin = TestPerson("Quản trị", .admin)
    public static let province = TestPerson("Sở Nội vụ Cà Mau", .province, province: CaMau.provinceCode)
    public static let auditor = TestPerson("Kiểm toán", .auditor)

    var request: TokenRequest {
        TokenRequest(name: name, role: role, districts: districts, province: province, expiresInDays: 1)
    }
}

/// Tokens of test people, made once per database and person.
public actor TestTokens {
    public static let shared = TestTokens()
    private var made: [String: String] = [:]

    /// `person`'s token on the database of `url` (made as the owner the first time).
    public func token(for person: TestPerson, url: DatabaseURL) async throws -> String {
        let key = "\(url.database)|\(person.name)|\(person.role.rawValue)|\(person.districts)|\(person.province ?? "")"
        if let token = made[key] { return token }
        let owner = try await TestPostgres.ownerURL(of: url)
        let token = try await Database.withRunning(owner, maximumConnections: 1, logger: TestPostgres.logger) { database in
            try await Tokens.create(person.request, by: .system("test owner", districts: []), database: database).secret
        }
        made[key] = token
        return token
    }
}
