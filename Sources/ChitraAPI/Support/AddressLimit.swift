import Hummingbird

/// The limit before anyone is authenticated: requests per address, for every route of the API and
/// the console (a flood of junk tokens is refused here, before it costs a database lookup); and a
/// stricter one for the console's login form, where tokens are guessed.
struct AddressLimit: RouterMiddleware {
    typealias Context = APIRequestContext

    let requests: RateLimiter
    let logins: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/api/") || path.hasPrefix("/console") else { return try await next(request, context) }
        guard requests.admit(context.addressKey) else {
            return try APIError(.tooManyRequests, "Too many requests from this address; slow down.").response(from: request, context: context)
        }
        if request.method == .post, path == "/console/login", !logins.admit(context.addressKey) {
            return try APIError(.tooManyRequests, "Too many logins from this address; wait a minute and try again.")
                .response(from: request, context: context)
        }
        return try await next(request, context)
    }
}
