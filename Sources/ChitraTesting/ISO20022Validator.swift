import ChitraLocal
import ChitraStore
import Foundation

/// `tools/iso20022/iso20022-validate` (xmllint against the official schemas shipped beside it), run
/// on files.
public enum ISO20022Validator {
    public struct Missing: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "\(path) is missing: the ISO 20022 checks need the package's tools/iso20022 folder" }
    }

    public static var path: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("tools/iso20022/iso20022-validate").path
    }

    /// Validates `files`; returns whether all are valid and the validator's lines. The exit is
    /// awaited, never waited for on a thread.
    public static func validate(files: [String]) async throws -> (valid: Bool, output: String) {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing(path: path) }
        let (status, text) = try await SpawnedProcess.run("/bin/bash", [path] + files, environment: ProcessInfo.processInfo.environment)
        return (status == 0, text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Validates one document.
    public static func validate(_ document: String) async throws -> (valid: Bool, output: String) {
        let file = NSTemporaryDirectory() + "chitra-iso-\(UUID().uuidString.prefix(8)).xml"
        try document.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try await validate(files: [file])
    }
}
