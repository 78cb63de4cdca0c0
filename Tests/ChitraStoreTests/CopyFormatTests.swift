import ChitraCore
@testable import ChitraStore
import Testing

@Suite("COPY text format")
struct CopyFormatTests {
    @Test("integers and first days of months", arguments: [
        (Int64(0), "0"), (7, "7"), (-500_000, "-500000"), (Int64.max, "9223372036854775807"), (Int64.min, "-9223372036854775808"),
    ])
    func integers(value: Int64, text: String) {
        var bytes: [UInt8] = []
        CopyFormat.append(value, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == text)
    }

    @Test("a month as its first day")
    func firstDay() {
        var bytes: [UInt8] = []
        CopyFormat.appendFirstDay(of: Period("2026-06")!, to: &bytes)
        CopyFormat.appendFirstDay(of: Period("1999-12")!, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "2026-06-011999-12-01")
    }

    @Test("tabs, line breaks and backslashes are escaped")
    func escapes() {
        var bytes: [UInt8] = []
        CopyFormat.append("a\tb\nc\\d\re", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "a\\tb\\nc\\\\d\\re")
    }
}
