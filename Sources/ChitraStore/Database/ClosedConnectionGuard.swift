import Logging
import PostgresNIO

/// PostgresNIO 1.33.2 never answers a statement sent on a connection the server has already closed:
/// the statement goes to a closed channel and its promise is dropped, so the caller waits forever,
/// cancellation included (`ClosedConnectionTests` shows it on the driver itself). After a database
/// restart that was every worker's stop: a handler between two statements of its shard, or rolling
/// back after the server ended its session, waited for ever (ops/runbooks/04 saw status 70, the stop
/// deadline's exit). So no statement of Chitra's goes to a connection the driver knows is closed:
/// `send` refuses it at once, and `transaction` does not roll back what the server already did.
extension PostgresConnection {
    /// `query`, unless the server closed this connection: then a `StoreError` at once. Its rows must
    /// be read: a statement whose rows are not wanted goes through `execute`.
    public func send(_ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        guard !isClosed else { throw StoreError.connectionClosed }
        return try await self.query(query, logger: logger, file: file, line: line)
    }

    /// A prepared statement's rows (prepared on this connection at its first use), unless the
    /// server closed this connection: then a `StoreError` at once.
    func send<Statement: PostgresPreparedStatement>(_ statement: Statement, logger: Logger, file: String = #fileID,
                                                    line: Int = #line) async throws
        -> AsyncThrowingMapSequence<PostgresRowSequence, Statement.Row> {
        guard !isClosed else { throw StoreError.connectionClosed }
        return try await self.execute(statement, logger: logger, file: file, line: line)
    }

    /// A statement whose rows, if any, are not wanted: read to the end, so that an error the server
    /// raises while making them (a function's RAISE, a check) is thrown here. Left unread, the error
    /// was lost, the transaction stayed aborted, and its COMMIT rolled everything back without a word.
    public func execute(_ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line) async throws {
        for try await _ in try await send(query, logger: logger, file: file, line: line) {}
    }

    /// The first value `query` returns, or nil when it returns no row.
    func first<T: PostgresDecodable & Sendable>(_ type: T.Type, _ query: PostgresQuery) async throws -> T? {
        for try await value in try await send(query, logger: Database.quiet).decode(T.self) { return value }
        return nil
    }

    /// `body` between BEGIN and COMMIT, rolled back if it throws (unless the server closed the
    /// connection, which ended the transaction already). Errors say which step failed, as
    /// PostgresNIO's own `withTransaction` does.
    func guardedTransaction<Result>(logger: Logger, isolation: isolated (any Actor)? = #isolation,
                                    _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        var failure = TransactionFailure()
        do {
            try await execute("BEGIN;", logger: logger)
        } catch {
            failure.beginError = error
            throw failure
        }
        let value: Result
        do {
            value = try await body(self)
        } catch {
            failure.closureError = error
            if !isClosed {
                do { try await execute("ROLLBACK;", logger: logger) } catch { failure.rollbackError = error }
            }
            throw failure
        }
        do {
            try await execute("COMMIT;", logger: logger)
        } catch {
            failure.commitError = error
            throw failure
        }
        return value
    }
}

/// Which step of a transaction failed, and with what.
struct TransactionFailure: Error {
    var beginError: (any Error)?
    var closureError: (any Error)?
    var rollbackError: (any Error)?
    var commitError: (any Error)?

    var cause: (any Error)? { closureError ?? beginError ?? commitError ?? rollbackError }
}
