import ChitraCore
import Testing

@Suite("EndToEndId")
struct EndToEndIDTests {
    let period = Period("2026-07")!

    func make(_ id: String) -> String { EndToEndID.make(district: "954", period: period, beneficiaryID: id) }

    @Test("issue 8, item 9: a short id of letters and digits is written as it is; anything else is hashed; the form letter keeps them apart")
    func forms() {
        #expect(make("B12") == "CT954202607NB12")
        #expect(make("Nguyễn 1").hasPrefix("CT954202607H"))
        // A short id that looks like a hash can never equal a long id's hash: the forms differ at position 11.
        let long = String(repeating: "X", count: 40)
        let hashed = make(long)
        let lookalike = String(hashed.dropFirst("CT954202607".count).prefix(EndToEndID.plainLimit))
        #expect(make(lookalike) != hashed && make(lookalike).hasPrefix("CT954202607N"))
    }

    @Test("issue 8, item 9: every id gives at most 35 letters and digits, and distinct ids give distinct EndToEndIds")
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
}
