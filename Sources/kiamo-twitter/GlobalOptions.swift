import ArgumentParser
import Foundation
import KiamoTwitter
import Logging

/// The options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file (YAML or JSON); KIAMO_TWITTER_CONFIG otherwise. KIAMO_TWITTER_* variables override it.", valueName: "path"))
    var config: String?

    @Flag(name: .long, help: "Print one JSON document on standard output instead of text.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("The X account (user id) to act for; needed only when several are configured.", valueName: "user-id"))
    var account: String?

    @Flag(name: .long, help: "Log what the libraries do (HTTP calls, broker) on standard error.")
    var verbose = false

    /// The configuration, or one line on standard error and exit code 2. Bootstraps logging
    /// (standard error; quiet unless --verbose), once per process.
    func loadConfiguration() throws -> Configuration {
        let level: Logger.Level = verbose ? .debug : .critical
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        do {
            let loader = ConfigurationLoader()
            let configuration = try loader.load(file: config)
            for variable in loader.unknownVariables() {
                Output.error("warning: unknown environment variable \(variable) ignored (a typo? `kiamo-twitter --help` lists the variables)")
            }
            return configuration
        } catch let error as ConfigurationError {
            Output.error(error.description)
            throw ExitCode(2)
        }
    }
}
