import ArgumentParser
import KiamoTwitter
import KiamoTwitterAdmin

/// `kiamo-twitter request OPERATION [name=value ...]`.
struct RequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request",
        abstract: "Print the exact signed request of an X operation, without sending it.",
        discussion: "Operations and their parameters (name=value; optional ones in brackets):\n"
            + RequestPreview.operations.map(Self.usage).joined(separator: "\n")
            + "\n\nThe request is built by the workers' own client, in the configured dialect (api.version) and authentication. "
            + "With --nonce and --timestamp an OAuth 1.0a signature is reproducible. The consumer key and secret, tokens and "
            + "signature are shown as **** (OAuth 2.0: Bearer ****) unless --show-secrets."
    )

    @Argument(help: "The operation (see above).")
    var operation: String

    @Argument(help: ArgumentHelp("Its parameters, each name=value.", valueName: "name=value"))
    var parameters: [String] = []

    @Option(help: "OAuth 1.0a: a fixed oauth_nonce (letters and digits).")
    var nonce: String?

    @Option(help: ArgumentHelp("OAuth 1.0a: a fixed oauth_timestamp (Unix seconds).", valueName: "seconds"))
    var timestamp: String?

    @Flag(help: "Show the credentials and the signature instead of ****. The output then holds secrets: do not share it.")
    var showSecrets = false

    @OptionGroup var options: GlobalOptions

    /// `sendDM to=... text=...: send a DM (...)`, optional parameters in brackets.
    static func usage(_ operation: RequestPreview.Operation) -> String {
        let parameters = operation.parameters.map { operation.required.contains($0) ? "\($0)=..." : "[\($0)=...]" }
        return "  " + ([operation.name] + parameters).joined(separator: " ") + ": " + operation.summary
    }

    func run() async throws {
        var named: [String: String] = [:]
        for parameter in parameters {
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("parameter '\(parameter)' is not name=value") }
            guard named[parts[0]] == nil else { throw ValidationError("parameter \(parts[0]) is given twice") }
            named[parts[0]] = parts[1]
        }
        let command = self
        let parameters = named
        try await CommandRunner.run(options) { session in
            let account = try await session.account(command.options.account)
            var token: String?
            if command.showSecrets, case .oauth2 = account.credentials {
                token = try? await session.state(mustExist: true).storedToken(account: account.userId)?.token.accessToken
            }
            return try await RequestPreview(configuration: session.configuration, account: account, accessToken: token)
                .build(
                    operationName: command.operation, parameters: parameters, nonce: command.nonce, timestamp: command.timestamp,
                    showSecrets: command.showSecrets)
        }
    }
}
