import ChitraCore
import ChitraStore
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A request body that is a file (a register, the post office's confirmations): streamed to a
/// private temporary file (it holds personal data), at most `limit` bytes, given to `body` by path
/// and removed after. A caller sends at most `UploadSlots.perCaller` files at once.
enum Upload {
    /// The largest register: a province's, streamed to disk and imported in chunks.
    static let maximumRegister = 512 << 20
    /// The largest confirmation file: read whole to be checked before anything is applied; a
    /// month's confirmations of a unit are a few megabytes.
    static let maximumConfirmations = 32 << 20

    static func withFile<T>(of request: Request, limit: Int, caller: Identity, slots: UploadSlots,
                            _ body: (String) async throws -> T) async throws -> T {
        guard slots.take(caller.limiterKey) else {
            throw APIError(.tooManyRequests, "You are already sending \(UploadSlots.perCaller) files; wait for one to finish.")
        }
        defer { slots.give(caller.limiterKey) }
        let path = NSTemporaryDirectory() + "chitra-upload-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try PrivateFile.create(path)
        var size = 0
        do {
            for try await chunk in request.body {
                size += chunk.readableBytes
                guard size <= limit else {
                    throw APIError(.contentTooLarge, "The file is larger than \(limit >> 20) MiB.")
                }
                try file.write(contentsOf: Data(buffer: chunk))
            }
            try file.close()
        } catch {
            try? file.close()
            throw error
        }
        return try await body(path)
    }
}

/// How many files each caller is sending at once.
public final class UploadSlots: Sendable {
    public static let perCaller = 2
    private let held = Mutex<[String: Int]>([:])

    public init() {}

    public func take(_ key: String) -> Bool {
        held.withLock { held in
            guard held[key, default: 0] < Self.perCaller else { return false }
            held[key, default: 0] += 1
            return true
        }
    }

    public func give(_ key: String) {
        held.withLock { held in
            held[key, default: 1] -= 1
            if held[key] == 0 { held[key] = nil }
        }
    }
}
