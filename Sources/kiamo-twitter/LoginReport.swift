import ArgumentParser
import Foundation
import KiamoTwitter
import KiamoTwitterAdmin
import XAPI

/// `auth login`'s answer: a started attempt (`--print-url`) or the stored pair.
enum LoginReport: AdminReport {
    case started(AuthLogin.Attempt)
    case finished(TokenReport)

    var lines: [String] {
        switch self {
        case .started(let attempt):
            [
                "authorize URL: \(attempt.authorizeURL)", "state: \(attempt.state)", "code verifier: \(attempt.codeVerifier)",
                "redirect URI: \(attempt.redirectURI)",
                // `=`: a value may start with "-" (base64url), which would read as an option.
                "finish with: kiamo-twitter auth login --redirect-url '<URL>' --state=\(attempt.state) --code-verifier=\(attempt.codeVerifier)",
            ]
        case .finished(let report):
            report.lines
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .started(let attempt): try attempt.encode(to: encoder)
        case .finished(let report): try report.encode(to: encoder)
        }
    }
}
