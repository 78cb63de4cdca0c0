/// Why an official unit list was refused: one sentence naming the file and line.
public enum UnitCatalogueError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingFile(String, folder: String)
    case badFile(file: String, line: Int, problem: String)

    public var description: String {
        switch self {
        case .missingFile(let name, let folder):
            "The unit lists in \(folder) have no \(name): a catalogue needs the lists before and after its reform and the lineage between them."
        case .badFile(let file, let line, let problem):
            line > 0 ? "\(file), line \(line): \(problem)." : "\(file): \(problem)."
        }
    }
}
