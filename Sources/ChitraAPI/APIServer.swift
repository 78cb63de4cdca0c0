import ChitraCore
import ChitraStore
import Foundation
import Hummingbird
import Logging
import Metrics

/// `chitra serve`: the JSON API under `/api/v1` (documented in `Resources/openapi.json`, served at
/// `/api/v1/openapi.json`). Every request names its caller by bearer token and runs in the caller's
/// scope; districts are tenants.
public struct APIServer: Sendable {
    /// The application's pool; each request uses it scoped to its caller.
    public let database: Database
    /// A standby's pool, for the reads that may lag (`Reads`); nil: every read from `database`.
    let standby: StandbyPool?
    /// Requests per token, after authentication (keyed by the token's id: bounded by the tokens that exist).
    public let limiter: RateLimiter
    /// Requests per address before authentication, and console logins per address.
    public let addressLimiter: RateLimiter
    public let loginLimiter: RateLimiter
    /// Tokens verified in the last few seconds (`TokenCache.lifetime`).
    let tokens: TokenCache
    let logger: Logger
    /// The web console's templates; nil: no console.
    let console: ConsoleTemplates?
    /// Whether the console's cookies carry `Secure` (off only for plain HTTP on a loopback address).
    let secureCookies: Bool

    /// The largest JSON body.
    public static let maximumBody = 64 * 1024
    /// The files each caller is sending.
    let uploads = UploadSlots()

    /// `elapsed`: the limiters' time (the continuous clock unless a test gives its own).
    /// `standby`: a pool on a standby for reports, lists and status (`Reads`).
    public init(database: Database, standby: Database? = nil, requestsPerSecond: Double = 50, burst: Int = 200, console: ConsoleTemplates? = nil,
                secureCookies: Bool = true, elapsed: (@Sendable () -> Duration)? = nil, logger: Logger) {
        self.database = database
        self.standby = standby.map(StandbyPool.init)
        self.console = console
        self.secureCookies = secureCookies
        let elapsed = elapsed ?? RateLimiter.continuousClock()
        self.limiter = RateLimiter(perSecond: requestsPerSecond, burst: burst, elapsed: elapsed)
        // An office behind one address holds several officials: four tokens' worth.
        self.addressLimiter = RateLimiter(perSecond: requestsPerSecond * 4, burst: burst * 4, elapsed: elapsed)
        // Ten logins, then one every six seconds.
        self.loginLimiter = RateLimiter(perSecond: 1.0 / 6, burst: 10, elapsed: elapsed)
        self.tokens = TokenCache(elapsed: elapsed)
        self.logger = logger
    }

    /// Every route of the API.
    public func router() -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: AddressLimit(requests: addressLimiter, logins: loginLimiter))
        let api = router.group("api/v1")
        api.get("openapi.json") { _, _ in try OpenAPIDocument.response() }
        DistrictRoutes(server: self).add(to: api)
        UnitRoutes(server: self).add(to: api)
        UnitMoveRoutes(server: self).add(to: api)
        UnitLoadRoutes(server: self).add(to: api)
        RunRoutes(server: self).add(to: api)
        DisbursementRoutes(server: self).add(to: api)
        ImportRoutes(server: self).add(to: api)
        CashRoutes(server: self).add(to: api)
        StatementRoutes(server: self).add(to: api)
        AuditRoutes(server: self).add(to: api)
        TokenRoutes(server: self).add(to: api)
        JobRoutes(server: self).add(to: api)
        ReportRoutes(server: self).add(to: api)
        if let console {
            Console(server: self, templates: console, sessions: ConsoleSessions(), secureCookies: secureCookies).add(to: router)
        }
        return router
    }

    /// Serves on `host:port` until the service group shuts down (SIGTERM: running requests finish).
    public func application(host: String, port: Int, onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "chitra"),
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    /// Runs `body` and turns whatever it throws into the API's answer (`APIError.from`); the
    /// unexpected ones are logged, without the request's personal data.
    /// With `reads: .standby`, the caller's reads come from the standby, if there is one, and the
    /// answer says how far behind it is.
    func respond(_ route: String, reads: Reads = .primary, _ body: () async throws -> Response) async throws -> Response {
        let standby = reads == .standby ? self.standby : nil
        do {
            let response: Response
            if let standby {
                response = await standby.marked(try await Reads.$current.withValue(.standby) { try await body() })
            } else {
                response = try await body()
            }
            Counter(label: "chitra_api_requests_total", dimensions: [("route", route), ("status", "\(response.status.code)")]).increment()
            return response
        } catch {
            var answer = APIError.from(error)
            if let standby { answer.standbyLag = await standby.lagText() }
            Counter(label: "chitra_api_requests_total", dimensions: [("route", route), ("status", "\(answer.status.code)")]).increment()
            if answer.status == .internalServerError {
                logger.error("request failed", metadata: ["chitra.route": "\(route)", "error": "\(error)"])
            }
            throw answer
        }
    }
}
