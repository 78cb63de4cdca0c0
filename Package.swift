// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Chitra",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chitra", targets: ["chitra"]),
        .executable(name: "chitra-worker", targets: ["chitra-worker"]),
        .executable(name: "chitra-banksim", targets: ["chitra-banksim"]),
        .library(name: "ChitraCore", targets: ["ChitraCore"]),
        .library(name: "ChitraStore", targets: ["ChitraStore"]),
        .library(name: "ChitraWorker", targets: ["ChitraWorker"]),
        .library(name: "ChitraTesting", targets: ["ChitraTesting"]),
        .library(name: "ChitraLocal", targets: ["ChitraLocal"]),
        .library(name: "ChitraRails", targets: ["ChitraRails"]),
        .library(name: "ChitraAPI", targets: ["ChitraAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(
            name: "ChitraCore",
            resources: [.process("Resources")],
            // The domain's hot loops (CSV parsing, validation, the calculator) run over millions of
            // rows in the tests too: optimise them even in debug builds.
            swiftSettings: strict + [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .target(
            name: "ChitraStore",
            dependencies: [
                "ChitraCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Migrations")],
            swiftSettings: strict
        ),
        // The workbench wing: a private PostgreSQL, child processes and the simulated post office, for
        // the tests, the demo, `chitra db` and `chitra bench` (their SQL stays in ChitraStore). No
        // product target (Core, Store, Rails, Worker, API) depends on it.
        .target(
            name: "ChitraLocal",
            dependencies: [
                "ChitraCore", "ChitraStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ChitraRails",
            dependencies: [
                "ChitraCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ChitraWorker",
            dependencies: [
                "ChitraCore", "ChitraStore", "ChitraRails",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ChitraAPI",
            dependencies: [
                "ChitraCore", "ChitraStore", "ChitraRails",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),
        // The bank and e-wallet simulator (tests, benchmarks, the demo): `chitra banksim`, and
        // `chitra-banksim` alone.
        .target(
            name: "ChitraBankSimulator",
            dependencies: [
                "ChitraCore", "ChitraRails",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["openapi.yaml"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "chitra-banksim",
            dependencies: ["ChitraBankSimulator", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        // One worker process's command line: `chitra worker`, and `chitra-worker` for systemd.
        .target(
            name: "ChitraWorkerCommand",
            dependencies: [
                "ChitraCore", "ChitraStore", "ChitraWorker", "ChitraAPI", "ChitraRails",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ChitraTesting",
            dependencies: [
                "ChitraCore", "ChitraStore", "ChitraWorker", "ChitraRails", "ChitraAPI", "ChitraLocal",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "chitra",
            dependencies: [
                "ChitraCore", "ChitraStore", "ChitraWorker", "ChitraAPI", "ChitraWorkerCommand", "ChitraBankSimulator", "ChitraLocal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "chitra-worker",
            dependencies: ["ChitraWorkerCommand", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Workers/chitra-worker",
            swiftSettings: strict
        ),
        .testTarget(name: "ChitraCoreTests", dependencies: ["ChitraCore"], swiftSettings: strict),
        .testTarget(
            name: "ChitraAPITests",
            dependencies: ["ChitraAPI", "ChitraStore", "ChitraCore", "ChitraTesting", "ChitraWorker", "ChitraLocal",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            exclude: ["Browser"],
            swiftSettings: strict
        ),
        .testTarget(name: "ChitraRailsTests", dependencies: ["ChitraRails", "ChitraCore", "ChitraTesting"], swiftSettings: strict),
        .testTarget(
            name: "ChitraStoreTests",
            dependencies: ["ChitraStore", "ChitraRails", "ChitraTesting", "ChitraLocal", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: strict
        ),
        // Runs, payouts, workers and their processes against a real PostgreSQL (and the bank's simulator).
        .testTarget(
            name: "ChitraIntegrationTests",
            dependencies: ["ChitraWorker", "ChitraStore", "ChitraAPI", "ChitraRails", "ChitraTesting", "ChitraLocal", .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: strict
        ),
        // The `chitra` command line as people use it: the built executable, run as a process.
        .testTarget(
            name: "ChitraCLITests",
            dependencies: ["ChitraWorker", "ChitraStore", "ChitraRails", "ChitraTesting", "ChitraLocal", .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: strict
        ),
    ]
)
