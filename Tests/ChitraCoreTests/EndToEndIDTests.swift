import ChitraCore
import Testing

@Suite("EndToEndId")
struct EndToEndIDTests {
    let period = Period("2026-07")!

    func make(_ id: String) -> String { EndToEndID.make(district: "954", period: period, beneficiaryID: id) }

    @Test("a short id of letters and digits is written as it is; anything else is hashed; the form letter keeps them apart")
    func forms() {
        #expect(make("B12") == "CT954202607NB12")
        #expect(make("Nguyễn 1").hasPrefix("CT954202607H"))
        // A short id that looks like a hash can never equal a long id's hash: the forms differ at position 11.
        let long = String(repeating: "X", count: 40)
        let hashed = make(long)
        let lookalike = String(hashed.dropFirst("CT954202607".count).prefix(EndToEndID.plainLimit))
        #expect(make(lookalike) != hashed && make(lookalike).hasPrefix("CT954202607N"))
    }

    @Test("every id gives at most 35 letters and digits, and distinct ids give distinct EndToEndIds")
    func charactersAndUniqueness() {
        var generator = SplitMix(state: 2026)
        let alphabet = Array("abcXYZ019 _-/.,'+()?:đĐưƯễ")
        var seen: [String: String] = [:]
        for _ in 0..<20_000 {
            let id = String((0..<Int.random(in: 1...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let e2e = make(id)
            #expect(e2e.utf8.count <= 35 && e2e.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) },
                    "\(id) → \(e2e)")
            if let other = seen[e2e], other != id { Issue.record("\(id) and \(other) share \(e2e)") }
            seen[e2e] = id
        }
    }

    @Test("a commune's EndToEndIds (five-digit unit) keep to 35 characters, and never equal a district's")
    func communes() {
        let commune = { (id: String) in EndToEndID.make(district: "31825", period: period, beneficiaryID: id) }
        #expect(commune("B12") == "CT31825202607NB12")
        let plain = String(repeating: "A", count: 21)
        #expect(commune(plain) == "CT31825202607N" + plain && commune(plain).utf8.count == 35)
        #expect(commune(plain + "A").hasPrefix("CT31825202607H") && commune(plain + "A").utf8.count == 35)
        #expect(commune("Nguyễn 1").utf8.count == 35)
        // District 318, month 2520-26… cannot exist, but even its form letter would stand where the
        // commune's month has a digit.
        var generator = SplitMix(state: 96)
        for _ in 0..<2_000 {
            let id = String((0..<Int.random(in: 1...30, using: &generator)).map { _ in "AB1".randomElement(using: &generator)! })
            #expect(commune(id) != EndToEndID.make(district: "318", period: period, beneficiaryID: id))
            #expect(commune(id).utf8.count <= 35)
        }
    }
}
