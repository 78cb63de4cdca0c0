import PostgresNIO

/// The rows of `Database.query`: streamed from the server when the query ran on the pool's own
/// scope, or already read when it ran in a transaction of its own to set another scope (the rows
/// must be read before that transaction ends). Used like PostgresNIO's `PostgresRowSequence`.
public struct QueryRows: AsyncSequence, Sendable {
    public typealias Element = PostgresRow

    enum Source: Sendable {
        case stream(PostgresRowSequence)
        case read([PostgresRow])
    }

    let source: Source

    init(source: Source) { self.source = source }

    /// Rows streamed on a connection the caller holds (in its transaction).
    public init(_ rows: PostgresRowSequence) { self.source = .stream(rows) }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var stream: PostgresRowSequence.AsyncIterator?
        var read: IndexingIterator<[PostgresRow]>?

        public mutating func next() async throws -> PostgresRow? {
            if stream != nil { return try await stream!.next() }
            return read?.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        switch source {
        case .stream(let rows): AsyncIterator(stream: rows.makeAsyncIterator())
        case .read(let rows): AsyncIterator(read: rows.makeIterator())
        }
    }

    /// Each row decoded as the columns' types, e.g. `rows.decode((String, Int64).self)`.
    public func decode<each Column: PostgresDecodable>(_ columns: (repeat each Column).Type) -> DecodedRows<repeat each Column> {
        DecodedRows(rows: self)
    }

    /// Every row, read.
    public func collect() async throws -> [PostgresRow] {
        switch source {
        case .read(let rows): return rows
        case .stream(let rows): return try await rows.collect()
        }
    }
}

/// `QueryRows` decoded row by row as the columns' types.
public struct DecodedRows<each Column: PostgresDecodable>: AsyncSequence {
    public typealias Element = (repeat each Column)
    let rows: QueryRows

    public struct AsyncIterator: AsyncIteratorProtocol {
        var rows: QueryRows.AsyncIterator

        public mutating func next() async throws -> (repeat each Column)? {
            guard let row = try await rows.next() else { return nil }
            return try row.decode((repeat each Column).self)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(rows: rows.makeAsyncIterator()) }
}
