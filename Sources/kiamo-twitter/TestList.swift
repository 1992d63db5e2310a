import ArgumentParser
import Foundation
import KiamoTwitter
import KiamoTwitterAdmin

/// `test --list`.
struct TestList: AdminReport {
    var tests: [NumberedTest]
    var lines: [String] { tests.map { "\($0.number)  \($0.name): \($0.purpose)" } }
}
