import ArgumentParser
import ChitraWorkerCommand

/// `chitra-worker`: one worker process, as systemd starts it (the same program as `chitra worker`).
@main
struct ChitraWorkerMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "chitra-worker", abstract: WorkerOptions.abstract)

    @OptionGroup var options: WorkerOptions

    func run() async throws {
        try await options.run()
    }
}
