import Foundation

/// A PostgreSQL server of a test's own, for tests that restart or stop the state store's server:
/// the shared test server (`TestPostgres`) serves every other suite running at the same time.
/// Started with `scripts/test-postgres` (initdb and start, a few seconds) in a new temporary
/// folder and always stopped by `stop()`.
public final class PrivatePostgres: Sendable {
    public let directory: String
    /// The test role's URL on its own database (`postgres://kiamo_test:...@127.0.0.1:PORT/kiamo_test?sslmode=disable`).
    public let url: String

    private init(directory: String, url: String) {
        self.directory = directory
        self.url = url
    }

    private static var script: String { PackagePaths.root.appendingPathComponent("scripts/test-postgres").path }

    /// Starts a server; throws with its log when it does not start. Off the cooperative pool.
    public static func start() async throws -> PrivatePostgres {
        // Under /tmp: the server runs as the postgres user, who must reach the folder.
        let directory = "/tmp/kiamo-postgres-\(UUID().uuidString.prefix(8))"
        do {
            let result = try await ChildProcess.run(script, ["start", directory])
            guard result.status == 0 else {
                throw ChildProcess.Failure(command: "scripts/test-postgres start", status: result.status, output: result.output)
            }
            let environment = try String(contentsOfFile: directory + "/postgres.env", encoding: .utf8)
            let prefix = "KIAMO_TEST_POSTGRES_URL="
            guard let line = environment.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else {
                throw ChildProcess.Failure(command: "scripts/test-postgres start", status: 0, output: "no \(prefix) in postgres.env")
            }
            return PrivatePostgres(directory: directory, url: String(line.dropFirst(prefix.count)))
        } catch {
            _ = try? await ChildProcess.run(script, ["stop", directory])
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// `pg_ctl restart -m fast`: every connection is cut, committed data is kept, and the server
    /// listens again on the same port once this returns.
    public func restart() async throws {
        let result = try await ChildProcess.run(Self.script, ["restart", directory])
        guard result.status == 0 else {
            throw ChildProcess.Failure(command: "scripts/test-postgres restart", status: result.status, output: result.output)
        }
    }

    /// Stops the server and removes its files; safe to call twice.
    public func stop() async {
        _ = try? await ChildProcess.run(Self.script, ["stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Runs `body` with a PostgreSQL server of its own, stopped afterwards whether `body` threw or not.
public func withPrivatePostgres<T: Sendable>(_ body: (PrivatePostgres) async throws -> T) async throws -> T {
    let server = try await PrivatePostgres.start()
    do {
        let value = try await body(server)
        await server.stop()
        return value
    } catch {
        await server.stop()
        throw error
    }
}
