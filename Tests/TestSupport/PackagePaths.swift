import Foundation

/// Where the package and its built products are, for tests that run scripts or spawn executables.
public enum PackagePaths {
    /// The package root (the folder holding Package.swift).
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() } // Tests/TestSupport/PackagePaths.swift
        return url
    }()

    /// The folder holding the built executables of this test run (next to the test bundle).
    public static let products: URL = {
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = argv0.deletingLastPathComponent()
        // swift test runs `<products>/<package>PackageTests.xctest` (a file on Linux).
        if dir.lastPathComponent.hasSuffix(".xctest") { dir.deleteLastPathComponent() }
        return dir
    }()

    /// The path of a built executable product, e.g. `executable("x-emulator")`.
    public static func executable(_ name: String) -> String {
        products.appendingPathComponent(name).path
    }
}
