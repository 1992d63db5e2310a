import Foundation
import TestSupport
import Testing

@testable import KiamoTwitter

/// The README's configuration reference is written from `ConfigurationKey.all`.
@Suite struct ReadmeReferenceTests {
    static let begin = "<!-- settings:begin -->\n"
    static let end = "<!-- settings:end -->"

    @Test func readmeListsEverySettingAsTheCodeDefinesIt() throws {
        let url = PackagePaths.root.appendingPathComponent("README.md")
        var readme = try String(contentsOf: url, encoding: .utf8)
        let table = ConfigurationKey.markdownReference()
        guard let start = readme.range(of: Self.begin), let stop = readme.range(of: Self.end, range: start.upperBound..<readme.endIndex) else {
            Issue.record("README.md lacks the settings markers \(Self.begin) … \(Self.end)")
            return
        }
        if ProcessInfo.processInfo.environment["KIAMO_WRITE_README"] == "1" {
            readme.replaceSubrange(start.upperBound..<stop.lowerBound, with: table)
            try readme.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        #expect(
            String(readme[start.upperBound..<stop.lowerBound]) == table,
            "README.md's settings table differs from ConfigurationKey.all; rewrite it with KIAMO_WRITE_README=1 swift test --filter ReadmeReferenceTests")
    }
}
