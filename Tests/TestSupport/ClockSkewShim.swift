import Foundation
import Synchronization

/// Builds `Tests/ClockSkew/clock_skew.c` once per test run into the products folder, with the
/// system's C compiler (`cc`, which the Swift toolchain needs anyway). The compiler runs on a
/// thread of its own, never on the cooperative pool.
public enum ClockSkewShim {
    private static let built = Mutex<String?>(nil)

    public static func build() async throws -> String {
        try await OffThePool.run("cc clock_skew") { try buildOnce() }
    }

    private static func buildOnce() throws -> String {
        try built.withLock { built in
            if let built { return built }
            let source = PackagePaths.root.appendingPathComponent("Tests/ClockSkew/clock_skew.c").path
            let library = PackagePaths.products.appendingPathComponent("libkiamo_clock_skew.so").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["cc", "-shared", "-fPIC", "-O2", "-o", library, source, "-ldl"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw Failed(output: text) }
            built = library
            return library
        }
    }

    struct Failed: Error, CustomStringConvertible {
        let output: String
        var description: String { "cc could not build the clock_skew shim: \(output)" }
    }
}
