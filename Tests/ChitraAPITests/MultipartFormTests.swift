@testable import ChitraAPI
import Testing

/// The console's reading of a form with a file, as browsers send it (RFC 7578).
@Suite("Multipart forms")
struct MultipartFormTests {
    static func body(_ boundary: String, _ parts: [(headers: String, content: String)], closed: Bool = true) -> [UInt8] {
        var text = "preamble ignored\r\n"
        for part in parts { text += "--\(boundary)\r\n\(part.headers)\r\n\r\n\(part.content)\r\n" }
        if closed { text += "--\(boundary)--\r\nepilogue ignored" }
        return Array(text.utf8)
    }

    @Test("fields and the file's bytes, a file holding line breaks and dashes; the boundary quoted or not")
    func fieldsAndFile() throws {
        #expect(MultipartForm.boundary(of: #"multipart/form-data; boundary="a b""#) == "a b")
        #expect(MultipartForm.boundary(of: "Multipart/Form-Data;boundary=xyz") == "xyz")
        #expect(MultipartForm.boundary(of: "application/x-www-form-urlencoded") == nil)
        #expect(MultipartForm.boundary(of: "multipart/form-data") == nil)
        let file = "end_to_end_id,amount_vnd\r\n--not-the-boundary\r\nCT1,5\n"
        let form = try MultipartForm(bytes: Self.body("XyZ", [
            (#"Content-Disposition: form-data; name="csrf""#, "token-1"),
            ("Content-Disposition: form-data; name=\"file\"; filename=\"bưu điện.csv\"\r\nContent-Type: text/csv", file),
        ]), boundary: "XyZ")
        #expect(form["csrf"] == "token-1")
        #expect(form.file?.name == "bưu điện.csv")
        #expect(form.file.map { String(decoding: $0.bytes, as: UTF8.self) } == file)
    }

    @Test("a body cut short or without its boundary is refused, never read in part")
    func malformed() {
        #expect(throws: MultipartForm.Malformed.self) {
            try MultipartForm(bytes: Self.body("B", [(#"Content-Disposition: form-data; name="csrf""#, "t")], closed: false).dropLast(8).map { $0 },
                              boundary: "B")
        }
        #expect(throws: MultipartForm.Malformed.self) { try MultipartForm(bytes: Array("no boundary here".utf8), boundary: "B") }
        #expect(throws: MultipartForm.Malformed.self) {
            try MultipartForm(bytes: Array("--B\r\nContent-Disposition: form-data; name=\"a\"".utf8), boundary: "B")
        }
    }
}
