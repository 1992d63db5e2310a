// XEmulator: an in-memory X (Twitter) API over real HTTP, strict the way X is, for tests, the
// local run and benchmarks. It serves the v2 DM and user endpoints (bodies valid against the
// official schema), the legacy v1.1 dialect, OAuth 1.0a verification, OAuth 2.0 tokens with
// rotating refresh tokens and PKCE, X's rate limits, push (webhooks with CRC and signed
// deliveries, the Account Activity and X Activity APIs, the activity stream), and a control API
// under `/_emulator`.
//
// Threading rule: all state lives in `EmulatorStore` behind one `Mutex`, taken briefly and never
// across an `await`; requests run on Hummingbird's event loops and Swift's cooperative pool and
// never block either (a `delay` fault sleeps with `Task.sleep`). Pushes (webhook deliveries, the
// activity stream) are rendered under that lock when a DM is created, then sent by `PushHub`,
// which has a lock of its own, taken after the store's or alone, never the other way round;
// its HTTP calls and retries are tasks of their own.

import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
// The control API's types (users, faults, stats, ...) are the emulator's as much as its clients'.
@_exported import XEmulatorControl

/// An X API emulator: its store and the way to serve it over HTTP.
public struct XEmulator: Sendable {
    /// Users, DMs, stats, faults and OAuth/rate-limit state; seed it or inspect it directly.
    public let store: EmulatorStore
    let logger: Logger

    /// The configuration it serves with.
    public var configuration: EmulatorConfiguration { store.configuration }

    /// An emulator with an empty store holding only the configured accounts.
    public init(configuration: EmulatorConfiguration, logger: Logger = Logger(label: "x-emulator")) {
        self.init(store: EmulatorStore(configuration: configuration), logger: logger)
    }

    /// An emulator serving an existing store.
    public init(store: EmulatorStore, logger: Logger = Logger(label: "x-emulator")) {
        self.store = store
        self.logger = logger
    }

    /// The Hummingbird responder (for router-level tests through HummingbirdTesting).
    public var responder: EmulatorResponder {
        EmulatorResponder(service: EmulatorService(store: store, logger: logger))
    }

    /// The Hummingbird application serving on `host:port` (0: any free port); `onListening`
    /// receives the bound port once the socket listens.
    public func application(
        host: String = "127.0.0.1",
        port: Int = 0,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<EmulatorResponder> {
        Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "x-emulator"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Serves until the calling task is cancelled.
    public func run(host: String = "127.0.0.1", port: Int = 0, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(host: host, port: port, onListening: onListening).run()
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully (what the executable does).
    public func runUntilSignal(host: String = "127.0.0.1", port: Int = 0, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(host: host, port: port, onListening: onListening).runService()
    }

    /// Starts serving in a background task and returns once the socket listens (or throws why
    /// it could not, e.g. the port is taken). `RunningEmulator.stop()` shuts it down gracefully.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> RunningEmulator {
        let (ports, continuation) = AsyncThrowingStream<Int, any Error>.makeStream()
        let application = application(host: host, port: port) { continuation.yield($0) }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [application], logger: logger))
        let task = Task {
            do {
                try await group.run()
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
                throw error
            }
        }
        for try await bound in ports {
            return RunningEmulator(port: bound, host: host, group: group, task: task)
        }
        task.cancel()
        throw CancellationError()
    }
}
