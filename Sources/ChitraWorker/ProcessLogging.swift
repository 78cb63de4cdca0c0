import Foundation
import Logging
import Synchronization

/// Logging for Chitra's executables: one line per event on standard error, as text or (with
/// `--log-format json` or `CHITRA_LOG_FORMAT=json`) as one JSON object per line.
public enum ProcessLogging {
    public enum Format: String, Sendable, CaseIterable {
        case text, json
    }

    /// The format chosen by `CHITRA_LOG_FORMAT` (text when unset or unknown).
    public static var environmentFormat: Format {
        ProcessInfo.processInfo.environment["CHITRA_LOG_FORMAT"].flatMap(Format.init(rawValue:)) ?? .text
    }

    private static let chosen = Mutex<Format?>(nil)
    /// swift-log may be bootstrapped once per process; commands that connect twice ask twice.
    private static let once: Void = {
        switch chosen.withLock({ $0 }) ?? environmentFormat {
        case .text: LoggingSystem.bootstrap(StreamLogHandler.standardError)
        case .json: LoggingSystem.bootstrap(JSONLogHandler.init)
        }
    }()

    /// Bootstraps swift-log once (in `format`, the first time it is given; else CHITRA_LOG_FORMAT's)
    /// and returns the process's root logger at `level` (`trace` … `critical`; `info` when nil or unknown).
    public static func bootstrap(label: String, level: String?, format: Format? = nil) -> Logger {
        if let format { chosen.withLock { if $0 == nil { $0 = format } } }
        _ = once
        var logger = Logger(label: label)
        logger.logLevel = level.flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }
}

/// A worker's name in leases and logs: host, process id and a random suffix, unique per process.
public enum WorkerIdentity {
    public static func make() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(suffix)"
    }
}
