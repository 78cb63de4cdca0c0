import Foundation

/// The command line's lines, written as they are printed, also into a log or a pipe (Swift's
/// `print` buffers a whole block there): a long command's progress is seen as it happens.
func print(_ line: String = "") {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
