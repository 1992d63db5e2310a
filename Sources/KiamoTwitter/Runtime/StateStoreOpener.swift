import Foundation
import Logging
import SharedState

/// Opens the state store the configuration names, with the configuration's cache and retention
/// policies.
public enum StateStoreOpener {
    public static func open(_ configuration: Configuration, logger: Logger) async throws -> any StateStore {
        let options = StateStoreOptions(
            cache: CachePolicy(
                enabled: configuration.cache.enabled,
                checkEveryInSecs: configuration.cache.checkEveryInSecs,
                expirationInSecs: configuration.cache.expirationInSecs
            ),
            sendRetention: configuration.dispatch.sentRetention,
            staleClaimAfter: configuration.dispatch.staleClaim
        )
        switch try StateStoreURL(parsing: configuration.state.url.reveal()) {
        case .sqlite(let location):
            return try await SQLiteStateStore.open(location, options: options, logger: logger)
        case .postgres(let location):
            return try await PostgresStateStore.open(location, options: options, logger: logger)
        }
    }
}
