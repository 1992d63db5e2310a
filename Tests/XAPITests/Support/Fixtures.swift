/// Answers shaped like X's real ones (field order, extra fields, absent optional fields included).
enum Fixtures {
    /// `GET /2/dm_events` page: emoji, newline, quotes, right-to-left text, a photo attachment, an
    /// event missing its optional fields, and fields this client never asked for.
    static let v2EventsPage = #"""
        {
          "data": [
            {
              "id": "1582838593371127812",
              "text": "Hello \"agent\" 👋\nsecond line",
              "event_type": "MessageCreate",
              "created_at": "2022-10-19T14:17:15.000Z",
              "sender_id": "906948460078698496",
              "dm_conversation_id": "906948460078698496-1234",
              "participant_ids": ["906948460078698496", "1234"],
              "entities": {"urls": []},
              "brand_new_field": {"nested": [1, 2, 3]}
            },
            {
              "id": "1582838593371127811",
              "text": "مرحبا بك",
              "event_type": "MessageCreate",
              "created_at": "2022-10-19T14:17:14Z",
              "sender_id": "1234",
              "dm_conversation_id": "906948460078698496-1234",
              "attachments": {"media_keys": ["3_1582838590000000000"], "card_ids": []}
            },
            {
              "id": "1582838593371127810",
              "event_type": "MessageCreate"
            }
          ],
          "includes": {
            "users": [
              {"id": "906948460078698496", "name": "Jane \"JD\" Doe 🌟", "username": "janedoe", "verified": false},
              {"id": "1234", "name": "Support", "username": "support"}
            ],
            "media": [
              {"media_key": "3_1582838590000000000", "type": "photo", "url": "https://pbs.twimg.com/media/x.jpg", "width": 640, "height": 480},
              {"type": "photo"}
            ]
          },
          "meta": {"result_count": 3, "next_token": "18LAA581J5II7LA00C00ZZZZ", "previous_token": "abc"}
        }
        """#

    /// The last v2 page: no `next_token`.
    static let v2LastPage = #"{"data":[{"id":"1","text":"oldest","event_type":"MessageCreate","created_at":"2022-10-01T00:00:00.000Z","sender_id":"906948460078698496"}],"meta":{"result_count":1}}"#

    /// A v2 page with nothing in it.
    static let v2EmptyPage = #"{"meta":{"result_count":0}}"#

    /// `GET /1.1/direct_messages/events/list.json`: a message with emoji and quotes, one with a
    /// media attachment, a non-message event, and unknown fields.
    static let v1EventsList = #"""
        {
          "events": [
            {
              "type": "message_create",
              "id": "1582838593371127812",
              "created_timestamp": "1666189035123",
              "message_create": {
                "target": {"recipient_id": "1234"},
                "sender_id": "906948460078698496",
                "source_app_id": "268278",
                "message_data": {"text": "Bonjour \"l'équipe\" 🇫🇷\nligne 2", "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []}}
              }
            },
            {
              "type": "message_create",
              "id": "1582838593371127811",
              "created_timestamp": "1666189034000",
              "message_create": {
                "target": {"recipient_id": "906948460078698496"},
                "sender_id": "1234",
                "message_data": {
                  "text": "see photo",
                  "attachment": {"type": "media", "media": {"id": 1582838590000000000, "id_str": "1582838590000000000", "media_url_https": "https://ton.twitter.com/x.jpg", "type": "photo"}}
                }
              }
            },
            {"type": "participants_join", "id": "1582838593371127800", "created_timestamp": "1666189000000"}
          ],
          "next_cursor": "MTU4MjgzODU5MzM3MTEyNzgwMA",
          "apps": {"268278": {"id": "268278", "name": "Twitter Web Client"}}
        }
        """#

    /// `POST /1.1/direct_messages/events/new.json` answer.
    static let v1NewEvent = #"""
        {"event": {"type": "message_create", "id": "1582838600000000000", "created_timestamp": "1666189100000",
          "message_create": {"target": {"recipient_id": "906948460078698496"}, "sender_id": "1234",
            "message_data": {"text": "Hi \"Jane\"\n😀", "entities": {}}}}}
        """#

    static let v1User = #"{"id": 906948460078698496, "id_str": "906948460078698496", "name": "Jane Doe", "screen_name": "janedoe", "followers_count": 3, "status": {"text": "x"}}"#

    static let v2User = #"{"data": {"id": "906948460078698496", "name": "Jane Doe", "username": "janedoe", "protected": false}}"#

    /// What X answers with 200 for a user it does not know.
    static let v2UserNotFound =
        #"{"errors":[{"value":"2244994945","detail":"Could not find user with id: [2244994945].","title":"Not Found Error","resource_type":"user","parameter":"id","resource_id":"2244994945","type":"https://api.x.com/2/problems/resource-not-found"}]}"#

    static let v2Users =
        #"{"data":[{"id":"1","name":"One","username":"one"},{"id":"2","name":"Two","username":"two"}],"errors":[{"value":"3","detail":"Could not find user with ids: [3].","title":"Not Found Error","resource_type":"user","parameter":"ids","resource_id":"3","type":"https://api.x.com/2/problems/resource-not-found"}]}"#

    static let v2Sent = #"{"data": {"dm_conversation_id": "1234-906948460078698496", "dm_event_id": "1582838600000000000"}}"#

    /// A v2 400 problem.
    static let v2InvalidRequest =
        #"{"errors":[{"parameters":{"participant_id":["x"]},"message":"The `participant_id` path parameter value [x] is not valid"}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.x.com/2/problems/invalid-request"}"#

    /// A v2 403 problem (the recipient does not accept DMs).
    static let v2Forbidden = #"{"detail":"You are not permitted to send messages to this user.","type":"about:blank","title":"Forbidden","status":403}"#

    /// A v1.1 error body.
    static let v1NotFound = #"{"errors":[{"code":50,"message":"User not found."}]}"#

    static let v1Unauthorized = #"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#

    static let rateLimited = #"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#

    static let tokenResponse = #"{"token_type":"bearer","expires_in":7200,"access_token":"access-2","scope":"dm.read dm.write tweet.read users.read offline.access","refresh_token":"refresh-2"}"#

    static let refreshRefused = #"{"error":"invalid_request","error_description":"Value passed for the token was invalid."}"#
}
