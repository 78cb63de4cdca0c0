import Foundation

/// Where benchmark figures go: a JSON file per run and a Markdown log per benchmark.
enum BenchmarkFiles {
    static func write(name: String, text: String, json: some Encodable, to folder: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "-", with: "")
        let jsonPath = "\(folder)/\(name)-\(stamp).json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(json).write(to: URL(fileURLWithPath: jsonPath))
        let markdown = "\(folder)/\(name).md"
        if !FileManager.default.fileExists(atPath: markdown) {
            try "# \(name.capitalized) benchmark results\n\nAppended by `ops/bench/\(name)`; newest last.\n".write(
                toFile: markdown, atomically: true, encoding: .utf8)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: markdown))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n```\n\(text)\n```\n".utf8))
        try handle.close()
        return [jsonPath, markdown]
    }
}
