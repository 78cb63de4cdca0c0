import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The longest a worker process may take to stop once asked (SIGTERM or SIGINT): past it, it says
/// so and exits with status 70 for its supervisor, whatever is still waiting (a handler or a scrape
/// stuck on a connection the database dropped): the leases of its jobs expire and the rescuer
/// returns them. It listens for the signals itself, so that a service whose stop never finishes
/// cannot keep the others from being told to stop, nor this deadline from running.
///
/// Put it first in the service group: the group stops services in reverse order, so it is told to
/// stop last, once every other service has stopped, and then ends without exiting.
public struct StopDeadline: Service {
    let limit: Duration
    let logger: Logger

    public init(limit: Duration, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                for await _ in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                    try await Task.sleep(for: limit)
                    logger.critical("the stop did not finish in time: exiting; the rescuer returns this worker's jobs when their leases expire",
                                    metadata: ["limit": "\(limit)"])
                    exit(70)
                }
            }
        } catch is CancellationError {
            // Every other service stopped in time.
        }
    }
}
