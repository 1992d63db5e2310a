import Foundation
import Logging
import Yams

/// Resolves a `Configuration` from one file (YAML or JSON), the environment and the defaults, in
/// that order of precedence: environment over file over default.
///
/// Every key of the file must be a known one (`ConfigurationKey.all`) with a value of its type;
/// anything else fails with one `ConfigurationError` naming the key and its line. Secrets may come
/// from files named by `<VARIABLE>_FILE` (the Docker secrets convention).
public struct ConfigurationLoader: Sendable {
    /// Where one value came from, for error messages.
    enum Origin: Sendable {
        case file(String, line: Int?)
        case environment(String)
        case defaultValue

        var text: String? {
            switch self {
            case .file(let path, let line): line.map { "\(path):\($0)" } ?? path
            case .environment(let name): name
            case .defaultValue: nil
            }
        }
    }

    /// A value before conversion to its key's type: text, or a list of texts for list kinds.
    struct RawValue: Sendable {
        var texts: [String]
        var origin: Origin
        var text: String { texts.joined(separator: ",") }
    }

    public let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The configuration from `file` (or `KIAMO_TWITTER_CONFIG` when `file` is nil; no file at all
    /// is allowed), then the environment, then the defaults.
    public func load(file: String? = nil) throws -> Configuration {
        var globals: [String: RawValue] = [:]
        var accounts: [[String: RawValue]] = []
        if let path = file ?? environment["KIAMO_TWITTER_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            try readFile(path, globals: &globals, accounts: &accounts)
        }
        try applyEnvironment(globals: &globals, accounts: &accounts)
        return try build(globals: globals, accounts: accounts)
    }

    /// `KIAMO_TWITTER_*` variables that match no setting (likely typos), to log as warnings.
    public func unknownVariables() -> [String] {
        var known: Set<String> = ["KIAMO_TWITTER_CONFIG"]
        for key in ConfigurationKey.all {
            guard let name = key.environment else { continue }
            known.insert(name)
            if key.isSecret { known.insert(name + "_FILE") }
        }
        return environment.keys.filter { $0.hasPrefix("KIAMO_TWITTER_") && !known.contains($0) }.sorted()
    }

    // MARK: - File

    private func readFile(_ path: String, globals: inout [String: RawValue], accounts: inout [[String: RawValue]]) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(key: path, problem: "cannot read the configuration file (\(Self.reason(error))); check the path and its permissions")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError(key: path, problem: "not valid YAML or JSON: \(Self.yamlProblem(error))")
        } catch {
            throw ConfigurationError(key: path, problem: "not valid YAML or JSON: \(error)")
        }
        guard let root else { return } // an empty file configures nothing
        guard case .mapping(let mapping) = root else {
            throw ConfigurationError(key: path, origin: Self.origin(path, root).text, problem: "the file must hold a mapping of settings at its top level")
        }
        try walk(mapping, prefix: "", file: path, globals: &globals, accounts: &accounts)
    }

    private func walk(_ mapping: Node.Mapping, prefix: String, file: String, globals: inout [String: RawValue], accounts: inout [[String: RawValue]]) throws {
        for (keyNode, valueNode) in mapping {
            guard let name = keyNode.string else {
                throw ConfigurationError(key: prefix.isEmpty ? "(top level)" : prefix, origin: Self.origin(file, keyNode).text, problem: "keys must be plain names")
            }
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            if path == "accounts" {
                accounts = try readAccounts(valueNode, file: file)
                continue
            }
            if let key = ConfigurationKey.named(path), !key.isAccountKey {
                if let raw = try Self.raw(valueNode, key: key, displayPath: path, file: file) { globals[path] = raw }
                continue
            }
            if ConfigurationKey.all.contains(where: { $0.path.hasPrefix(path + ".") && !$0.isAccountKey }) {
                guard case .mapping(let inner) = valueNode else {
                    if valueNode.isNull { continue }
                    throw ConfigurationError(key: path, origin: Self.origin(file, valueNode).text, problem: "expected a mapping of settings")
                }
                try walk(inner, prefix: path, file: file, globals: &globals, accounts: &accounts)
                continue
            }
            throw ConfigurationError(key: path, origin: Self.origin(file, keyNode).text, problem: "unknown setting\(Self.suggestion(for: path))")
        }
    }

    private func readAccounts(_ node: Node, file: String) throws -> [[String: RawValue]] {
        if node.isNull { return [] }
        guard case .sequence(let sequence) = node else {
            throw ConfigurationError(key: "accounts", origin: Self.origin(file, node).text, problem: "expected a list of accounts (`- userId: ...`)")
        }
        var result: [[String: RawValue]] = []
        for (index, entry) in sequence.enumerated() {
            guard case .mapping(let mapping) = entry else {
                throw ConfigurationError(key: "accounts[\(index)]", origin: Self.origin(file, entry).text, problem: "expected a mapping (`userId`, credentials)")
            }
            var fields: [String: RawValue] = [:]
            for (keyNode, valueNode) in mapping {
                let name = keyNode.string ?? ""
                let display = "accounts[\(index)].\(name)"
                guard let key = ConfigurationKey.named(ConfigurationKey.accountPrefix + name) else {
                    throw ConfigurationError(
                        key: display, origin: Self.origin(file, keyNode).text,
                        problem: "unknown account setting\(Self.suggestion(for: ConfigurationKey.accountPrefix + name))")
                }
                if let raw = try Self.raw(valueNode, key: key, displayPath: display, file: file) { fields[name] = raw }
            }
            result.append(fields)
        }
        return result
    }

    private static func raw(_ node: Node, key: ConfigurationKey, displayPath: String, file: String) throws -> RawValue? {
        let origin = origin(file, node)
        if node.isNull { return nil }
        switch node {
        case .scalar(let scalar):
            return RawValue(texts: [scalar.string], origin: origin)
        case .sequence(let sequence) where key.kind == .durations:
            var texts: [String] = []
            for item in sequence {
                guard case .scalar(let scalar) = item else {
                    throw ConfigurationError(key: displayPath, origin: origin.text, problem: "expected a list of durations")
                }
                texts.append(scalar.string)
            }
            return RawValue(texts: texts, origin: origin)
        default:
            throw ConfigurationError(key: displayPath, origin: origin.text, problem: "expected a single \(key.typeDescription) value")
        }
    }

    // MARK: - Environment

    private func applyEnvironment(globals: inout [String: RawValue], accounts: inout [[String: RawValue]]) throws {
        for key in ConfigurationKey.all {
            guard let name = key.environment, let raw = try environmentValue(name, key: key) else { continue }
            if key.isAccountKey {
                // The variables configure the first account: a container needs no file.
                if accounts.isEmpty { accounts.append([:]) }
                accounts[0][key.accountField] = raw
            } else {
                globals[key.path] = raw
            }
        }
    }

    private func environmentValue(_ name: String, key: ConfigurationKey) throws -> RawValue? {
        let direct = environment[name].flatMap { $0.isEmpty ? nil : $0 }
        let filePath = key.isSecret ? environment[name + "_FILE"].flatMap { $0.isEmpty ? nil : $0 } : nil
        switch (direct, filePath) {
        case (.some, .some):
            throw ConfigurationError(key: key.path, origin: name, problem: "both \(name) and \(name)_FILE are set; keep one")
        case (.some(let value), nil):
            return RawValue(texts: [value], origin: .environment(name))
        case (nil, .some(let path)):
            do {
                var value = try String(contentsOfFile: path, encoding: .utf8)
                while value.hasSuffix("\n") || value.hasSuffix("\r") { value.removeLast() }
                return RawValue(texts: [value], origin: .environment(name + "_FILE"))
            } catch {
                throw ConfigurationError(key: key.path, origin: name + "_FILE", problem: "cannot read the secret file \(path) (\(Self.reason(error)))")
            }
        case (nil, nil):
            return nil
        }
    }

    // MARK: - Conversion

    private func build(globals: [String: RawValue], accounts rawAccounts: [[String: RawValue]]) throws -> Configuration {
        let values = TypedValues(globals: globals)
        var configuration = Configuration(
            service: try values.string("service"),
            logLevel: Logger.Level(rawValue: try values.choice("logLevel")) ?? .info,
            logFiles: .init(enabled: try values.bool("logFiles.enabled"), folder: try values.string("logFiles.folder")),
            logFormat: Configuration.LogFormat(rawValue: try values.choice("logFormat")) ?? .text,
            amqp: .init(
                url: try values.secret("amqp.url"),
                exchange: try values.string("amqp.exchange"),
                queueType: Configuration.QueueType(rawValue: try values.choice("amqp.queueType")) ?? .classic,
                heartbeat: try values.duration("amqp.heartbeat"),
                bounds: Topology.QueueBounds(
                    reportsMaxLength: try values.int("amqp.reportsMaxLength"), reportsMaxAge: try values.duration("amqp.reportsMaxAge"),
                    deadLettersMaxLength: try values.int("amqp.deadLettersMaxLength"),
                    deadLettersMaxAge: try values.duration("amqp.deadLettersMaxAge"))
            ),
            state: .init(url: try values.secret("state.url")),
            api: .init(
                baseURL: try values.string("api.baseUrl"),
                version: Configuration.APIVersion(rawValue: try values.choice("api.version")) ?? .v2,
                timeout: try values.duration("api.timeout"),
                connectTimeout: try values.duration("api.connectTimeout"),
                tokenRefreshMargin: try values.duration("api.tokenRefreshMargin"),
                allowInsecureHttp: try values.bool("api.allowInsecureHttp")
            ),
            http: .init(host: try values.string("http.host"), port: try values.int("http.port")),
            tracing: .init(
                endpoint: try values.optionalString("tracing.endpoint").map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 },
                samplingPercent: try values.int("tracing.samplingPercent")),
            cache: .init(
                enabled: try values.bool("cache.enabled"),
                checkEveryInSecs: try values.int("cache.checkEveryInSecs"),
                expirationInSecs: try values.int("cache.expirationInSecs")
            ),
            resources: .init(enabled: try values.bool("resources.enabled"), folder: try values.string("resources.folder")),
            ingest: .init(
                pollInterval: try values.duration("ingest.pollInterval"),
                paginationCount: try values.int("ingest.paginationCount"),
                backfill: try values.duration("ingest.backfill"),
                overlap: try values.duration("ingest.overlap"),
                senderNameTemplate: try values.string("ingest.senderNameTemplate"),
                leaseTTL: try values.duration("ingest.leaseTtl")
            ),
            dispatch: .init(
                prefetch: try values.int("dispatch.prefetch"),
                concurrencyPerAccount: try values.int("dispatch.concurrencyPerAccount"),
                maxAttempts: try values.int("dispatch.maxAttempts"),
                maxDeliveries: try values.int("dispatch.maxDeliveries"),
                retryDelays: try values.durations("dispatch.retryDelays"),
                splitLongMessages: try values.bool("dispatch.splitLongMessages"),
                maxCommandBytes: try values.int("dispatch.maxCommandBytes"),
                staleClaim: try values.duration("dispatch.staleClaim"),
                sentRetention: try values.duration("dispatch.sentRetention"),
                attachments: try Self.attachments(values, globals: globals)
            ),
            shutdownGrace: try values.duration("shutdownGrace"),
            accounts: try rawAccounts.enumerated().map { try Self.account($0.element, index: $0.offset) }
        )
        configuration.media = try Self.media(values, globals: globals)
        configuration.api.consumerKey = try values.optionalSecret("api.consumerKey") ?? Secret("")
        configuration.api.consumerSecret = try values.optionalSecret("api.consumerSecret") ?? Secret("")
        configuration.ingest.mode = IngestMode(rawValue: try values.choice("ingest.mode")) ?? .poll
        configuration.ingest.reconcileInterval = try values.duration("ingest.reconcileInterval")
        configuration.ingest.webhook.host = try values.string("ingest.webhook.host")
        configuration.ingest.webhook.port = try values.int("ingest.webhook.port")
        configuration.ingest.webhook.path = try values.string("ingest.webhook.path")
        configuration.ingest.webhook.maxBodyBytes = try values.int("ingest.webhook.maxBodyBytes")
        configuration.ingest.webhook.url = try values.optionalString("ingest.webhook.url").map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        try Self.check(configuration, globals: globals)
        return configuration
    }

    private static func account(_ fields: [String: RawValue], index: Int) throws -> AccountConfiguration {
        let values = TypedValues(globals: [:], account: fields, accountIndex: index)
        let userIdKey = "accounts[\(index)].userId"
        guard let userId = try values.optionalString("accounts[].userId") else {
            throw ConfigurationError(key: userIdKey, problem: "missing: the X user id of the account (KIAMO_TWITTER_USER_ID)")
        }
        guard !userId.isEmpty, userId.allSatisfy(\.isASCII), userId.allSatisfy(\.isNumber), UInt64(userId) != nil else {
            throw ConfigurationError(key: userIdKey, origin: fields["userId"]?.origin.text, problem: "'\(userId)' is not a numeric X user id")
        }
        let oauth1Names = ["consumerKey", "consumerSecret", "oauthToken", "oauthTokenSecret"]
        let oauth1 = try oauth1Names.map { try values.optionalSecret("accounts[].\($0)") }
        let clientId = try values.optionalSecret("accounts[].clientId")
        let clientSecret = try values.optionalSecret("accounts[].clientSecret")
        let refreshToken = try values.optionalSecret("accounts[].refreshToken")
        let anyOAuth1 = oauth1.contains { $0 != nil }
        // The variables configure the first account only: name them where they would help.
        func named(_ name: String) -> String {
            guard index == 0, let variable = ConfigurationKey.named("accounts[].\(name)")?.environment else { return name }
            return "\(name) (\(variable))"
        }
        if let clientId {
            if anyOAuth1 {
                throw ConfigurationError(key: "accounts[\(index)]", problem: "both OAuth 1.0a keys and an OAuth 2.0 clientId are set for account \(userId); keep one method")
            }
            return AccountConfiguration(userId: userId, credentials: .oauth2(clientId: clientId, clientSecret: clientSecret, refreshToken: refreshToken))
        }
        if clientSecret != nil || refreshToken != nil {
            throw ConfigurationError(key: "accounts[\(index)].clientId", problem: "missing: OAuth 2.0 settings are present for account \(userId) without its clientId (KIAMO_TWITTER_CLIENT_ID)")
        }
        guard anyOAuth1 else {
            throw ConfigurationError(
                key: "accounts[\(index)]", problem: "no credentials for account \(userId): set \(oauth1Names.map(named).joined(separator: ", ")) (OAuth 1.0a), or \(named("clientId")) (OAuth 2.0)")
        }
        guard let consumerKey = oauth1[0], let consumerSecret = oauth1[1], let oauthToken = oauth1[2], let oauthTokenSecret = oauth1[3] else {
            let missing = zip(oauth1Names, oauth1).first { $0.1 == nil }?.0 ?? "consumerKey"
            throw ConfigurationError(key: "accounts[\(index)].\(missing)", problem: "missing: set \(named(missing)); OAuth 1.0a needs consumerKey, consumerSecret, oauthToken and oauthTokenSecret")
        }
        return AccountConfiguration(
            userId: userId,
            credentials: .oauth1(
                consumerKey: consumerKey, consumerSecret: consumerSecret, oauthToken: oauthToken, oauthTokenSecret: oauthTokenSecret))
    }

    /// Where a reply's attachment may come from, checked.
    private static func attachments(_ values: TypedValues, globals: [String: RawValue]) throws -> ReplyMediaSettings {
        func list(_ key: String) throws -> [String] {
            (try values.optionalString(key) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let hosts = try list("dispatch.attachments.allowedHosts")
        for host in hosts where host.contains("/") || host.contains(":") || host.contains(" ") || host.dropFirst(host.hasPrefix("*.") ? 2 : 0).contains("*") {
            throw ConfigurationError(
                key: "dispatch.attachments.allowedHosts", origin: globals["dispatch.attachments.allowedHosts"]?.origin.text,
                problem: "'\(host.prefix(100))' is not a host name (`files.example.com`) nor `*.` and a domain (`*.example.com`)")
        }
        let networks = try list("dispatch.attachments.allowedNetworks").map { text in
            guard let network = IPNetwork(text) else {
                throw ConfigurationError(
                    key: "dispatch.attachments.allowedNetworks", origin: globals["dispatch.attachments.allowedNetworks"]?.origin.text,
                    problem: "'\(text.prefix(100))' is not an address range (`10.1.2.0/24`, `fd00::/8`) nor an address")
            }
            return network
        }
        return ReplyMediaSettings(
            folder: (try values.optionalString("dispatch.attachments.folder") ?? "").trimmingCharacters(in: .whitespaces),
            allowedHosts: hosts, allowedNetworks: networks, maxBytes: try values.int("dispatch.attachments.maxBytes"),
            fetchTimeout: try values.duration("dispatch.attachments.fetchTimeout"),
            processingTimeout: try values.duration("dispatch.attachments.processingTimeout"))
    }

    /// The media settings, checked; nil when `media.folder` is empty (media off).
    private static func media(_ values: TypedValues, globals: [String: RawValue]) throws -> MediaSettings? {
        let folder = (try values.optionalString("media.folder") ?? "").trimmingCharacters(in: .whitespaces)
        guard !folder.isEmpty else { return nil }
        let publicURL = (try values.optionalString("media.publicUrl") ?? "").trimmingCharacters(in: .whitespaces)
        let parts = URLComponents(string: publicURL)
        guard let scheme = parts?.scheme?.lowercased(), ["http", "https"].contains(scheme), !(parts?.host ?? "").isEmpty, parts?.query == nil else {
            throw ConfigurationError(
                key: "media.publicUrl", origin: globals["media.publicUrl"]?.origin.text,
                problem:
                    "'\(ConfigurationReport.maskedURL(publicURL))' is not the http(s) address agents reach the media service at (`https://media.example.com`); it is needed when media.folder is set")
        }
        guard let secret = try values.optionalSecret("media.linkSecret"), secret.reveal().utf8.count >= 32 else {
            throw ConfigurationError(
                key: "media.linkSecret", origin: globals["media.linkSecret"]?.origin.text,
                problem: "at least 32 characters are needed to sign the media links (`openssl rand -hex 32`)")
        }
        let template = try values.string("media.textTemplate")
        guard template.contains("{url}") else {
            throw ConfigurationError(
                key: "media.textTemplate", origin: globals["media.textTemplate"]?.origin.text, problem: "must contain {url}: the agent opens the media through it")
        }
        return MediaSettings(
            folder: folder, publicURL: publicURL, linkSecret: secret, linkLifetime: try values.duration("media.linkLifetime"),
            maxBytes: try values.int("media.maxBytes"), fetchTimeout: try values.duration("media.fetchTimeout"), retries: try values.int("media.retries"),
            retryDelay: try values.duration("media.retryDelay"), retention: try values.duration("media.retention"), textTemplate: template,
            host: try values.string("media.host"), port: try values.int("media.port"))
    }

    /// Rules that involve more than one key.
    private static func check(_ configuration: Configuration, globals: [String: RawValue]) throws {
        if brokerPassword(in: configuration.amqp.url.reveal()) == placeholderPassword {
            throw ConfigurationError(
                key: "amqp.url", origin: globals["amqp.url"]?.origin.text,
                problem: "the broker password is still the placeholder '\(placeholderPassword)' of compose/secrets/*.example; put the real one in the URL (and in the broker's secret)")
        }
        if configuration.ingest.backfill > .seconds(30 * 86_400) {
            throw ConfigurationError(
                key: "ingest.backfill", origin: globals["ingest.backfill"]?.origin.text,
                problem: "at most 30d: X keeps 30 days of Direct Messages")
        }
        if configuration.dispatch.retryDelays.isEmpty {
            throw ConfigurationError(key: "dispatch.retryDelays", origin: globals["dispatch.retryDelays"]?.origin.text, problem: "at least one delay is needed")
        }
        var seen: Set<String> = []
        for (index, account) in configuration.accounts.enumerated() {
            if !seen.insert(account.userId).inserted {
                throw ConfigurationError(key: "accounts[\(index)].userId", problem: "account \(account.userId) is configured twice")
            }
            if configuration.api.version == .v1_1, case .oauth2 = account.credentials {
                throw ConfigurationError(
                    key: "accounts[\(index)]", problem: "api.version 1.1 accepts OAuth 1.0a only; set the account's consumerKey, consumerSecret, oauthToken and oauthTokenSecret, or use api.version 2")
            }
        }
        try checkPush(configuration, globals: globals)
        if let endpoint = configuration.tracing.endpoint {
            let parts = URLComponents(string: endpoint)
            guard let scheme = parts?.scheme?.lowercased(), ["http", "https"].contains(scheme), !(parts?.host ?? "").isEmpty else {
                throw ConfigurationError(
                    key: "tracing.endpoint", origin: globals["tracing.endpoint"]?.origin.text,
                    problem: "'\(ConfigurationReport.maskedURL(endpoint))' is not an http(s) URL of an OpenTelemetry collector (`http://otel-collector:4318`)")
            }
        }
        let baseOrigin = globals["api.baseUrl"]?.origin.text
        let shownBase = ConfigurationReport.maskedURL(configuration.api.baseURL)
        guard let base = URLComponents(string: configuration.api.baseURL), let scheme = base.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            throw ConfigurationError(key: "api.baseUrl", origin: baseOrigin, problem: "'\(shownBase)' is not an http(s) URL")
        }
        if scheme == "http", !configuration.api.allowInsecureHttp, !Self.isLoopback(base.host ?? "") {
            throw ConfigurationError(
                key: "api.baseUrl", origin: baseOrigin,
                problem: "'\(shownBase)' is plain http to a host that is not loopback: "
                    + "tokens and messages would cross the network in clear. Use https, or set api.allowInsecureHttp "
                    + "(KIAMO_TWITTER_API_ALLOW_INSECURE_HTTP=true) for an emulator on a private network")
        }
        if let problem = Self.serviceNameProblem(configuration.service) {
            throw ConfigurationError(key: "service", origin: globals["service"]?.origin.text, problem: problem)
        }
    }

    /// The push modes' rules: the app's keys (CRCs, signatures, the app-only token), a reconcile
    /// interval that still catches a missed push soon, and a webhook path and URL X accepts.
    private static func checkPush(_ configuration: Configuration, globals: [String: RawValue]) throws {
        let ingest = configuration.ingest
        guard ingest.mode.isPush else { return }
        if configuration.api.version == .v1_1 {
            throw ConfigurationError(key: "ingest.mode", origin: globals["ingest.mode"]?.origin.text, problem: "\(ingest.mode.rawValue) needs api.version 2 (X's push APIs are v2)")
        }
        if configuration.appConsumerKeys == nil {
            throw ConfigurationError(
                key: "api.consumerSecret", origin: globals["api.consumerSecret"]?.origin.text,
                problem: "ingest.mode \(ingest.mode.rawValue) needs the app's consumer key and secret (KIAMO_TWITTER_APP_CONSUMER_KEY, KIAMO_TWITTER_APP_CONSUMER_SECRET): X signs its pushes with them"
            )
        }
        if ingest.reconcileInterval < .seconds(1) || ingest.reconcileInterval > .seconds(3600) {
            throw ConfigurationError(
                key: "ingest.reconcileInterval", origin: globals["ingest.reconcileInterval"]?.origin.text,
                problem: "between 1s and 1h: it is how soon a DM a push missed is published")
        }
        guard ingest.mode == .webhook else { return }
        if !ingest.webhook.path.hasPrefix("/") || ingest.webhook.path.contains("?") || ingest.webhook.path.contains("#") {
            throw ConfigurationError(key: "ingest.webhook.path", origin: globals["ingest.webhook.path"]?.origin.text, problem: "'\(ingest.webhook.path)' is not a path (`/webhooks/x`)")
        }
        if let url = ingest.webhook.url {
            let parts = URLComponents(string: url)
            let loopback = parts?.scheme?.lowercased() == "http" && Self.isLoopback(parts?.host ?? "")
            // X's rules, except for an emulator on this host (tests).
            guard let parts, parts.scheme?.lowercased() == "https" || loopback, !(parts.host ?? "").isEmpty, parts.query == nil, parts.port == nil || loopback else {
                throw ConfigurationError(
                    key: "ingest.webhook.url", origin: globals["ingest.webhook.url"]?.origin.text,
                    problem: "'\(ConfigurationReport.maskedURL(url))' is not an https URL without port and query, as X requires (put a TLS reverse proxy in front)")
            }
        }
    }

    /// True for `localhost` and loopback addresses, where plain http never leaves the host.
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host.hasPrefix("127.")
    }

    /// Why `service` cannot be used, or nil. It names the daily log files and the resource files
    /// (`<folder>/<service>_<day>.log`, `<folder>/<service>.json`): a `/`, `..` or control
    /// character would put them outside their folder or forge a file name.
    static func serviceNameProblem(_ service: String) -> String? {
        if service.isEmpty { return "empty; name the connector, e.g. kiamo-twitter" }
        if service.contains("/") || service.contains("\\") { return "holds a '/' or '\\': it names files, which must stay in their folder" }
        if service == "." || service.hasPrefix("..") { return "starts with '..' or is '.': it names files, which must stay in their folder" }
        if service.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) }) {
            return "holds a control character: it names files and appears in logs"
        }
        return nil
    }

    // MARK: - Helpers

    /// The password the example secrets ship (compose/secrets/amqp_url_*.example).
    static let placeholderPassword = "change-me"

    /// The percent-decoded password of an AMQP URL: what lies between the first `:` after `://`
    /// and the last `@` (a password may hold `@`, `/`, `?`, `#` unencoded); nil without one.
    static func brokerPassword(in url: String) -> String? {
        guard let start = url.range(of: "://")?.upperBound, let end = url.range(of: "@", options: .backwards)?.lowerBound,
            start < end
        else { return nil }
        let userInfo = url[start..<end]
        guard let colon = userInfo.firstIndex(of: ":") else { return nil }
        let raw = String(userInfo[userInfo.index(after: colon)...])
        return raw.removingPercentEncoding ?? raw
    }

    static func origin(_ file: String, _ node: Node) -> Origin {
        .file(file, line: node.mark?.line)
    }

    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }

    static func yamlProblem(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return "\(problem) at line \(mark.line), column \(mark.column)"
        default:
            return "\(error)"
        }
    }

    /// " (did you mean 'x'?)" for the known key closest to a misspelt one.
    static func suggestion(for path: String) -> String {
        let candidates = ConfigurationKey.all.map(\.path)
        let scored = candidates.map { ($0, editDistance($0.lowercased(), path.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, path.count / 4) else { return "" }
        let shown = best.0.hasPrefix(ConfigurationKey.accountPrefix) ? String(best.0.dropFirst(ConfigurationKey.accountPrefix.count)) : best.0
        return " (did you mean '\(shown)'?)"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}

extension Node {
    var isNull: Bool {
        if case .scalar(let scalar) = self { return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) }
        return false
    }
}
