import Foundation

/// An e-wallet provider Chitra pays to: the code the register and the rails hold, the name
/// officials know, and the other ways a spreadsheet writes it. A register may name a provider by
/// any of them, in any case, with or without spaces, `_`, `-`, `.` or a leading "Ví" (wallet):
/// `MOMO`, `MoMo`, `Ví MoMo` and `momo` are all MoMo, registered as `momo`.
public struct WalletProvider: Sendable, Hashable {
    public let code: String
    public let name: String
    public let aliases: [String]

    public init(code: String, name: String, aliases: [String] = []) {
        self.code = code
        self.name = name
        self.aliases = aliases
    }

    /// The e-wallets licensed by the State Bank of Vietnam that pay social benefits.
    public static let known: [WalletProvider] = [
        WalletProvider(code: "momo", name: "MoMo", aliases: ["M_Service", "MService"]),
        WalletProvider(code: "viettelmoney", name: "Viettel Money", aliases: ["ViettelPay", "Viettel"]),
        WalletProvider(code: "vnpt_money", name: "VNPT Money", aliases: ["VNPT Pay", "VNPT"]),
        WalletProvider(code: "mobifone_money", name: "MobiFone Money", aliases: ["MobiFone Pay", "MobiFone"]),
        WalletProvider(code: "zalopay", name: "ZaloPay"),
        WalletProvider(code: "shopeepay", name: "ShopeePay", aliases: ["AirPay"]),
        WalletProvider(code: "vnpay", name: "VNPAY"),
    ]

    /// The provider `text` names, or nil.
    public static func named(_ text: String) -> WalletProvider? {
        byCode[text] ?? byKey[key(text)]          // a code as it is (most rows) needs no folding
    }

    private static let byCode = Dictionary(uniqueKeysWithValues: known.map { ($0.code, $0) })

    /// One sentence listing the providers, for a refusal.
    public static var listed: String {
        known.map { "\($0.name) (\($0.code))" }.joined(separator: ", ")
    }

    private static let byKey: [String: WalletProvider] = {
        var keys: [String: WalletProvider] = [:]
        for provider in known {
            for text in [provider.code, provider.name] + provider.aliases {
                keys[key(text)] = provider
                keys["vi" + key(text)] = provider
            }
        }
        return keys
    }()

    /// Letters and digits only, lowercased, accents taken off ("Ví MoMo" → "vimomo").
    static func key(_ text: String) -> String {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        return String(String.UnicodeScalarView(folded.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }))
    }
}

/// The wallet providers a register wrote otherwise than by their code, each read as its code: the
/// import says so, so that an official sees what "MOMO" became.
public struct WalletProviderReadings: Sendable, Hashable, CustomStringConvertible {
    /// Rows by the text the file wrote (texts other than a code).
    public private(set) var rows: [String: Int] = [:]

    public init() {}

    public mutating func read(_ written: String, as code: String) {
        if written != code { rows[written, default: 0] += 1 }
    }

    /// "" when every provider was written by its code.
    public var description: String {
        guard !rows.isEmpty else { return "" }
        let shown = rows.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(10).map { written, count in
            "'\(written)' as \(WalletProvider.named(written)?.code ?? "?") (\(count) \(count == 1 ? "row" : "rows"))"
        }
        let more = rows.count > 10 ? " and \(rows.count - 10) other spellings" : ""
        return "Wallet providers read by name: " + shown.joined(separator: ", ") + more + "."
    }
}
