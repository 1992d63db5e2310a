import Foundation

/// Which seeds the chaos suite runs, from the environment (README, "Tests"):
///
/// - `KIAMO_CHAOS_SEED=123`: that seed alone (how a failing seed is reproduced);
/// - `KIAMO_CHAOS_SEEDS=1,2,3`: those seeds;
/// - `KIAMO_CHAOS_RUNS=N`: N fresh random seeds, each printed (`make test-chaos`);
/// - none of them: three seeds that change once a day (UTC), so `make test` covers new schedules
///   over time while a day's runs stay comparable.
///
/// The suite runs only when one of these or `KIAMO_CHAOS=1` is set: a seed takes about a minute,
/// so `scripts/test` runs it (with `KIAMO_CHAOS=1`) as a step of its own rather than inside every
/// `swift test`.
enum ChaosSeeds {
    static let defaultCount = 3

    static var enabled: Bool {
        let environment = ProcessInfo.processInfo.environment
        return ["KIAMO_CHAOS", "KIAMO_CHAOS_SEED", "KIAMO_CHAOS_SEEDS", "KIAMO_CHAOS_RUNS"].contains {
            guard let value = environment[$0] else { return false }
            return !value.isEmpty && value != "0"
        }
    }

    /// The seeds of this run; an unreadable setting yields no seed and `problem` says why.
    static var current: [UInt64] {
        (try? seeds(environment: ProcessInfo.processInfo.environment, today: Date())) ?? []
    }

    /// Why the environment's seeds cannot be read, or nil.
    static var problem: String? {
        do {
            _ = try seeds(environment: ProcessInfo.processInfo.environment, today: Date())
            return nil
        } catch {
            return "\(error)"
        }
    }

    struct Unreadable: Error, CustomStringConvertible {
        let variable: String
        let value: String
        var description: String { "\(variable)=\(value) is not what it takes (a seed: an unsigned integer; runs: a count from 1 to 1000)" }
    }

    static func seeds(environment: [String: String], today: Date) throws -> [UInt64] {
        if let single = environment["KIAMO_CHAOS_SEED"], !single.isEmpty {
            guard let seed = UInt64(single.trimmingCharacters(in: .whitespaces)) else { throw Unreadable(variable: "KIAMO_CHAOS_SEED", value: single) }
            return [seed]
        }
        if let list = environment["KIAMO_CHAOS_SEEDS"], !list.isEmpty {
            return try list.split(separator: ",").map {
                guard let seed = UInt64($0.trimmingCharacters(in: .whitespaces)) else { throw Unreadable(variable: "KIAMO_CHAOS_SEEDS", value: list) }
                return seed
            }
        }
        if let runs = environment["KIAMO_CHAOS_RUNS"], !runs.isEmpty {
            guard let count = Int(runs), (1...1000).contains(count) else { throw Unreadable(variable: "KIAMO_CHAOS_RUNS", value: runs) }
            var system = SystemRandomNumberGenerator()
            // Six digits: short enough to type back in KIAMO_CHAOS_SEED.
            return (0..<count).map { _ in UInt64.random(in: 1...999_999, using: &system) }
        }
        let day = UInt64(max(0, today.timeIntervalSince1970) / 86_400)
        return (0..<UInt64(defaultCount)).map { day * 10 + $0 }
    }
}
