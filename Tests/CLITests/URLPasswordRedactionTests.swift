import Foundation
import TestSupport
import Testing

/// A password written raw in a URL with every character that ends a URL part (`/ ? # @ : %`)
/// never reaches any output: `--check` of both workers, `kiamo-twitter test --test=00`, `status`,
/// the workers' start-up log at every level (standard output and the daily files) and their errors.
@Suite("URL passwords never printed", .serialized)
struct URLPasswordRedactionTests {
    /// Three-letter pieces between the separators: none may appear in any output.
    static let pieces = ["Zqx", "Xvq", "Kwj", "Jmz", "Ypq", "Hbk", "Tnw"]
    /// Percent-decodes (`%25` is `%`): the URL parses, and the broker refuses the credentials.
    static let decodable = "Zqx/Xvq?Kwj#Jmz@Ypq:Hbk%25Tnw"
    /// `%Tn` is not percent-encoding: the URL cannot be read at all.
    static let undecodable = "Zqx/Xvq?Kwj#Jmz@Ypq:Hbk%Tnw"

    static func expectNoPiece(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for piece in pieces {
            #expect(!text.contains(piece), "\(what) shows part of the password ('\(piece)'):\n\(text.suffix(3000))", sourceLocation: sourceLocation)
        }
    }

    /// The test broker's address with `password` (raw) for the user `kiamo`.
    static func brokerURL(password: String) throws -> String {
        let url = try TestBroker.url()
        guard let at = url.lastIndex(of: "@") else { throw URLError(.badURL) }
        return "amqp://kiamo:\(password)" + url[at...]
    }

    /// Runs `executable` to completion and returns its exit and output (standard output and error).
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]) async throws -> (RunningProcess.Exit, String) {
        let process = try await RunningProcess(
            name: executable, executable: PackagePaths.executable(executable), arguments: arguments,
            environment: environment)
        let exit = try await process.waitForExit(timeout: .seconds(60))
        return (exit, process.output())
    }

    static func environment(amqpURL: String, stateURL: String? = nil, logFolder: String? = nil, level: String = "trace") throws -> [String: String] {
        var extra = ["KIAMO_TWITTER_LOG_LEVEL": level]
        if let stateURL { extra["KIAMO_TWITTER_STATE_URL"] = stateURL }
        if let logFolder {
            extra["KIAMO_TWITTER_LOG_FILES_ENABLED"] = "true"
            extra["KIAMO_TWITTER_LOG_FILES_FOLDER"] = logFolder
        }
        return WorkerProcess.environment(
            amqpURL: amqpURL, stateFile: try WorkerProcess.temporaryStateFile(),
            apiBaseURL: "http://127.0.0.1:1", exchange: "redaction", extra: extra)
    }

    @Test(arguments: [decodable, undecodable])
    func checkAndTheVoidRunMaskTheWholeUserInformation(password: String) async throws {
        let environment = try Self.environment(
            amqpURL: try Self.brokerURL(password: password),
            stateURL: "sqlite://kiamo:\(password)@db.example/x.db")
        for executable in ["kiamo-twitter-ingest", "kiamo-twitter-dispatch"] {
            let (exit, output) = try await Self.run(executable, ["--check"], environment: environment)
            #expect(exit == .exited(0), "\(executable) --check: \(output)")
            #expect(output.contains("amqp.url = amqp://****@127.0.0.1:"), "\(output)")
            #expect(output.contains("state.url = sqlite://****@db.example/x.db"), "\(output)")
            Self.expectNoPiece(output, "\(executable) --check")
        }
        let voidRun = try await CLIProcess.run(["test", "--test=00"], environment: environment)
        #expect(voidRun.status == 0, "\(voidRun)")
        #expect(voidRun.stdout.contains("amqp.url = amqp://****@127.0.0.1:"), "\(voidRun)")
        Self.expectNoPiece(voidRun.stdout + voidRun.stderr, "test --test=00")
    }

    @Test(arguments: [decodable, undecodable])
    func statusAndItsErrorsMaskThePassword(password: String) async throws {
        let environment = try Self.environment(amqpURL: try Self.brokerURL(password: password))
        for arguments in [["status"], ["status", "--json"], ["setup"], ["state", "show"]] {
            let result = try await CLIProcess.run(arguments, environment: environment)
            // `state show` reads the state file only; the others must be refused by the broker.
            #expect(arguments == ["state", "show"] || result.status != 0, "\(arguments): the broker must refuse kiamo: \(result)")
            Self.expectNoPiece(result.stdout + result.stderr, "kiamo-twitter \(arguments.joined(separator: " "))")
        }
    }

    @Test(arguments: [decodable, undecodable])
    func startUpLogsAtEveryLevelMaskThePassword(password: String) async throws {
        let amqpURL = try Self.brokerURL(password: password)
        for level in ["trace", "debug", "info", "notice", "warning", "error", "critical"] {
            let logFolder = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-redaction-\(UUID().uuidString.prefix(8))").path
            for executable in ["kiamo-twitter-ingest", "kiamo-twitter-dispatch"] {
                let environment = try Self.environment(amqpURL: amqpURL, logFolder: logFolder, level: level)
                let (exit, output) = try await Self.run(executable, [], environment: environment)
                #expect(exit != .exited(0), "\(executable) must stop: the broker refuses kiamo; \(output)")
                #expect(level != "critical" || output.contains("amqp"), "the critical line names the broker setting: \(output)")
                Self.expectNoPiece(output, "\(executable) at \(level)")
            }
            let files = (try? FileManager.default.contentsOfDirectory(atPath: logFolder)) ?? []
            #expect(!files.isEmpty, "the daily log files of \(level) were not written")
            for file in files {
                let text = try String(contentsOfFile: logFolder + "/" + file, encoding: .utf8)
                Self.expectNoPiece(text, "daily log file \(file) at \(level)")
            }
        }
    }

    @Test(arguments: [decodable, undecodable])
    func aStateURLWithAPasswordIsMaskedInTheStartUpError(password: String) async throws {
        let environment = try Self.environment(amqpURL: try TestBroker.url(), stateURL: "sqlite://kiamo:\(password)@db.example/x.db")
        let (exit, output) = try await Self.run("kiamo-twitter-ingest", [], environment: environment)
        // A state.url that names no store is a malformed setting: exit 2, as README's
        // troubleshooting table says and as kiamo-twitter answers (StateURLFailureTests).
        #expect(exit == .exited(2), "\(output)")
        #expect(output.contains("sqlite://****@db.example/x.db"), "\(output)")
        Self.expectNoPiece(output, "the state store error")
    }
}
