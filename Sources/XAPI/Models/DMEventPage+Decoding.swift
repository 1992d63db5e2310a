import Foundation

extension DMEventPage {
    /// The page held by a saved answer of the account's DM event list (`GET /2/dm_events` in v2,
    /// `GET /1.1/direct_messages/events/list.json` in v1.1), decoded exactly as the client decodes
    /// a live answer: the command-line tool's `map --file` shows what ingest would make of it.
    ///
    /// Throws `XAPIError.decoding` naming the offending field when `data` is not such an answer.
    public static func decode(listResponse data: Data, apiVersion: XAPIVersion) throws -> DMEventPage {
        switch apiVersion {
        case .v2:
            try XDecoding.decode(V2DMEventsResponse.self, from: data, operation: .listDMEvents).page(rateLimit: nil)
        case .v1_1:
            try XDecoding.decode(V1EventsListResponse.self, from: data, operation: .listDMEvents).page(rateLimit: nil)
        }
    }
}
