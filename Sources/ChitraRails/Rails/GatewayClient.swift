import AsyncHTTPClient
import ChitraCore
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The HTTP exchange the rails share: one request, the whole answer back, every way it can fail
/// turned into a `RailFailure` sentence (a timeout and a dropped connection are `transport`: the
/// outcome is unknown, and the caller inquires).
struct GatewayClient: Sendable {
    let http: HTTPClient
    let rail: Rail
    let timeout: TimeAmount
    /// The largest answer read (a 10,000-transaction status report is about a megabyte).
    static let maximumAnswerBytes = 64 << 20

    struct Answer {
        var status: Int
        var body: ByteBuffer
    }

    func exchange(_ method: HTTPMethod, _ url: String, contentType: String? = nil, body: ByteBuffer? = nil) async throws(RailFailure) -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(body) }
        do {
            let response = try await http.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: Self.maximumAnswerBytes)
            return Answer(status: Int(response.status.code), body: bytes)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw .transport(rail: rail, problem: "no answer within \(timeout.nanoseconds / 1_000_000) ms")
        } catch {
            throw .transport(rail: rail, problem: Self.sentence(error))
        }
    }

    static func sentence(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .remoteConnectionClosed: return "the connection closed before the whole answer arrived"
            case .connectTimeout: return "the connection could not be opened in time"
            case .deadlineExceeded, .readTimeout: return "no answer in time"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }
}
