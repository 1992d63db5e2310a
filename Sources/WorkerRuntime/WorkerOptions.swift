import ArgumentParser
import Foundation
import KiamoTwitter

/// The command-line options both workers share.
public struct WorkerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file (YAML or JSON); KIAMO_TWITTER_CONFIG otherwise. Environment variables override it.", valueName: "path"))
    public var config: String?

    @Flag(name: .long, help: "Check the configuration, print it with secrets masked, and exit.")
    public var check = false

    public init() {}

    /// The configuration, or one line on standard error and exit code 2.
    public func loadConfiguration(role: String) throws -> Configuration {
        do {
            return try ConfigurationLoader().load(file: config)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("kiamo-twitter-\(role): \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// The configuration to run with, or nil when `--check` printed it and the worker is done.
    public func configurationToRun(role: String) throws -> Configuration? {
        let configuration = try loadConfiguration(role: role)
        guard check else { return configuration }
        print(Self.describe(configuration))
        return nil
    }

    /// `--check`: the resolved configuration, one `key = value (origin)` line per setting.
    public static func describe(_ configuration: Configuration) -> String {
        ConfigurationReport.lines(configuration).joined(separator: "\n")
    }
}

/// The worker's `--help` epilogue: every setting with its variable and default.
public enum WorkerHelp {
    public static var environment: String {
        var lines = ["Settings (file key, environment variable, default):"]
        for key in ConfigurationKey.all {
            let variable = key.environment.map { $0 + (key.isSecret ? " (or \($0)_FILE)" : "") } ?? "-"
            lines.append("  \(key.path)  \(variable)  [\(key.defaultValue ?? "none")]")
        }
        lines.append("Account variables configure the first account. See README.md, \"Configuration\".")
        return lines.joined(separator: "\n")
    }
}
