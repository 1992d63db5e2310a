import AMQP
import Foundation
import KiamoTwitter
import TestSupport
import Testing

/// The wire contract is declared once (`WireContract`); the README's tables and the PHP connector
/// must say the same, and the builders must write it.
@Suite struct WireContractTests {
    static func readme() throws -> String {
        try String(contentsOf: PackagePaths.root.appendingPathComponent("README.md"), encoding: .utf8)
    }

    static func connector() throws -> String {
        try String(contentsOf: PackagePaths.root.appendingPathComponent("kiamo/TwitterQueueConnector.php"), encoding: .utf8)
    }

    /// Every `x-...` header name a text mentions in backquotes or quotes.
    static func headerNames(in text: String, quote: String) throws -> Set<String> {
        let pattern = try Regex("\(quote)(x-(?:kiamo|account|retry|publish)[a-z-]*)\(quote)")
        return Set(text.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) })
    }

    static let known = Set(WireContract.Header.documented + [WireContract.Header.legacyPublishTag])

    @Test func theReadmeDocumentsEveryHeaderAndNamesNoOther() throws {
        let readme = try Self.readme()
        let mentioned = try Self.headerNames(in: readme, quote: "`")
        for header in WireContract.Header.documented {
            #expect(readme.contains("`\(header)`"), "README.md does not document header \(header)")
        }
        #expect(mentioned.subtracting(Self.known).isEmpty, "README.md names headers the code does not declare: \(mentioned.subtracting(Self.known).sorted())")
    }

    @Test func theReadmeNamesTheTypesAppIdsAndRoutingKeys() throws {
        let readme = try Self.readme()
        for name in [
            WireContract.MessageType.message, WireContract.MessageType.report, WireContract.AppID.ingest,
            WireContract.RoutingKey.inbound(account: "<accountId>"), WireContract.RoutingKey.send(account: "<accountId>"),
            WireContract.RoutingKey.report(account: "<accountId>", status: .sent),
            WireContract.RoutingKey.report(account: "<accountId>", status: .failed),
        ] {
            #expect(readme.contains("`\(name)`"), "README.md does not name \(name)")
        }
    }

    @Test func theConnectorWritesTheContractsNames() throws {
        let php = try Self.connector()
        let used = try Self.headerNames(in: php, quote: "'")
        #expect(used.contains(WireContract.Header.accountId))
        #expect(used.subtracting(Self.known).isEmpty, "the connector uses headers the contract does not declare: \(used.subtracting(Self.known).sorted())")
        #expect(php.contains("'\(WireContract.MessageType.send)'"))
        #expect(php.contains("'\(WireContract.AppID.connector)'"))
        #expect(php.contains("'\(WireContract.Header.traceparent)'"))
    }

    @Test func bothWorkersNameTheirAppIdAfterTheService() throws {
        let standard = try ConfigurationLoader(environment: [:]).load()
        #expect(IngestEngine.Settings(standard).appId == WireContract.AppID.ingest)
        #expect(DispatchSettings(standard).appId == WireContract.AppID.dispatch)
        let acme = try ConfigurationLoader(environment: ["KIAMO_TWITTER_SERVICE": "acme-x"]).load()
        #expect(IngestEngine.Settings(acme).appId == "acme-x-ingest", "ingest used the fixed name whatever the service")
        #expect(DispatchSettings(acme).appId == "acme-x-dispatch")
    }

    @Test func sendRoutingKeysNameOneAccount() {
        #expect(WireContract.RoutingKey.sendAccount("send.1234") == "1234")
        #expect(WireContract.RoutingKey.sendAccount("send.") == "")
        #expect(WireContract.RoutingKey.sendAccount("send.1.2") == nil)
        #expect(WireContract.RoutingKey.sendAccount("inbound.1234") == nil)
        #expect(WireContract.RoutingKey.sendAccount("send") == nil)
    }

    @Test func ingestBuildsAKiamoMessagePerTheContract() throws {
        let builder = IngestMessages(topology: Topology(exchange: "acme"), account: "1234")
        let message = KiamoMessage(
            id: "1582838593371127812", createdAt: 1_666_189_035, senderId: "906948460078698496",
            senderName: "Jane Doe@janedoe", content: "Hello", accountId: "1234", conversationId: "1234-906948460078698496")
        let built = try builder.message(message)
        #expect(built.exchange == "acme")
        #expect(built.routingKey == "inbound.1234")
        #expect(built.mandatory)
        #expect(built.properties.contentType == "application/json")
        #expect(built.properties.deliveryMode == .persistent)
        #expect(built.properties.messageId == "1582838593371127812")
        #expect(built.properties.timestamp == Date(timeIntervalSince1970: 1_666_189_035))
        #expect(built.properties.type == "kiamo.message")
        #expect(built.properties.appId == "kiamo-twitter-ingest")
        #expect(built.properties.headers.entries == ["x-account-id": .string("1234")])
        #expect(try KiamoJSON.decode(KiamoMessage.self, from: built.body) == message)
    }
}
