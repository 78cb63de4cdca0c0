import ChitraCore
import ChitraStore
import Foundation

/// The country as the national benchmark spreads it: every commune of the 34 provinces valid in the
/// month, each with a number of beneficiaries drawn as a real country's are (log-normal, σ 1: from a
/// few dozen in a remote commune to several thousand in a city ward; wards weigh twice), summing
/// to the total asked. Deterministic: the same total gives the same country.
struct NationalRegister {
    struct Unit: Sendable {
        var code: String
        var province: String
        var people: Int
    }

    let units: [Unit]

    /// The fewest people a commune is given.
    static let floor = 20

    struct TooFew: Error, CustomStringConvertible {
        var total: Int, needed: Int
        var description: String { "\(total) beneficiaries cannot fill \(needed / NationalRegister.floor) communes with at least \(NationalRegister.floor) each: give at least \(needed)." }
    }

    init(total: Int, on day: Day) throws {
        let catalogue = try UnitCatalogueFiles.bundled().catalogue
        let communes = catalogue.units.filter { unit in
            unit.level == .commune && unit.districtCode == nil && (unit.validFrom.map { $0 <= day } ?? true) && (unit.validTo.map { day < $0 } ?? true)
        }.sorted { $0.code < $1.code }
        var random = SplitMix(state: 3_321)
        let weights = communes.map { commune -> Double in
            // Box–Muller: a standard normal from two uniforms in (0, 1].
            let u1 = Double(random.next() >> 11 + 1) / Double(1 << 53), u2 = Double(random.next() >> 11) / Double(1 << 53)
            let z = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            return exp(z) * (commune.type == "ward" ? 2 : 1)
        }
        let needed = Self.floor * communes.count
        guard total >= needed else { throw TooFew(total: total, needed: needed) }
        let sum = weights.reduce(0, +)
        var people = weights.map { Self.floor + Int(Double(total - needed) * $0 / sum) }
        // What rounding left over, given to the largest.
        if let largest = people.indices.max(by: { people[$0] < people[$1] }) { people[largest] += total - people.reduce(0, +) }
        units = zip(communes, people).map { Unit(code: $0.code, province: $0.provinceCode, people: $1) }
    }

    var sizes: (smallest: Int, median: Int, largest: Int) {
        let sorted = units.map(\.people).sorted()
        return (sorted.first ?? 0, sorted.isEmpty ? 0 : sorted[sorted.count / 2], sorted.last ?? 0)
    }
}
