@testable import ChitraAPI
import ChitraCore
@testable import ChitraStore
import Foundation
import NIOCore
import Testing

/// The disbursement page written by hand is what the API's encoder (`JSONResponse`) writes for it, byte for byte,
/// whatever its strings hold.
@Suite("JSON written by hand")
struct JSONBytesTests {
    static func encoded(_ page: DisbursementPage) throws -> String {
        String(decoding: try JSONResponse.encoder().encode(page), as: UTF8.self)
    }

    static func written(_ page: DisbursementPage) -> String {
        var buffer = page.json
        return buffer.readString(length: buffer.readableBytes) ?? ""
    }

    static func item(_ id: String, reason: String? = nil, state: DisbursementState = .paid) -> DisbursementPage.Item {
        .init(beneficiaryID: id, amountVND: 2_500_000, method: "bank", rail: "bank", state: state, endToEndID: "CT31825202606H\(id)",
              attempts: 2, failureReason: reason)
    }

    @Test("pages as Foundation writes them: empty, last, with and without reasons")
    func pages() throws {
        let pages = [
            DisbursementPage(items: [], next: nil),
            DisbursementPage(items: [Self.item("B1")], next: nil),
            DisbursementPage(items: [Self.item("B1"), Self.item("B2", reason: "AC04", state: .failed)], next: "B2"),
            DisbursementPage(items: DisbursementState.allCases.enumerated().map { Self.item("B\($0.offset)", state: $0.element) }, next: "B9"),
            DisbursementPage(items: [.init(beneficiaryID: "", amountVND: Int64.min, method: "", rail: "", state: .computed, endToEndID: "",
                                           attempts: Int.max, failureReason: "")], next: ""),
        ]
        for page in pages {
            #expect(Self.written(page) == (try Self.encoded(page)))
        }
    }

    @Test("every character a string can hold is escaped as Foundation escapes it")
    func strings() throws {
        var texts = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }
        texts += ["Nguyễn Thị Ánh", "a/b\\c\"d", "\u{7F}\u{80}\u{2028}\u{2029}", "🇻🇳", "tab\there\nline\r\n", String(repeating: "/", count: 3)]
        for text in texts {
            let page = DisbursementPage(items: [Self.item(text, reason: text)], next: text)
            let written = Self.written(page)
            #expect(written == (try Self.encoded(page)), "\(Array(text.unicodeScalars.map(\.value)))")
            #expect((try JSONDecoder().decode(DisbursementPage.self, from: Data(written.utf8))) == page)
        }
    }
}
