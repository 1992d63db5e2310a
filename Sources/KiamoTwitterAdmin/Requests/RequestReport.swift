import CurlHTTP
import Foundation
import KiamoTwitter
import XAPI

/// A request as `kiamo-twitter request` prints it, secrets masked unless asked for.
public struct RequestReport: AdminReport {
    /// One header, its value masked when it is the `Authorization`.
    public struct Header: Sendable, Encodable, Hashable {
        var name: String
        var value: String
    }

    var account: String
    var apiVersion: String
    var method: String
    var url: String
    var headers: [Header]
    var body: String?
    /// OAuth 1.0a only: the signature base string (RFC 5849 §3.4.1) and the signature.
    var signatureBaseString: String?
    var signature: String?
    /// True when the output holds the credentials (`--show-secrets`).
    var secretsShown: Bool

    /// The report of `request`; unless `showSecrets`, the credentials in the `Authorization`
    /// header and the signature base string, and the signature, are replaced by `****`.
    init(_ request: HTTPRequest, steps: OAuth1SignatureSteps?, apiVersion: String, account: String, showSecrets: Bool) {
        self.account = account
        self.apiVersion = apiVersion
        method = request.method.rawValue
        url = request.url
        headers = request.headers.map { header in
            let masked = showSecrets || header.name.lowercased() != "authorization" ? header.value : Self.maskAuthorization(header.value)
            return Header(name: header.name, value: masked)
        }
        body = request.body.map { String(decoding: $0, as: UTF8.self) }
        signatureBaseString = steps.map { showSecrets ? $0.baseString : Self.maskedBaseString($0) }
        signature = steps.map { showSecrets ? $0.signature : "****" }
        secretsShown = showSecrets
    }

    /// OAuth 1.0a parameters that are credentials (the nonce and timestamp are not).
    static let secretOAuthFields: Set<String> = ["oauth_consumer_key", "oauth_token", "oauth_signature"]

    /// `OAuth k="v", ...` with the credential fields' values masked; `Bearer ****`, `Basic ****`.
    public static func maskAuthorization(_ value: String) -> String {
        guard value.hasPrefix("OAuth ") else {
            return (value.split(separator: " ", maxSplits: 1).first.map(String.init) ?? "") + " ****"
        }
        let fields = value.dropFirst(6).split(separator: ",").map { part -> String in
            let field = part.trimmingCharacters(in: .whitespaces)
            guard let equals = field.firstIndex(of: "="), secretOAuthFields.contains(String(field[..<equals])) else { return field }
            return field[..<equals] + "=\"****\""
        }
        return "OAuth " + fields.joined(separator: ", ")
    }

    /// The base string rebuilt from its parts with the credential parameters' values masked.
    static func maskedBaseString(_ steps: OAuth1SignatureSteps) -> String {
        let parameters = steps.parameterString.split(separator: "&").map { pair -> String in
            guard let equals = pair.firstIndex(of: "="), secretOAuthFields.contains(String(pair[..<equals])) else { return String(pair) }
            return pair[..<equals] + "=****"
        }.joined(separator: "&")
        return [steps.method, steps.normalizedURL].map(PercentEncoding.encode).joined(separator: "&") + "&" + PercentEncoding.encode(parameters)
    }

    /// The `oauth_*` fields of an OAuth 1.0a `Authorization` header, percent-decoded.
    static func oauthFields(_ header: String) -> [String: String] {
        var fields: [String: String] = [:]
        let body = header.hasPrefix("OAuth ") ? header.dropFirst(6) : Substring(header)
        for part in body.split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            fields[pair[0]] = value.removingPercentEncoding ?? value
        }
        return fields
    }

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        var lines = ["\(method) \(url)"]
        lines += headers.map { "\($0.name): \($0.value)" }
        if let body { lines += ["", body] }
        if let signatureBaseString, let signature {
            lines += ["", "signature base string: \(signatureBaseString)", "signature: \(signature)"]
        }
        lines.append("")
        lines.append(
            secretsShown
                ? "WARNING: this output holds the account's credentials (--show-secrets)"
                : "not sent; secrets masked (--show-secrets shows them)")
        return lines
    }
}
