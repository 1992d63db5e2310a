// swift-tools-version:6.2
// kiamo-twitter: X (Twitter) Direct Messages to Kiamo agents through RabbitMQ.
// Module map and one-way dependencies: see ARCHITECTURE.md.
import PackageDescription

let package = Package(
    name: "kiamo-twitter",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CurlHTTP", targets: ["CurlHTTP"]),
        .library(name: "AMQP", targets: ["AMQP"]),
        .library(name: "XAPI", targets: ["XAPI"]),
        .library(name: "SharedState", targets: ["SharedState"]),
        .executable(name: "x-emulator", targets: ["x-emulator"]),
        .executable(name: "kiamo-twitter-ingest", targets: ["kiamo-twitter-ingest"]),
        .executable(name: "kiamo-twitter-dispatch", targets: ["kiamo-twitter-dispatch"]),
        .executable(name: "kiamo-twitter", targets: ["kiamo-twitter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context.git", from: "1.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
    ],
    targets: [
        // The one redactor for every URL the project prints (no dependency, so every module can use it).
        .target(name: "URLRedaction"),
        // X's id rule, one type shared by the X client, the state module and the core.
        .target(name: "XIdentifiers"),

        // Customers' media kept where agents can open them: a storage interface with a folder
        // backend, signed expiring links, and the HTTP service that serves them.
        .target(
            name: "MediaStore",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The ingest worker's webhook endpoint over HTTP (Hummingbird); what it does is KiamoTwitter's.
        .target(
            name: "PushReceiver",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // C libraries chosen by the user, reached through one Swift module each.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),

        // Async HTTP client over the libcurl multi interface.
        .target(
            name: "CurlHTTP",
            dependencies: [
                "CCurl",
                "URLRedaction",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // AMQP 0-9-1 client over librabbitmq.
        .target(
            name: "AMQP",
            dependencies: [
                "CRabbitMQ",
                "URLRedaction",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            // Release builds skip the run-time exclusivity checks of this module: callgrind
            // counted about 800 instructions a published message in them (swift_beginAccess on
            // the connection thread's classes and on the properties' shared box), more than the
            // C client's whole publish costs. The state they guard is confined to one thread
            // (the connection loop's classes are not Sendable) or written only when uniquely
            // owned (the properties' box); debug builds, which every test runs, keep the checks.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // X API client: OAuth 1.0a and 2.0, v2 DMs and users, legacy v1.1, rate limits, typed errors.
        .target(
            name: "XAPI",
            dependencies: [
                "XIdentifiers",
                "CurlHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The common state module: tokens, cache, cursors, ledgers, leases, rate-limit budgets.
        // It stores its own records and knows no X client: the core adapts one to the other.
        .target(
            name: "SharedState",
            dependencies: [
                "XIdentifiers",
                "URLRedaction",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Traces to an OpenTelemetry collector: a swift-distributed-tracing Tracer with W3C trace
        // context, and an OTLP/HTTP (JSON) exporter over CurlHTTP. Only executables bootstrap it.
        .target(
            name: "OTLPTracing",
            dependencies: [
                "CurlHTTP",
                "URLRedaction",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The core: Kiamo formats, mapping, configuration, topology, ingest and dispatch engines.
        .target(
            name: "KiamoTwitter",
            dependencies: [
                "MediaStore",
                "PushReceiver",
                "XIdentifiers",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                "XAPI",
                "AMQP",
                "SharedState",
                "CurlHTTP",
                "URLRedaction",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The admin tool's operations (auth, status, state, dead letters, numbered tests, the
        // end-to-end check): used by kiamo-twitter and its tests only, so the workers do not link it.
        .target(
            name: "KiamoTwitterAdmin",
            dependencies: [
                "KiamoTwitter",
                "XIdentifiers",
                "XEmulatorControl",
                "XAPI",
                "AMQP",
                "SharedState",
                "CurlHTTP",
                "URLRedaction",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What every executable shares around its engine: logging, metrics, health, lifecycle.
        .target(
            name: "WorkerRuntime",
            dependencies: [
                "KiamoTwitter",
                "OTLPTracing",
                "AMQP",
                "CurlHTTP",
                "SharedState",
                "XAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The ingest worker: X DMs → Kiamo messages on the exchange.
        .executableTarget(
            name: "kiamo-twitter-ingest",
            dependencies: [
                "KiamoTwitter",
                "WorkerRuntime",
                "XAPI",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The command-line tester and admin tool: numbered tests, auth, status, dead letters.
        .executableTarget(
            name: "kiamo-twitter",
            dependencies: [
                "KiamoTwitter",
                "KiamoTwitterAdmin",
                "WorkerRuntime",
                "XAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The dispatch worker: send commands → X DMs, exactly once, with retries and reports.
        .executableTarget(
            name: "kiamo-twitter-dispatch",
            dependencies: [
                "KiamoTwitter",
                "WorkerRuntime",
                "XAPI",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Child processes for the tests and the benchmarks (swift-subprocess); no worker links it.
        .target(
            name: "ChildProcesses",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The X emulator's control API: its types and a typed client over CurlHTTP.
        .target(
            name: "XEmulatorControl",
            dependencies: ["CurlHTTP"]
        ),
        // X API emulator: strict like X, in memory, over real HTTP.
        .target(
            name: "XEmulator",
            dependencies: [
                "XEmulatorControl",
                // Outgoing calls to webhooks: CRC checks and deliveries.
                "CurlHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "x-emulator",
            dependencies: [
                "XEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Benchmarks for scripts/bench (release builds, JSON lines).
        .executableTarget(
            name: "kiamo-bench",
            dependencies: [
                "ChildProcesses",
                "AMQP",
                "CurlHTTP",
                "XAPI",
                "SharedState",
                "XEmulator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                "KiamoTwitter",
            ]
        ),

        // Shared fixtures for the test targets: the private broker, the emulator, child processes.
        .target(
            name: "TestSupport",
            dependencies: [
                "ChildProcesses",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                "CurlHTTP",
                "SharedState",
                .product(name: "InMemoryLogging", package: "swift-log"),
                "XEmulator",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", "TestSupport"]),
        .testTarget(
            name: "MediaStoreTests",
            dependencies: [
                "MediaStore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "AMQPTests", dependencies: ["AMQP", "URLRedaction", "TestSupport"]),
        .testTarget(name: "XAPITests", dependencies: ["XAPI", "XEmulator", "TestSupport"]),
        .testTarget(
            name: "SharedStateTests",
            dependencies: [
                "SharedState",
                "XAPI",
                "XEmulator",
                "CurlHTTP",
                "TestSupport",
                "state-probe", // spawned by the multi-process tests; listed so --build-tests builds it
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Test-only executable the SharedState multi-process tests spawn on one state file. It
        // refreshes tokens through the core's adapter (SharedOAuth2TokenStore), as the workers do.
        .executableTarget(
            name: "state-probe",
            dependencies: [
                "SharedState",
                "KiamoTwitter",
                "XAPI",
                "CurlHTTP",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/StateProbe"
        ),
        .testTarget(
            name: "KiamoTwitterTests",
            dependencies: [
                "KiamoTwitter", "WorkerRuntime", "OTLPTracing", "TestSupport",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
        // The ingest worker as its own process against the emulator, RabbitMQ and SQLite.
        .testTarget(
            name: "IngestTests",
            dependencies: [
                "KiamoTwitter", "SharedState", "AMQP", "XEmulator", "XEmulatorControl", "CurlHTTP", "TestSupport", "kiamo-twitter-ingest",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "ChildProcesses",
                .product(name: "SystemPackage", package: "swift-system"),
                "KiamoTwitter",
                "KiamoTwitterAdmin",
                "SharedState",
                "XAPI",
                "AMQP",
                "CurlHTTP",
                "TestSupport",
                // Run as processes by the tests; listed so --build-tests builds them.
                "kiamo-twitter",
                "x-emulator",
                "kiamo-twitter-ingest",
                "kiamo-twitter-dispatch",
            ]
        ),
        // The dispatch worker as its own process against the broker, the emulator and SQLite.
        .testTarget(
            name: "DispatchTests",
            dependencies: [
                "KiamoTwitter",
                "TestSupport",
                "AMQP",
                "XAPI",
                "CurlHTTP",
                "SharedState",
                "XEmulator",
                "kiamo-twitter-dispatch", // spawned by the tests; listed so --build-tests builds it
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The whole system as separate OS processes: a broker of its own, the X emulator, ingest,
        // dispatch and an agent on the real Kiamo connector (PHP), each restarted once mid-way.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "KiamoTwitter",
                "AMQP",
                "CurlHTTP",
                "SharedState",
                "XEmulator",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                // Run as processes by the suite; listed so --build-tests builds them.
                "kiamo-twitter-ingest",
                "kiamo-twitter-dispatch",
                "x-emulator",
            ],
            exclude: ["agent.php"]
        ),
        .testTarget(
            name: "XEmulatorTests",
            dependencies: [
                "XEmulator",
                "TestSupport",
                "x-emulator", // spawned by the process tests; listed so --build-tests builds it
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
