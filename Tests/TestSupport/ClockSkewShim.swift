import Foundation
import Synchronization

/// Builds `Tests/ClockSkew/clock_skew.c` once per test run into the products folder, with the
/// system's C compiler (`cc`, which the Swift toolchain needs anyway), awaited as any child is
/// (`ChildProcess`), never blocking the cooperative pool.
public enum ClockSkewShim {
    /// The one build of this test run, awaited by every test that needs the library.
    private static let built = Mutex<Task<String, any Error>?>(nil)

    public static func build() async throws -> String {
        let build = built.withLock { built in
            if let built { return built }
            let build = Task { try await buildOnce() }
            built = build
            return build
        }
        return try await build.value
    }

    private static func buildOnce() async throws -> String {
        let source = PackagePaths.root.appendingPathComponent("Tests/ClockSkew/clock_skew.c").path
        let library = PackagePaths.products.appendingPathComponent("libkiamo_clock_skew.so").path
        let result = try await ChildProcess.run("/usr/bin/env", ["cc", "-shared", "-fPIC", "-O2", "-o", library, source, "-ldl"])
        guard result.status == 0 else { throw Failed(output: result.output) }
        return library
    }

    struct Failed: Error, CustomStringConvertible {
        let output: String
        var description: String { "cc could not build the clock_skew shim: \(output)" }
    }
}
