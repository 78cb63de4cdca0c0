import ChitraCore
import Foundation
import Hummingbird
import NIOCore

/// JSON answers: sorted keys, ISO 8601 dates.
enum JSONResponse {
    /// The encoder of every answer not written by hand (`JSONBytes` writes what it would).
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static func encode(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        written(ByteBuffer(data: try encoder().encode(value)), status: status)
    }

    /// JSON already written (`JSONBytes`, or the encoder's).
    static func written(_ json: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: json))
    }
}

/// The query string's parameters, checked.
struct QueryParameters {
    let request: Request

    func text(_ name: String) -> String? {
        request.uri.queryParameters[name[...]].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    func period(_ name: String = "period") throws -> Period? {
        guard let text = text(name) else { return nil }
        guard let period = Period(text) else { throw APIError.badRequest("\(name) must be written YYYY-MM.") }
        return period
    }

    /// The payout unit asked: `?unit=` (or `?district=`, another name for it).
    func district() throws -> String? {
        let unit = text("unit"), district = text("district")
        if unit != nil, district != nil, unit != district {
            throw APIError.badRequest("Name the unit once: unit and district are two names for the same parameter.")
        }
        guard let text = unit ?? district else { return nil }
        return try Path.district(text)
    }

    /// The payout units asked: `?unit=954,956` (or `?district=`), nil when none is named.
    func units() throws -> [String]? {
        let unit = text("unit"), district = text("district")
        if unit != nil, district != nil, unit != district {
            throw APIError.badRequest("Name the units once: unit and district are two names for the same parameter.")
        }
        guard let text = unit ?? district else { return nil }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { try Path.district($0) }
    }

    /// `?province=`: a province's 2 digits.
    func province() throws -> String? {
        guard let province = text("province") else { return nil }
        guard province.count == 2, province.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw APIError.badRequest("province must be a province's code of 2 digits, such as 96.")
        }
        return province
    }

    func integer(_ name: String, in range: ClosedRange<Int>, default value: Int) throws -> Int {
        guard let text = text(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return number
    }
}

/// Path parameters, checked.
enum Path {
    static func district(_ text: some StringProtocol) throws -> String {
        guard text.count == 3 || text.count == 5, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else {
            throw APIError.badRequest("A payout unit is a district's three digits, such as 954, or a commune's five, such as 31825.")
        }
        return String(text)
    }

    static func period(_ text: some StringProtocol) throws -> Period {
        guard let period = Period(text) else { throw APIError.badRequest("A period is written YYYY-MM.") }
        return period
    }

    static func target(_ context: APIRequestContext) throws -> (district: String, period: Period) {
        (try district(context.parameters.require("unit")), try period(context.parameters.require("period")))
    }
}
