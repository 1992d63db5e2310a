import Foundation

/// A fault the dispatch worker honours for the tests, never set in production: the process exits
/// at once when a command whose content holds `exitOnText` begins to be handled, after its
/// delivery was counted, as a command that crashes the worker would. It proves that such a command
/// is set aside after `dispatch.maxDeliveries` deliveries (`redelivery_limit`) while the others
/// are posted. Only the `KIAMO_TEST_DISPATCH_EXIT_ON_TEXT` environment variable sets it.
public struct DispatchTestFault: Sendable {
    /// The environment variable that sets the fault.
    public static let variable = "KIAMO_TEST_DISPATCH_EXIT_ON_TEXT"

    /// Commands whose content holds this text end the process.
    public let exitOnText: String

    /// The fault the environment asks for, or nil (always, outside the tests).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> DispatchTestFault? {
        guard let text = environment[variable], !text.isEmpty else { return nil }
        return DispatchTestFault(exitOnText: text)
    }

    /// Ends the process (exit status 86) when `command` is the one the fault names.
    func honour(_ command: SendCommand) {
        guard command.content.contains(exitOnText) else { return }
        FileHandle.standardError.write(Data("test fault \(Self.variable): exiting while handling a command\n".utf8))
        exit(86)
    }
}
