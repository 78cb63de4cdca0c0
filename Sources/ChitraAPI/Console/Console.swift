import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// The web console under `/console`: server-rendered pages (Mustache), usable without JavaScript,
/// Vietnamese by default. People log in with their token; a session cookie (HttpOnly,
/// SameSite=Strict, Secure behind HTTPS) names it from then on, every form carries the session's
/// CSRF token, and every page reads the database in the caller's scope, as the API does.
struct Console: Sendable {
    let server: APIServer
    let templates: ConsoleTemplates
    let sessions: ConsoleSessions
    /// Whether cookies carry `Secure`; off only for plain HTTP on a loopback address.
    let secureCookies: Bool

    static let sessionCookie = "chitra_session"
    static let loginCookie = "chitra_login"
    static let languageCookie = "chitra_lang"

    /// Who is asking, through their session.
    struct Caller {
        var identity: Identity
        var database: Database
        var sessionID: String
        var csrf: String
        var language: ConsoleLanguage
    }

    func language(_ request: Request) -> ConsoleLanguage {
        request.cookies[Self.languageCookie].flatMap { ConsoleLanguage(rawValue: $0.value) } ?? .vi
    }

    func cookie(_ name: String, _ value: String, path: String = "/console", maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: path, secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// The session's caller, its token authenticated anew (a revoked or expired token ends the session); nil: not logged in.
    func caller(_ request: Request) async throws -> Caller? {
        guard let id = request.cookies[Self.sessionCookie]?.value, let session = sessions.session(id) else { return nil }
        let identity: Identity
        do {
            identity = try await server.tokens.identity(session.token, database: server.database)
        } catch is AccessError {
            sessions.close(id)
            return nil
        }
        guard server.limiter.admit(identity.limiterKey) else {
            throw ConsoleProblem.tooManyRequests(perSecond: Int(server.limiter.perSecond))
        }
        return Caller(identity: identity, database: server.database.scoped(identity.scope), sessionID: id, csrf: session.csrf,
                      language: language(request))
    }

    /// The context every page has: words, the person, the CSRF token, the month, what the last action said.
    func context(_ caller: Caller?, language: ConsoleLanguage, title: String, request: Request, period: Period? = nil) -> [String: Any] {
        var context: [String: Any] = [
            "t": language.texts, "lang": language.rawValue, "otherLanguage": language.other.rawValue, "title": title,
            "here": ConsoleURL.encode(request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")),
            "period": (period ?? VietnamTime.today().period).description,
        ]
        if let caller {
            context["user"] = ["name": caller.identity.name, "role": language.text("role." + caller.identity.role.rawValue),
                               "districts": caller.identity.districts.joined(separator: ", "),
                               "canMove": Access.decide(caller.identity, .moveRegister, districts: []) == .allowed,
                               "canReadAudit": ConsoleAuditPage.mayRead(caller.identity),
                               "canReadStatements": ConsoleStatementPages.mayRead(caller.identity)]
            context["csrf"] = caller.csrf
            if let flash = sessions.takeFlash(caller.sessionID) {
                // A sentence, and the lines it is about (a file's problems), one a line.
                let lines = flash.text.split(separator: "\n").map(String.init)
                context[flash.isProblem ? "problem" : "notice"] = lines.first ?? flash.text
                if lines.count > 1 { context["flashLines"] = ["lines": Array(lines.dropFirst())] }
            }
        }
        return context
    }

    /// A page for a logged-in caller; not logged in: the login page; a failure: the error page with its sentence.
    func page(_ request: Request, _ route: String, _ body: (Caller) async throws -> Response) async throws -> Response {
        var known: Caller?
        do {
            guard let caller = try await caller(request) else { return ConsoleResponse.redirect("/console/login?ended=1") }
            known = caller
            return try await body(caller)
        } catch {
            return try failure(error, route: route, request: request, caller: known)
        }
    }

    /// The error page; with the menu when the person is known, so that a wrong month is not a dead end.
    func failure(_ error: any Error, route: String, request: Request, caller: Caller?) throws -> Response {
        let language = caller?.language ?? language(request)
        let (status, sentence) = said(error, route: route, language: language)
        var context = context(caller, language: language, title: "Chitra", request: request)
        context["problem"] = sentence
        return ConsoleResponse.html(try templates.render("error", context), status: status)
    }

    /// An error as the console says it, in the page's language where it has the words (logged when
    /// it is Chitra's own fault).
    func said(_ error: any Error, route: String, language: ConsoleLanguage) -> (status: HTTPResponse.Status, sentence: String) {
        let answer = APIError.from(error)
        if answer.status == .internalServerError {
            server.logger.error("console request failed", metadata: ["chitra.route": "\(route)", "error": "\(error)"])
        }
        return (answer.status, ConsoleMessages.refusal(error, language) ?? answer.message)
    }

    /// A form's action: the CSRF token checked, `body` done, what it said kept for the next page, and a redirect to `back`.
    func action(_ request: Request, _ route: String, back: (FormBody) -> String,
                _ body: (Caller, FormBody) async throws -> String) async throws -> Response {
        try await submitted(request, route, read: { try await FormBody.read($0) }, csrf: { $0["csrf"] }, back: back, body)
    }

    /// A form sending a file (`multipart/form-data`), as `action`.
    func upload(_ request: Request, _ route: String, back: String, limit: Int,
                _ body: (Caller, MultipartForm) async throws -> String) async throws -> Response {
        try await submitted(request, route, read: { try await MultipartForm.read($0, limit: limit) }, csrf: { $0["csrf"] },
                            back: { _ in back }, body)
    }

    private func submitted<Form>(_ request: Request, _ route: String, read: (Request) async throws -> Form, csrf: (Form) -> String?,
                                 back: (Form) -> String, _ body: (Caller, Form) async throws -> String) async throws -> Response {
        var known: Caller?
        do {
            guard let caller = try await caller(request) else { return ConsoleResponse.redirect("/console/login?ended=1") }
            known = caller
            let form = try await read(request)
            guard let token = csrf(form), ConsoleSessions.same(token, caller.csrf) else {
                throw ConsoleProblem.formExpired
            }
            do {
                sessions.flash(caller.sessionID, try await body(caller, form), isProblem: false)
            } catch {
                sessions.flash(caller.sessionID, said(error, route: route, language: caller.language).sentence, isProblem: true)
            }
            return ConsoleResponse.redirect(back(form))
        } catch {
            return try failure(error, route: route, request: request, caller: known)
        }
    }

    func render(_ template: String, _ context: [String: Any]) throws -> Response {
        ConsoleResponse.html(try templates.render(template, context))
    }

    /// The month asked (07/2026, 7/2026 or 2026-07; none: this month).
    static func period(_ request: Request, language: ConsoleLanguage) throws -> Period {
        guard let text = request.uri.queryParameters.get("period"), !text.isEmpty else { return VietnamTime.today().period }
        return try period(text, language: language)
    }

    static func period(_ text: String, language: ConsoleLanguage) throws -> Period {
        guard let period = ConsoleMessages.period(text) else { throw APIError.badRequest(ConsoleMessages.badMonth(language)) }
        return period
    }

    static func query(_ request: Request) -> [String: String] {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        return query
    }

    func add(to router: Router<APIRequestContext>) {
        let console = router.group("console")
        router.get("console") { _, _ in ConsoleResponse.redirect("/console/home") }
        ConsoleLogin(console: self).add(to: console)
        ConsoleHomePage(console: self).add(to: console)
        ConsoleRunPages(console: self).add(to: console)
        ConsoleConfirmPages(console: self).add(to: console)
        ConsoleCashPages(console: self).add(to: console)
        ConsoleLookupPages(console: self).add(to: console)
        ConsoleMovePages(console: self).add(to: console)
        ConsoleAuditPage(console: self).add(to: console)
        ConsoleStatementPages(console: self).add(to: console)
    }
}
