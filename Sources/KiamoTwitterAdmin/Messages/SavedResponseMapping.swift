import Foundation
import KiamoTwitter
import XAPI

/// `kiamo-twitter map --file`: the Kiamo messages a saved answer of X's DM event list holds, as
/// ingest would publish them. Pure: no call is made (v1.1 answers name no sender, so their
/// `senderName` is the sender id, where ingest would look the user up).
public enum SavedResponseMapping {
    /// The dialect of a saved answer: `events` is v1.1's list, `data`/`meta`/`includes` v2's.
    public static func detectVersion(_ data: Data) throws -> XAPIVersion {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw AdminError.usage("the file is not a JSON object (an answer of GET /2/dm_events or GET /1.1/direct_messages/events/list.json)")
        }
        if object["events"] != nil { return .v1_1 }
        if object["data"] != nil || object["meta"] != nil || object["includes"] != nil { return .v2 }
        throw AdminError.usage("the file holds neither `data`/`meta` (v2 dm_events) nor `events` (v1.1 events/list); use --api-version to say which it is")
    }

    /// The Kiamo messages of `data` for `accountId`; `file` names it in errors and the report.
    public static func map(_ data: Data, apiVersion: XAPIVersion?, accountId: String, senderNameTemplate: String, file: String) throws -> MapReport {
        let version = try apiVersion ?? detectVersion(data)
        let page: DMEventPage
        do {
            page = try DMEventPage.decode(listResponse: data, apiVersion: version)
        } catch let error as XAPIError {
            throw AdminError.usage("\(file) is not a valid API v\(version) DM event list: \(error)")
        }
        let mapper = KiamoMessageMapper(accountId: accountId, senderNameTemplate: senderNameTemplate)
        let senders = Dictionary(page.users.map { ($0.id, $0) }) { first, _ in first }
        let mapped = MappedEvents(events: page.events, senders: senders, media: page.media, mapper: mapper, undecodable: page.undecodable)
        return MapReport(
            file: file, account: accountId, apiVersion: version.rawValue, events: page.events.count,
            nextToken: page.nextToken, messages: mapped.messages, skipped: mapped.skipped)
    }
}
