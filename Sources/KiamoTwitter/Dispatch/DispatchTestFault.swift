import Foundation

/// A fault the dispatch worker honours for the tests, never set in production: the process exits
/// at once when a command whose content holds `exitOnText` reaches `stage`, as a command that
/// crashes the worker (or a host that dies) would there. It proves that such a command is set
/// aside after `dispatch.maxDeliveries` deliveries (`redelivery_limit`) while the others are
/// posted, and that a reply whose media was uploaded is posted once, with that media, after a
/// crash before its post. Only the `KIAMO_TEST_DISPATCH_EXIT_ON_TEXT` environment variable (and
/// `KIAMO_TEST_DISPATCH_EXIT_STAGE`) sets it.
public struct DispatchTestFault: Sendable {
    /// The environment variable that sets the fault.
    public static let variable = "KIAMO_TEST_DISPATCH_EXIT_ON_TEXT"
    /// The environment variable that says where: `handling` (the default) or `after-upload`.
    public static let stageVariable = "KIAMO_TEST_DISPATCH_EXIT_STAGE"

    /// Where the process exits.
    public enum Stage: String, Sendable {
        /// As the command begins to be handled, after its delivery was counted.
        case handling
        /// After the reply's media was uploaded and recorded in the send ledger, before the post.
        case afterUpload = "after-upload"
    }

    /// Commands whose content holds this text end the process.
    public let exitOnText: String
    public let stage: Stage

    public init(exitOnText: String, stage: Stage = .handling) {
        self.exitOnText = exitOnText
        self.stage = stage
    }

    /// The fault the environment asks for, or nil (always, outside the tests).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> DispatchTestFault? {
        guard let text = environment[variable], !text.isEmpty else { return nil }
        return DispatchTestFault(exitOnText: text, stage: environment[stageVariable].flatMap(Stage.init(rawValue:)) ?? .handling)
    }

    /// Ends the process (exit status 86) when `command` is the one the fault names at `stage`.
    func honour(_ command: SendCommand, at stage: Stage = .handling) {
        guard stage == self.stage, command.content.contains(exitOnText) else { return }
        FileHandle.standardError.write(Data("test fault \(Self.variable): exiting at \(stage.rawValue)\n".utf8))
        exit(86)
    }
}
