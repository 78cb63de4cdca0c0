import ChitraAPI
import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The limits in front of the API and the console: a bucket per verified token, per
/// address before authentication, and per address for console logins; every table bounded.
@Suite("Rate limits", .machine(limit: .minutes(3)))
struct RateLimitTests {
    @Test("100,000 distinct keys keep the table at its bound; a key past its burst waits for the refill, with the clock moved, not slept")
    func boundedTable() {
        let clock = ManualClock()
        let limiter = RateLimiter(perSecond: 2, burst: 3, maximumKeys: 1_000, elapsed: { clock.now.offset })
        for index in 0..<100_000 {
            _ = limiter.admit("junk-\(index)")
            clock.advance(by: .milliseconds(1))
        }
        #expect(limiter.count <= 1_000)
        #expect((0..<3).allSatisfy { _ in limiter.admit("a") } && !limiter.admit("a"))
        clock.advance(by: .milliseconds(400))
        #expect(!limiter.admit("a"))
        clock.advance(by: .milliseconds(100))
        #expect(limiter.admit("a"))
    }

    static func withServer(requestsPerSecond: Double, burst: Int,
                           _ body: @Sendable (APIServer, any TestClientProtocol, DatabaseURL) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { database in
            try await Database.withRunning(try await TestPostgres.apiURL(of: database.url), maximumConnections: 4, logger: TestPostgres.logger) { pool in
                // The limiters' clock stands still: no bucket refills however slowly the machine answers.
                let clock = ManualClock()
                let server = APIServer(database: pool, requestsPerSecond: requestsPerSecond, burst: burst,
                                       console: try await ConsoleTemplates.load(), elapsed: { clock.now.offset }, logger: TestPostgres.logger)
                try await Application(router: server.router()).test(.router) { client in try await body(server, client, database.url) }
            }
        }
    }

    static func get(_ client: some TestClientProtocol, token: String) async throws -> Int {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        return try await client.execute(uri: "/api/v1/districts", method: .get, headers: headers) { Int($0.status.code) }
    }

    @Test("junk tokens, 60 KB each, get no bucket: the token table stays empty; a token with a trailing U+2028 or U+0085 shares its bucket")
    func junkTokensGetNoBucket() async throws {
        try await Self.withServer(requestsPerSecond: 1, burst: 5) { server, client, url in
            let junk = String(repeating: "x", count: 60_000)
            for index in 0..<10 {
                #expect(try await Self.get(client, token: "chitra_\(index)\(junk)") == 401)
            }
            #expect(server.limiter.count == 0)
            let token = try await TestTokens.shared.token(for: .operatorAn, url: url)
            var statuses: [Int] = []
            for suffix in ["", "\u{2028}", "\u{85}", " ", "\u{2028}", "\u{85}"] {
                statuses.append(try await Self.get(client, token: token + suffix))
            }
            #expect(statuses == [200, 200, 200, 200, 200, 429], "\(statuses)")
            #expect(server.limiter.count == 1)
        }
    }

    @Test("one address past its allowance is refused before authentication; console logins are limited per address")
    func perAddress() async throws {
        try await Self.withServer(requestsPerSecond: 1, burst: 3) { server, client, _ in
            // Four tokens' worth of burst from one address: 12 requests, then 429 without a database lookup.
            var statuses: [Int] = []
            for index in 0..<13 { statuses.append(try await Self.get(client, token: "chitra_wrong\(index)")) }
            #expect(statuses.prefix(12).allSatisfy { $0 == 401 } && statuses.last == 429, "\(statuses)")
            #expect(server.addressLimiter.count == 1)
        }
        try await Self.withServer(requestsPerSecond: 1_000, burst: 1_000) { _, client, _ in
            var statuses: [Int] = []
            for index in 0..<11 {
                var headers = HTTPFields()
                headers[.contentType] = "application/x-www-form-urlencoded"
                statuses.append(try await client.execute(uri: "/console/login", method: .post, headers: headers,
                                                         body: ByteBuffer(string: "csrf=x&token=chitra_guess\(index)")) { Int($0.status.code) })
            }
            // Ten tries (sent back to the form: no login cookie), then 429.
            #expect(statuses.prefix(10).allSatisfy { $0 != 429 } && statuses.last == 429, "\(statuses)")
        }
    }
}

extension RateLimitTests {
    @Test("a caller sends at most two files at once; a confirmation file over 32 MiB is refused with 413 before it is read")
    func uploads() async throws {
        let slots = UploadSlots()
        #expect(slots.take("token 1") && slots.take("token 1") && !slots.take("token 1") && slots.take("token 2"))
        slots.give("token 1")
        #expect(slots.take("token 1"))
        try await Self.withServer(requestsPerSecond: 1_000, burst: 1_000) { _, client, url in
            let token = try await TestTokens.shared.token(for: .financeBinh, url: url)
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(token)"
            let line = "E2E,B1,100000,paid,2026-06-10,Nguyễn Văn A\n"
            let big = ByteBuffer(string: String(repeating: line, count: (33 << 20) / line.utf8.count))
            let (status, text) = try await client.execute(uri: "/api/v1/cash/confirmations", method: .post, headers: headers, body: big) {
                (Int($0.status.code), String(buffer: $0.body))
            }
            #expect(status == 413 && text.contains("larger than 32 MiB"), "\(status) \(text)")
        }
    }
}
