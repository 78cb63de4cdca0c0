import Foundation

/// A table sorted by the server (the console works without JavaScript): each heading is a link that
/// sorts by its column, again to reverse.
struct SortableTable {
    struct Column {
        var key: String
        var label: String
        var numeric: Bool = false
        /// Whether its heading sorts the table (figures read per page after sorting do not).
        var sortable: Bool = true
    }

    var columns: [Column]
    var sortKey: String
    var descending: Bool

    /// The sort asked for by `?sort=KEY&dir=desc`, or the first column ascending.
    init(_ columns: [Column], query: [String: String]) {
        self.columns = columns
        let asked = query["sort"]
        sortKey = columns.contains { $0.key == asked && $0.sortable } ? asked! : columns[0].key
        descending = query["dir"] == "desc"
    }

    /// The headings, each linking to `path` with the other parameters of `query` kept.
    func head(path: String, query: [String: String]) -> [[String: Any]] {
        columns.map { column in
            var parameters = query.filter { $0.key != "sort" && $0.key != "dir" }
            parameters["sort"] = column.key
            let reverse = column.key == sortKey && !descending
            if reverse { parameters["dir"] = "desc" }
            let link = ConsoleURL.link(path, parameters)
            return ["link": link, "label": column.label, "numeric": column.numeric, "sortable": column.sortable,
                    "arrow": column.key == sortKey ? (descending ? " ▼" : " ▲") : ""]
        }
    }

    /// `rows` sorted by the chosen column; `value` gives a row's sort value for a key.
    func sorted<Row>(_ rows: [Row], value: (Row, String) -> SortValue) -> [Row] {
        let ordered = rows.sorted { value($0, sortKey) < value($1, sortKey) }
        return descending ? ordered.reversed() : ordered
    }

    enum SortValue: Comparable {
        case number(Int64)
        case text(String)
    }
}

enum ConsoleURL {
    /// Percent-encodes a query value.
    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `path` with `query` as its query string, keys in order (one link for one page, whatever the order asked).
    static func link(_ path: String, _ query: [String: String]) -> String {
        path + "?" + query.sorted { $0.key < $1.key }.map { "\($0.key)=\(encode($0.value))" }.joined(separator: "&")
    }
}
