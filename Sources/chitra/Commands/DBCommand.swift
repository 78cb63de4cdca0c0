import ArgumentParser
import ChitraCore
import ChitraLocal
import ChitraStore
import Foundation

/// `chitra db start|stop|status`: a private PostgreSQL in a folder, for development and demos.
struct DBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Start, stop or inspect a private PostgreSQL cluster.",
        subcommands: [Start.self, Stop.self, Status.self, MakeCredential.self, DBProvisionCommand.self])

    struct FolderOption: ParsableArguments {
        @Option(help: "The cluster's folder.")
        var folder: String = ".chitra/pg"

        var absolute: String {
            URL(fileURLWithPath: folder, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create (if needed) and start the cluster with database chitra, migrated; print how to connect.")
        @OptionGroup var folder: FolderOption
        @Option(help: "TCP port on 127.0.0.1 (default: a free one).")
        var port: Int?
        @Flag(help: "Print the URLs with their passwords (they are otherwise in a password file of mode 0600).")
        var showPassword = false

        func run() async throws {
            let path = folder.absolute
            if let running = try LocalCluster.existing(in: path) {
                print("Already running.")
                DevelopmentCluster(cluster: running).printExports(showPassword: showPassword)
                return
            }
            let cluster = try await LocalCluster.start(in: path, port: port, ephemeral: false)
            let development = DevelopmentCluster(cluster: cluster)
            let created = try await development.prepare()
            print("PostgreSQL is running in \(path) on 127.0.0.1:\(cluster.port); database \(DevelopmentCluster.database) is migrated.")
            if created { print("Made an admin token for development in \(development.adminTokenPath) (mode 0600).") }
            development.printExports(showPassword: showPassword)
        }
    }

    /// `chitra db credential --name worker-1` (or `--name serve --every-unit`): a service's
    /// credential, made by the owner of the tables.
    struct MakeCredential: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "credential",
            abstract: "Make the credential of a service (a worker, chitra serve) as the owner of the tables; print its secret once.",
            discussion: """
                The database shows the application's role nothing without a credential it verifies: people present their \
                token, services this secret (set it as \(ServiceCredentials.environmentVariable) on the server only). A second \
                credential of the same name replaces the first. A worker's credential reaches the queue, and the unit of each \
                job it holds while it holds it; --every-unit makes one that reads every unit (chitra serve's --metrics-port).
                """)
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The service's name, e.g. worker-1.") var name: String
        @Flag(help: "Reach every unit (for chitra serve's metrics), not only the units of the jobs a worker holds.") var everyUnit = false

        func run() async throws {
            let credential = try await connection.withOwnerDatabase { database in
                try await ServiceCredentials.create(name: name, reach: everyUnit ? .everyUnit : .jobs, database: database)
            }
            print(credential.secret)
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the cluster (its data stays).")
        @OptionGroup var folder: FolderOption

        func run() async throws {
            guard let cluster = try LocalCluster.existing(in: folder.absolute) else {
                print("No cluster is running in \(folder.absolute).")
                return
            }
            await cluster.stop(removingFolder: false)
            print("Stopped.")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether the cluster runs, and its URL.")
        @OptionGroup var folder: FolderOption

        func run() async throws {
            if let cluster = try LocalCluster.existing(in: folder.absolute) {
                print("running on 127.0.0.1:\(cluster.port)")
                DevelopmentCluster(cluster: cluster).printExports(showPassword: false)
            } else {
                print("not running")
                throw ExitCode(3)
            }
        }
    }
}
