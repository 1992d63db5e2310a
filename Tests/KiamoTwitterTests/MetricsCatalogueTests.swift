import Foundation
import TestSupport
import Testing
import WorkerRuntime

/// Every metric family the sources make has its `# HELP` text and its place in the README.
@Suite struct MetricsCatalogueTests {
    /// The family names the sources pass to swift-metrics (`Counter(label: "kiamo_...")`, ...).
    static func familiesInSources() throws -> Set<String> {
        let sources = PackagePaths.root.appendingPathComponent("Sources")
        var names: Set<String> = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift" else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: #/(?:Counter|Gauge|Timer|Recorder|Meter)\(label: "(kiamo_[a-z0-9_]+)"/#) {
                names.insert(String(match.output.1))
            }
        }
        return names
    }

    @Test func everyFamilyTheSourcesMakeHasHelpTextAndIsInTheReadme() throws {
        let families = try Self.familiesInSources()
        #expect(families.count >= 15, "\(families)")
        let readme = try String(contentsOf: PackagePaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        for family in families.sorted() {
            #expect(MetricsCatalogue.help[family] != nil, "\(family) has no HELP text in MetricsCatalogue.help")
            #expect(readme.contains("`\(family)"), "\(family) is not in the README's metrics list")
        }
        for family in MetricsCatalogue.help.keys.sorted() {
            #expect(families.contains(family), "MetricsCatalogue.help lists \(family), which no source makes any more")
        }
    }

    @Test func helpGoesBeforeEachTypeLineThatLacksIt() {
        let text = "# TYPE a_total counter\na_total 1\n# HELP b said\n# TYPE b gauge\nb 2\n# TYPE c gauge\nc 3\n"
        let annotated = MetricsCatalogue.annotate(text, help: ["a_total": "As\\ counted\nhere.", "b": "other", "c": "Cs."])
        #expect(
            annotated == "# HELP a_total As\\\\ counted\\nhere.\n# TYPE a_total counter\na_total 1\n# HELP b said\n# TYPE b gauge\nb 2\n"
                + "# HELP c Cs.\n# TYPE c gauge\nc 3\n")
    }
}
