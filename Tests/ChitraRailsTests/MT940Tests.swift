import ChitraCore
import ChitraRails
import Testing

/// An MT940 statement, as some banks still send one, read into the statement a camt.053 gives.
@Suite("MT940 statements")
struct MT940Tests {
    static let file = """
        {1:F01VBAAVNVXAXXX0000000000}{2:O9401200260721VBAAVNVXAXXX00000000002607211200N}{4:
        :20:STMT20260721
        :25:970405/1234567890123
        :28C:42/1
        :60F:C260721VND2000000,
        :61:2607210721D500000,NTRFNONREF//970405-0001
        :86:CHI TRO CAP EREF+CT954202607NB1
        :61:2607210721D500000,NTRFNONREF//970405-0002
        :86:CHI TRO CAP EREF+CT954202607NB1
        :61:2607210721D360000,00NTRFNONREF//970405-0003
        :86:/EREF/CT954202607NB2/REMI/Tro cap thang 7
        :61:2607210721C400000,NTRFNONREF//970405-0004
        :86:TRA LAI CT954202606NB9 RTRN+AC04
        :61:2607210721D11000,NCHGNONREF//970405-0005
        :86:PHI DICH VU
        :62F:C260721VND1029000,
        -}
        """

    @Test("balances, each movement with the bank's reference, its EndToEndId from the narrative, a return's reason, a charge")
    func reads() throws {
        let statements = try MT940Reader.read(Self.file)
        let statement = try #require(statements.first)
        #expect(statements.count == 1 && statement.account == "1234567890123" && statement.institution == "970405" && statement.sequenceNumber == 42)
        #expect(statement.day == Day("2026-07-21") && statement.openingVND == 2_000_000 && statement.closingVND == 1_029_000)
        #expect(statement.entries.map(\.servicerReference) == ["970405-0001", "970405-0002", "970405-0003", "970405-0004", "970405-0005"])
        #expect(statement.entries.map(\.endToEndID) == ["CT954202607NB1", "CT954202607NB1", "CT954202607NB2", "CT954202606NB9", nil])
        #expect(statement.entries[3].direction == .credit && statement.entries[3].returnReason == "AC04"
                && statement.entries[3].code == .transferReturned)
        #expect(statement.entries[4].code == .charge && statement.entries[0].code == .transferSent)
    }

    @Test("balances that do not add up, an amount with a part of a đồng, a movement without the bank's reference: refused")
    func refused() {
        #expect(throws: MT940Reader.Failure.unbalanced(statement: "STMT20260721", opening: 2_000_000, entries: -971_000, closing: 1_029_001)) {
            try MT940Reader.read(Self.file.replacingOccurrences(of: ":62F:C260721VND1029000,", with: ":62F:C260721VND1029001,"))
        }
        #expect(throws: MT940Reader.Failure.self) {
            try MT940Reader.read(Self.file.replacingOccurrences(of: "D360000,00NTRF", with: "D360000,50NTRF"))
        }
        #expect(throws: MT940Reader.Failure.self) {
            try MT940Reader.read(Self.file.replacingOccurrences(of: "NTRFNONREF//970405-0002", with: "NTRFNONREF"))
        }
        #expect(throws: MT940Reader.Failure.self) { try MT940Reader.read(":20:X\n:25:1\n") }
    }
}
