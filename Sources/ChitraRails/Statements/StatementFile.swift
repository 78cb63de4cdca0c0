import ChitraCore
import Foundation
import NIOPosix

/// A file of bank statements as a bank hands it over: camt.053 (or a camt.054 notification: XML)
/// or MT940 (SWIFT text), told apart by its first character, read whole or refused whole.
public enum StatementFile {
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case empty
        case camt053(Camt053Reader.Failure)
        case mt940(MT940Reader.Failure)
        case notText
        case noStatement

        public var description: String {
            switch self {
            case .empty: "The statement file is empty; nothing was taken in."
            case .camt053(let failure): "The camt.053/camt.054 file cannot be read (\(failure)); nothing was taken in."
            case .mt940(let failure): "The MT940 statement cannot be read (\(failure)); nothing was taken in."
            case .notText: "The statement file is neither a camt.053 or camt.054 (XML) nor an MT940 (text) statement; nothing was taken in."
            case .noStatement: "The file holds no statement; nothing was taken in."
            }
        }
    }

    /// The statements of `bytes`, and their format (`camt.053`, `camt.054` or `mt940`).
    public static func read(_ bytes: [UInt8]) throws(Failure) -> (format: String, statements: [BankStatement]) {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        guard let first = bytes[start...].first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { throw .empty }
        let read: (String, [BankStatement])
        if first == UInt8(ascii: "<") {
            do {
                let statements = try Camt053Reader.read(bytes: bytes)
                read = (statements.first?.kind == .notification ? "camt.054" : "camt.053", statements)
            } catch { throw .camt053(error) }
        } else {
            guard let text = String(validating: bytes[start...], as: UTF8.self), first == UInt8(ascii: ":") || first == UInt8(ascii: "{") else {
                throw .notText
            }
            do { read = ("mt940", try MT940Reader.read(text)) } catch { throw .mt940(error) }
        }
        guard !read.1.isEmpty else { throw .noStatement }
        return read
    }

    /// The same, on NIO's pool for blocking work: a day's statement of tens of thousands of entries
    /// takes a second or more to read, never on the cooperative threads that serve requests,
    /// heartbeats and claims.
    public static func readOffloaded(_ bytes: [UInt8]) async throws -> (format: String, statements: [BankStatement]) {
        try await NIOThreadPool.singleton.runIfActive { try read(bytes) }
    }
}
