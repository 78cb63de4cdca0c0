import Foundation
import Synchronization

/// One line that rewrites itself on a terminal; elsewhere (a log, CI) a line when it changed, at
/// most every five seconds, and its last state at the end.
final class ProgressLine: Sendable {
    let interactive = isatty(STDOUT_FILENO) != 0
    private struct State {
        var shown: String?
        var printed: String?
        var printedAt = ContinuousClock.now - .seconds(60)
    }
    private let state = Mutex(State())

    func show(_ text: String) {
        if interactive {
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + text).utf8))
            return
        }
        let due = state.withLock { state -> Bool in
            state.shown = text
            guard text != state.printed, ContinuousClock.now - state.printedAt >= .seconds(5) else { return false }
            state.printed = text
            state.printedAt = ContinuousClock.now
            return true
        }
        if due { print(text) }
    }

    /// Ends the line; elsewhere prints its last state if it was not printed.
    func finish() {
        if interactive { return print("") }
        let last = state.withLock { state in state.shown != state.printed ? state.shown : nil }
        if let last { print(last) }
    }

    /// `[██████░░░░]  62 %`.
    static func bar(_ done: Int, of total: Int, width: Int = 24) -> String {
        let fraction = total <= 0 ? 1 : min(1, max(0, Double(done) / Double(total)))
        let filled = Int((fraction * Double(width)).rounded())
        return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "] "
            + String(format: "%3.0f %%", fraction * 100)
    }
}
