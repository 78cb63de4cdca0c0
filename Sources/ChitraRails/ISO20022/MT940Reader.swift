import ChitraCore

/// Reads a SWIFT MT940 customer statement, as some Vietnamese banks still send one, into the same
/// `BankStatement` as a camt.053: `:20:` the statement's reference, `:25:` the account (its bank's
/// BIN before a slash, if given), `:28C:` the statement's number, `:60F:`/`:60M:` the opening and
/// `:62F:`/`:62M:` the closing balance, one `:61:` a movement (its bank reference after `//`) with
/// its `:86:` narrative, where the EndToEndId stands after `EREF+` or `/EREF/` (or is found by its
/// form, `CT` + unit + month + N or H + id) and a return's reason after `RTRN+` or `/RTRN/`.
/// Balances that do not add up are refused, as for a camt.053.
public enum MT940Reader {
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case missing(String, statement: String)
        case invalid(line: Int, String)
        case unbalanced(statement: String, opening: Int64, entries: Int64, closing: Int64)

        public var description: String {
            switch self {
            case .missing(let field, let statement): "MT940 statement \(statement) has no \(field)"
            case .invalid(let line, let problem): "MT940 line \(line): \(problem)"
            case .unbalanced(let statement, let opening, let entries, let closing):
                "MT940 statement \(statement) does not add up: opening \(opening) + entries \(entries) ≠ closing \(closing) đồng"
            }
        }
    }

    /// Every statement of the file (a file may hold several, each from `:20:` to its `:62F:`).
    public static func read(_ text: String) throws(Failure) -> [BankStatement] {
        // Fields: a line starting with ":tag:" opens one; other lines continue it.
        var fields: [(tag: String, value: String, line: Int)] = []
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = raw.trimmingCharacters(in: ["\r"])
            if line.hasPrefix(":"), let close = line.dropFirst().firstIndex(of: ":") {
                fields.append((String(line[line.index(after: line.startIndex)..<close]), String(line[line.index(after: close)...]), index + 1))
            } else if !fields.isEmpty, !line.isEmpty, line != "-", line != "-}" {
                fields[fields.count - 1].value += "\n" + line
            }
        }
        var statements: [BankStatement] = []
        var reference = "", account = "", institution = "", sequence: Int?, opening: (Int64, Day)?, entries: [BankStatement.Entry] = []
        for (position, field) in fields.enumerated() {
            switch field.tag {
            case "20":
                reference = field.value; account = ""; institution = ""; sequence = nil; opening = nil; entries = []
            case "25":
                let parts = field.value.split(separator: "/", maxSplits: 1).map(String.init)
                if parts.count == 2 { institution = parts[0]; account = parts[1] } else { account = field.value }
            case "28C": sequence = Int(field.value.split(separator: "/").first ?? "")
            case "60F", "60M": opening = try balance(field.value, line: field.line)
            case "61":
                let narrative = position + 1 < fields.count && fields[position + 1].tag == "86" ? fields[position + 1].value : ""
                entries.append(try entry(field.value, narrative: narrative, line: field.line))
            case "62F", "62M":
                guard let opening else { throw .missing(":60F: (the opening balance)", statement: reference) }
                guard let sequence else { throw .missing(":28C: (the statement's number)", statement: reference) }
                guard !account.isEmpty else { throw .missing(":25: (the account)", statement: reference) }
                let closing = try balance(field.value, line: field.line)
                let statement = BankStatement(messageID: reference, statementID: reference, sequenceNumber: sequence, createdAt: "\(closing.1)T23:59:59",
                                              account: account, institution: institution, day: closing.1, openingVND: opening.0, entries: entries)
                guard statement.closingVND == closing.0 else {
                    throw .unbalanced(statement: reference, opening: opening.0, entries: statement.closingVND - opening.0, closing: closing.0)
                }
                statements.append(statement)
            default: break
            }
        }
        guard !statements.isEmpty else { throw .missing(":62F: (a closing balance)", statement: reference) }
        return statements
    }

    /// `C260721VND2000000,` — sign, day, currency, amount (whole đồng).
    static func balance(_ value: String, line: Int) throws(Failure) -> (Int64, Day) {
        let text = Array(value)
        guard text.count >= 11, text[0] == "C" || text[0] == "D", let day = day(String(text[1..<7])), String(text[7..<10]) == "VND",
              let amount = amount(String(text[10...])) else {
            throw .invalid(line: line, "'\(value)' is not a balance written C or D, YYMMDD, VND and an amount in whole đồng")
        }
        return (text[0] == "D" ? -amount : amount, day)
    }

    /// `2607210721D500000,NTRFNONREF//970405-0001`: value day, booking day (MMDD), C/D/RC/RD, an
    /// optional funds code, the amount, the type, the owner's reference, `//` the bank's reference.
    static func entry(_ value: String, narrative: String, line: Int) throws(Failure) -> BankStatement.Entry {
        let first = value.split(separator: "\n").first.map(String.init) ?? value
        let pattern = /^(\d{6})(\d{4})?(RC|RD|C|D)[A-Z]?(\d+,\d{0,2})([A-Z][A-Z0-9]{3})([^\/]*)(?:\/\/(.+))?$/
        guard let match = first.wholeMatch(of: pattern), let valueDay = day(String(match.output.1)),
              let amount = amount(String(match.output.4)) else {
            throw .invalid(line: line, "'\(first)' is not a movement (:61:) in whole đồng")
        }
        guard let bankReference = match.output.7.map(String.init), !bankReference.isEmpty else {
            throw .invalid(line: line, "the movement '\(first)' has no bank reference after //")
        }
        let mark = String(match.output.3)
        var booking = valueDay
        if let monthDay = match.output.2, let month = Int(monthDay.prefix(2)), let dayOfMonth = Int(monthDay.suffix(2)),
           let period = Period(year: valueDay.period.year, month: month) {
            booking = Day(period: period, day: dayOfMonth)
        }
        let credit = mark == "C" || mark == "RD"          // RD: a debit reversed, money back
        let text = narrative.replacingOccurrences(of: "\n", with: "")
        let returnReason = text.firstMatch(of: /(?:RTRN\+|\/RTRN\/)([A-Z0-9]{4})/).map { String($0.output.1) }
        let endToEndID = text.firstMatch(of: /(?:EREF\+|\/EREF\/)([A-Za-z0-9]{1,35})/).map { String($0.output.1) }
            ?? text.firstMatch(of: /CT\d{3,5}\d{6}[NH][A-Za-z0-9]+/).map { String($0.output) }
        let code: BankStatement.TransactionCode = returnReason != nil ? .transferReturned
            : (String(match.output.5) == "NCHG" || String(match.output.5) == "NCOM" ? .charge : .transferSent)
        return BankStatement.Entry(servicerReference: bankReference, amountVND: amount, direction: credit ? .credit : .debit,
                                   reversal: mark.hasPrefix("R"), bookingDay: booking, valueDay: valueDay, code: code,
                                   endToEndID: endToEndID, returnReason: returnReason)
    }

    static func day(_ text: String) -> Day? {
        guard text.count == 6, let year = Int(text.prefix(2)), let month = Int(text.dropFirst(2).prefix(2)), let day = Int(text.suffix(2)),
              let period = Period(year: 2000 + year, month: month), (1...31).contains(day) else { return nil }
        return Day("\(period)-\(day < 10 ? "0" : "")\(day)")
    }

    /// Whole đồng: "500000," or "500000,00"; a part of a đồng is refused.
    static func amount(_ text: String) -> Int64? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let whole = Int64(parts[0]), parts[1].allSatisfy({ $0 == "0" }) else { return nil }
        return whole
    }
}
