import ArgumentParser
import Foundation
import KiamoTwitter
import KiamoTwitterAdmin
import XAPI

/// `kiamo-twitter map --file response.json`.
struct MapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Print the Kiamo messages of a saved X answer (GET /2/dm_events or v1.1 events/list.json); nothing is called.",
        discussion: "The dialect is recognised from the file (`data`/`meta`: v2; `events`: v1.1) unless --api-version says it. "
            + "v1.1 answers name no sender: their senderName is the sender id (ingest would look the user up)."
    )

    @Option(help: ArgumentHelp("The saved JSON answer.", valueName: "path"))
    var file: String

    @Option(help: ArgumentHelp("The answer's dialect: 2 or 1.1.", valueName: "version"))
    var apiVersion: String?

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if let apiVersion, XAPIVersion(rawValue: apiVersion) == nil { throw ValidationError("--api-version must be 2 or 1.1") }
    }

    func run() async throws {
        let command = self
        try await CommandRunner.run(options) { session in
            let account = try await session.account(command.options.account)
            let data: Data
            do {
                data = try await BlockingCall.run("read \(command.file)") { try Data(contentsOf: URL(fileURLWithPath: command.file)) }
            } catch {
                throw AdminError.usage("cannot read --file \(command.file): \((error as NSError).localizedDescription)")
            }
            return try SavedResponseMapping.map(
                data, apiVersion: command.apiVersion.flatMap(XAPIVersion.init(rawValue:)), accountId: account.userId,
                senderNameTemplate: session.configuration.ingest.senderNameTemplate, file: command.file)
        }
    }
}
