import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// Logging in with a token, logging out, and the language.
struct ConsoleLogin: Sendable {
    let console: Console

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("login") { request, _ in
            let csrf = ConsoleSessions.randomValue()
            let language = console.language(request)
            var context = console.context(nil, language: language, title: language.text("loginTitle"), request: request)
            context["csrf"] = csrf
            if request.uri.queryParameters.get("ended") != nil { context["problem"] = language.text("sessionEnded") }
            if request.uri.queryParameters.get("bye") != nil { context["notice"] = language.text("loggedOut") }
            return ConsoleResponse.html(try console.templates.render("login", context),
                                        cookies: [console.cookie(Console.loginCookie, csrf, path: "/console/login", maxAge: 3600)])
        }
        group.post("login") { request, _ in
            let language = console.language(request)
            let form = try await FormBody.read(request)
            // Login CSRF: the form's token must be the one this browser was given with the form.
            guard let sent = form["csrf"], let given = request.cookies[Console.loginCookie]?.value, ConsoleSessions.same(sent, given) else {
                return ConsoleResponse.redirect("/console/login")
            }
            do {
                guard let token = form["token"] else { throw AccessError.noToken }
                _ = try await Tokens.authenticate(token, database: console.server.database)
                let session = console.sessions.open(token: token)
                return ConsoleResponse.redirect("/console/home", cookies: [
                    console.cookie(Console.sessionCookie, session.id, maxAge: Int(console.sessions.lifetime)),
                    console.cookie(Console.loginCookie, "", path: "/console/login", maxAge: 0),
                ])
            } catch {
                let csrf = ConsoleSessions.randomValue()
                var context = console.context(nil, language: language, title: language.text("loginTitle"), request: request)
                context["csrf"] = csrf
                context["problem"] = APIError.from(error).message
                return ConsoleResponse.html(try console.templates.render("login", context), status: .unauthorized,
                                            cookies: [console.cookie(Console.loginCookie, csrf, path: "/console/login", maxAge: 3600)])
            }
        }
        group.post("logout") { request, _ in
            if let id = request.cookies[Console.sessionCookie]?.value, let session = console.sessions.session(id) {
                let form = try await FormBody.read(request)
                guard let sent = form["csrf"], ConsoleSessions.same(sent, session.csrf) else { return ConsoleResponse.redirect("/console/runs") }
                console.sessions.close(id)
            }
            return ConsoleResponse.redirect("/console/login?bye=1", cookies: [console.cookie(Console.sessionCookie, "", maxAge: 0)])
        }
        group.get("language") { request, _ in
            let language = ConsoleLanguage(rawValue: request.uri.queryParameters.get("to") ?? "") ?? .vi
            // Back only to a page of the console, never elsewhere.
            var back = request.uri.queryParameters.get("back").map { String($0) } ?? "/console/runs"
            if !back.hasPrefix("/console") || back.contains("//") || back.contains("\\") { back = "/console/runs" }
            return ConsoleResponse.redirect(back, cookies: [console.cookie(Console.languageCookie, language.rawValue, maxAge: 365 * 86_400)])
        }
    }
}
