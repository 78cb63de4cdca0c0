import Foundation

/// The command line's lines, written as they are printed, also into a log or a pipe (Swift's
/// `print` buffers a whole block there): a long command's progress is seen as it happens.
/// A closed pipe (`chitra status | head`) ends the output quietly, as it does for other tools.
func print(_ line: String = "") {
    do {
        try FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8))
    } catch {
        exit(0)
    }
}
