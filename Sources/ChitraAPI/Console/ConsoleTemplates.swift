import Foundation
import Mustache

/// The console's Mustache templates (`Resources/Console`), loaded once.
public struct ConsoleTemplates: Sendable {
    let library: MustacheLibrary

    public struct Missing: Error, CustomStringConvertible {
        public var name: String
        public var description: String { "The console's template \(name) is missing from this build." }
    }

    public static func load() async throws -> ConsoleTemplates {
        guard let folder = Bundle.module.url(forResource: "Resources/Console", withExtension: nil) else { throw Missing(name: "folder") }
        return ConsoleTemplates(library: try await MustacheLibrary(directory: folder.path))
    }

    func render(_ name: String, _ context: [String: Any]) throws -> String {
        guard let html = library.render(context, withTemplate: name) else { throw Missing(name: name) }
        return html
    }
}
