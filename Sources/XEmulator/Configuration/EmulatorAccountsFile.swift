import Foundation

/// The accounts an emulator serves beyond its own, read from a JSON file (`x-emulator --accounts`):
/// many Kiamo accounts against one X, each with its own credentials, DMs and rate-limit budgets
/// (the budgets are kept per user).
///
/// ```json
/// [{"id": "700001", "username": "kiamo_1", "name": "Kiamo 1",
///   "accessToken": "700001-token", "accessTokenSecret": "secret-1", "refreshToken": "refresh-1"}]
/// ```
///
/// `accessToken` and `accessTokenSecret` (OAuth 1.0a) and `refreshToken` (OAuth 2.0) are each
/// optional; an account without either can only be seen, not used.
public enum EmulatorAccountsFile {
    private struct Entry: Decodable {
        var id: String
        var username: String
        var name: String?
        var accessToken: String?
        var accessTokenSecret: String?
        var refreshToken: String?
    }

    /// The accounts of the file at `url`; an unreadable file, an entry missing a key, a duplicate id
    /// or an id or token shared with `primary` throws a message naming the file and the entry.
    public static func load(contentsOf url: URL, besides primary: EmulatorAccount) throws -> [EmulatorAccount] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw EmulatorStoreError.invalidRequest("cannot read accounts file \(url.path): \(error.localizedDescription)")
        }
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode([Entry].self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw EmulatorStoreError.invalidRequest("accounts file \(url.path): entry \(context.codingPath.first?.intValue.map(String.init) ?? "?") has no \(key.stringValue)")
        } catch {
            throw EmulatorStoreError.invalidRequest("accounts file \(url.path): not a JSON array of accounts ({id, username, name?, accessToken?, accessTokenSecret?, refreshToken?})")
        }
        var ids: Set<String> = [primary.id]
        var tokens: Set<String> = Set([primary.accessToken, primary.refreshToken].compactMap { $0 })
        return try entries.enumerated().map { index, entry in
            guard !entry.id.isEmpty, entry.id.count <= 19, entry.id.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw EmulatorStoreError.invalidRequest("accounts file \(url.path): entry \(index): id \(entry.id) is not 1 to 19 digits")
            }
            guard ids.insert(entry.id).inserted else {
                throw EmulatorStoreError.invalidRequest("accounts file \(url.path): entry \(index): id \(entry.id) is served already")
            }
            for token in [entry.accessToken, entry.refreshToken].compactMap({ $0 }) where !tokens.insert(token).inserted {
                throw EmulatorStoreError.invalidRequest("accounts file \(url.path): entry \(index) (id \(entry.id)) reuses another account's token")
            }
            if (entry.accessToken == nil) != (entry.accessTokenSecret == nil) {
                throw EmulatorStoreError.invalidRequest("accounts file \(url.path): entry \(index) (id \(entry.id)) needs both accessToken and accessTokenSecret, or neither")
            }
            return EmulatorAccount(
                id: entry.id, username: entry.username, name: entry.name ?? entry.username,
                accessToken: entry.accessToken, accessTokenSecret: entry.accessTokenSecret, refreshToken: entry.refreshToken)
        }
    }
}
