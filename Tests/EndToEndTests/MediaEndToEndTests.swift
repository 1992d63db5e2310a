import AMQP
import CurlHTTP
import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XEmulatorControl

/// A photo each way through the whole system, every part its own process (`EndToEndStack` with
/// its media leg): a customer's photo reaches the agent, through the real Kiamo connector, as a
/// link that opens; the agent answers it as a bot would, with a photo (the connector's `send()`
/// with an attachment), and the dispatch process dies after X took the upload and before the
/// post. The next dispatch process posts the reply once, with the media uploaded before the crash.
@Suite(.serialized) struct MediaEndToEndTests {
    @Test func aPhotoGoesToTheAgentAsALinkAndABotsPhotoReplyIsPostedOnceThroughADispatchCrashBetweenUploadAndPost() async throws {
        try await EndToEndStack.with(media: true) { try await exchangePhotos(on: $0) }
    }

    private func exchangePhotos(on stack: EndToEndStack) async throws {
        let media = try #require(stack.media)
        let suffix = UUID().uuidString.prefix(4).lowercased()
        let customer = try await stack.control.addUser(name: "Jane Doe", username: "jane_\(suffix)")
        let photo = EndToEndStack.png(3_100, seed: 7)
        let dm = try await stack.control.postDM(
            from: customer.id, text: "my parcel arrived broken", attachments: [DMAttachment(type: "photo", data: photo.base64EncodedString())])

        // 1. The agent gets the DM through fetch(), its text with a line for the photo.
        let message = try await eventually("the agent received the customer's DM", timeout: .seconds(90)) {
            try await stack.agentState()?.received.first { $0.id == dm }
        }
        #expect(message.content.hasPrefix("my parcel arrived broken\n[photo] \(media.baseURL)/media/"), "\(message.content)")
        let link = try #require(message.content.split(separator: "\n").last.map { String($0.dropFirst("[photo] ".count)) })

        // The link opens without X's credentials, and gives the customer's very bytes; changed, it is refused.
        var configuration = HTTPClient.Configuration()
        configuration.proxy = .none
        let http = try HTTPClient(configuration: configuration)
        defer { http.shutdown() }
        let opened = try await http.execute(HTTPRequest(url: link))
        #expect(opened.status == 200)
        #expect(opened.body == photo)
        #expect(opened.headers["Content-Type"] == "image/png")
        let tampered = String(link.dropLast()) + (link.hasSuffix("0") ? "1" : "0")
        #expect(try await http.execute(HTTPRequest(url: tampered)).status == 403)

        // 2. The agent answers with a photo; the first dispatch process dies after the upload.
        let crashed = try await eventually("the first dispatch process to die after the upload", timeout: .seconds(90)) {
            try await stack.dispatchExit(timeout: .milliseconds(500))
        }
        #expect(crashed == .exited(86))
        let uploadsAtCrash = try await Self.uploads(stack)
        #expect(uploadsAtCrash == 1)
        #expect(try await stack.control.sent(account: stack.account.userId).filter { $0.recipientID == customer.id }.isEmpty)

        // 3. The next dispatch process posts it once, with the media uploaded before the crash.
        try await stack.restart(.dispatch)
        let reply = try await eventually("the photo reply to be posted", timeout: .seconds(90)) {
            try await stack.control.sent(account: stack.account.userId).first { $0.recipientID == customer.id }
        }
        let state = try #require(try await stack.agentState())
        let command = try #require(state.replies.first { $0.message == dm })
        #expect(reply.text == command.text)
        #expect(command.text.contains(media.crashText))
        let mediaId = try #require(reply.mediaIDs.first)
        #expect(try await stack.control.mediaBytes(mediaID: mediaId) == (try Data(contentsOf: media.replyFile)))
        #expect(try await Self.uploads(stack) == 1, "the upload recorded before the crash is posted, not repeated")

        // Stop everything gracefully, then count: one DM, one sent report.
        let reader = try await BrokerReader.open(url: stack.broker.url)
        do {
            let reports = try await eventually("the sent report", timeout: .seconds(30)) {
                let drained = try await reader.drain(stack.topology.reportsQueue)
                return drained.isEmpty ? nil : drained
            }
            let exits = try await stack.stopProcesses()
            for (name, exit) in exits.sorted(by: { $0.key < $1.key }) {
                #expect(exit == .exited(0), "\(name) \(exit)")
            }
            let all = reports + (try await reader.drain(stack.topology.reportsQueue))
            let decoded = try all.map { try KiamoJSON.decode(DeliveryReport.self, from: $0.body) }
            #expect(decoded.map(\.commandId) == [command.command])
            #expect(decoded.first?.status == .sent)
            #expect(decoded.first?.dmEventId == reply.dmEventID)
            #expect(try await stack.control.sent(account: stack.account.userId).filter { $0.recipientID == customer.id }.count == 1)
            #expect(try await stack.control.sent(account: stack.account.userId).count == 1)
        } catch {
            await reader.close()
            throw error
        }
        await reader.close()
    }

    static func uploads(_ stack: EndToEndStack) async throws -> Int {
        let stats = try await stack.control.stats()
        return stats.count("POST /2/media/upload/:id/finalize", status: 200) + stats.count("POST /2/media/upload", status: 200)
    }

    /// Polls `value` every 200 ms until it gives something, failing after `timeout`.
    private func eventually<T: Sendable>(_ what: String, timeout: Duration, _ value: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let found = try await value() { return found }
            guard ContinuousClock.now < deadline else { throw TimedOut(what: what) }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    struct TimedOut: Error, CustomStringConvertible {
        let what: String
        var description: String { "timed out waiting for \(what)" }
    }
}
