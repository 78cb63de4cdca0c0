import Foundation
import Logging

/// Logging for Chitra's executables: one line per event on standard error.
public enum ProcessLogging {
    /// swift-log may be bootstrapped once per process; commands that connect twice ask twice.
    private static let once: Void = LoggingSystem.bootstrap(StreamLogHandler.standardError)

    /// Bootstraps swift-log once and returns the process's root logger at `level`
    /// (`trace` … `critical`; `info` when nil or unknown).
    public static func bootstrap(label: String, level: String?) -> Logger {
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
