import ChitraCore

/// What a transaction may see, set with `SET LOCAL` (PostgreSQL's row-level security policies read
/// these settings; see migration 0011). A transaction with no scope sees nothing.
///
/// - `districts`: the tenants whose rows are visible and writable (`chitra.districts`);
/// - `everyUnit`: every payout unit at once, an administrator's or an auditor's reach
///   (`chitra.every_unit`; 4,017 codes would not fit a connection's startup packet);
/// - `global`: rows of no district (tokens, the audit log's entries about tokens) (`chitra.global`);
/// - `credential`: the token or service secret the database verifies before it grants any of the
///   above to the application's role (`chitra.credential`; migration 24): what is asked beyond
///   what the credential reaches is not seen;
/// - `queue`: the queue's own statements (claim, heartbeat, outcomes, rescue), run as the role
///   `chitra_queue`, which sees the jobs of every district and may touch no other table; a job's
///   handler runs as `chitra_app` in its district.
public struct Scope: Sendable, Hashable, CustomStringConvertible {
    public let districts: [String]
    public let everyUnit: Bool
    public let global: Bool
    public let queue: Bool
    public let credential: Credential?

    public init(districts: [String] = [], global: Bool = false, credential: Credential? = nil) {
        self.districts = districts.sorted()
        self.everyUnit = false
        self.global = global
        self.queue = false
        self.credential = credential
    }

    private init(queue: Bool) {
        self.districts = []
        self.everyUnit = false
        self.global = false
        self.queue = queue
        self.credential = nil
    }

    private init(districts: [String], everyUnit: Bool, global: Bool, queue: Bool, credential: Credential?) {
        self.districts = districts
        self.everyUnit = everyUnit
        self.global = global
        self.queue = queue
        self.credential = credential
    }

    /// Every payout unit (and, if `global`, the rows of none).
    public static func everyUnit(global: Bool, credential: Credential? = nil) -> Scope {
        Scope(districts: [], everyUnit: true, global: global, queue: false, credential: credential)
    }

    /// This scope, presenting `credential`.
    public func with(credential: Credential?) -> Scope {
        Scope(districts: districts, everyUnit: everyUnit, global: global, queue: queue, credential: credential)
    }

    /// The owner's pools (migrations, the first token, benchmarks' statistics): every unit and the
    /// rows of none. The owner is not a superuser: row-level security binds it too, and the database
    /// trusts it with these settings (migration 24).
    public static let owner = Scope.everyUnit(global: true)

    /// Sees nothing: what a connection has before anyone sets a scope.
    public static let nothing = Scope()
    /// The queue's own statements, as `chitra_queue`.
    public static let queue = Scope(queue: true)

    public static func district(_ code: String) -> Scope { Scope(districts: [code]) }

    /// The role each kind of scope runs as.
    public static let applicationRole = "chitra_app"
    public static let queueRole = "chitra_queue"

    /// The row-level security settings as PostgreSQL names and values.
    public var settings: [(name: String, value: String)] {
        [("chitra.districts", districts.joined(separator: ",")), ("chitra.every_unit", everyUnit ? "on" : "off"),
         ("chitra.global", global ? "on" : "off"), ("chitra.credential", credential?.secret ?? "")]
    }

    public var description: String {
        if queue { return "the queue" }
        var parts = everyUnit ? ["every unit"] : districts.isEmpty ? [] : ["units " + districts.joined(separator: ",")]
        if global { parts.append("global") }
        return parts.isEmpty ? "nothing" : parts.joined(separator: ", ")
    }
}
