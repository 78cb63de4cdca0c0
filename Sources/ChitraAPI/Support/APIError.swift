import ChitraCore
import ChitraRails
import ChitraStore
import Foundation
import Hummingbird
import NIOCore

/// An answer other than success: a status and one sentence, as JSON `{"error": "…"}`. Every error a
/// handler meets becomes one (`APIError.from`): bad input 4xx, access 401/403/404, a state that does
/// not allow the action 409; only a fault of Chitra or its database is a 500, without details.
public struct APIError: Error, HTTPResponseError, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var message: String
    /// How far behind the standby that answered was (`Reads`): "not found" may mean "not there yet".
    var standbyLag: String?

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = try JSONEncoder().encode(["error": message])
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"chitra\"" }
        if let standbyLag { headers[Reads.lagHeader] = standbyLag }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: body)))
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }

    /// The answer for anything a handler throws.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as AccessError: return APIError(.init(code: error.httpStatus), error.description)
        case let error as RunApproval.Failure:
            if case .noRun = error { return APIError(.notFound, error.description) }
            return APIError(.conflict, error.description)
        case let error as RunCancellation.Failure:
            if case .noRun = error { return APIError(.notFound, error.description) }
            return APIError(.conflict, error.description)
        case let error as RunResumption.Failure:
            if case .noRun = error { return APIError(.notFound, error.description) }
            return APIError(.conflict, error.description)
        case let error as Tokens.Failure:
            if case .notFound = error { return APIError(.notFound, error.description) }
            if case .alreadyRevoked = error { return APIError(.conflict, error.description) }
            return APIError(.unprocessableContent, error.description)
        case let error as RunPeriodRule.Refusal: return APIError(.unprocessableContent, error.description)
        case let error as PayoutUnits.Refusal: return APIError(.unprocessableContent, error.description)
        case let error as RegisterMove.Failure:
            switch error {
            case .noMove: return APIError(.notFound, error.description)
            case .openRun: return APIError(.conflict, error.description)
            case .assignment(let line, let problem): return APIError(.unprocessableContent, "Assignment \(line): \(problem) Nothing was assigned.")
            default: return APIError(.unprocessableContent, error.description)
            }
        case let error as FinanceRerun.Changed: return APIError(.conflict, error.description)
        case let error as CashClosing.Changed: return APIError(.conflict, error.description)
        case let error as MultipartForm.Malformed: return APIError.badRequest(error.description)
        case let error as ConsoleProblem: return APIError(error.status, error.description)
        case let error as ConsoleCashPages.NoFile: return APIError.badRequest(error.description)
        case let error as FinanceScope.Refusal:
            if case .noRun = error { return APIError(.notFound, error.description) }
            return APIError(.conflict, error.description)
        case let error as ImportFailure: return APIError(.unprocessableContent, error.description)
        case let error as StatementFile.Failure: return APIError(.unprocessableContent, error.description)
        case let error as StatementImport.Failure:
            if case .changed = error { return APIError(.conflict, error.description) }
            return APIError(.unprocessableContent, error.description)
        case let error as StatementBreaks.Failure:
            switch error {
            case .noSuchBreak: return APIError(.notFound, error.description)
            case .alreadyClosed, .notRecallable: return APIError(.conflict, error.description)
            case .noNote: return APIError(.unprocessableContent, error.description)
            }
        case let error as StatementJobs.Failure: return APIError(.unprocessableContent, error.description)
        case let error as RegisterFile.Failure: return APIError(.unprocessableContent, error.description)
        case let error as DistrictSettings.Failure: return APIError(.unprocessableContent, error.description)
        case let error as StoreError:
            switch error {
            case .migrationsMissing: return APIError(.serviceUnavailable, error.description)
            case .jobNotFound: return APIError(.notFound, error.description)
            case .jobNotInState: return APIError(.conflict, error.description)
            case .invalidJob: return APIError(.unprocessableContent, error.description)
            default: break
            }
            if error.isStatementTimeout {
                return APIError(.serviceUnavailable, "The request took too long and was stopped; nothing of it was kept. Try again.")
            }
            return APIError(.internalServerError, "The database could not do this; it is logged for the operators.")
        default:
            return APIError(.internalServerError, "Chitra could not do this; it is logged for the operators.")
        }
    }
}
