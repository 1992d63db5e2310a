import Foundation
import Logging
import SharedState

/// Opens the state store the configuration names, with the configuration's cache and retention
/// policies: the one opener of the workers, `kiamo-twitter` and its `state migrate`, so the same
/// URL fails the same way, in the same words, everywhere.
public enum StateStoreOpener {
    /// The setting a failure names.
    public static let setting = "state.url (KIAMO_TWITTER_STATE_URL)"

    /// The store `configuration.state.url` names.
    public static func open(_ configuration: Configuration, logger: Logger) async throws -> any StateStore {
        try await open(url: configuration.state.url.reveal(), configuration: configuration, logger: logger)
    }

    /// The store `url` names (another deployment's, for `state migrate`), with `configuration`'s policies.
    public static func open(url: String, configuration: Configuration, logger: Logger) async throws -> any StateStore {
        try await openStateStore(url: url, options: options(configuration), logger: logger)
    }

    /// The configuration's cache, retention and claim policies.
    public static func options(_ configuration: Configuration) -> StateStoreOptions {
        StateStoreOptions(
            cache: CachePolicy(
                enabled: configuration.cache.enabled,
                checkEveryInSecs: configuration.cache.checkEveryInSecs,
                expirationInSecs: configuration.cache.expirationInSecs
            ),
            sendRetention: configuration.dispatch.sentRetention,
            staleClaimAfter: configuration.dispatch.staleClaim
        )
    }

    /// How a failure to open is told, by every command: a URL that cannot name a store is the
    /// configuration's fault (exit code 2, like any other bad setting); anything else is the
    /// store's (unreachable, refusing, corrupt, from a newer version).
    public static func failure(_ error: any Error) -> (message: String, isConfiguration: Bool) {
        if case .invalidURL = error as? StateStoreError { return ("\(setting): \(error)", true) }
        return ("state store (\(setting)): \(error)", false)
    }
}
