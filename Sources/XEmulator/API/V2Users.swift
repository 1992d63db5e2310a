/// The v2 user look-ups: me, by id, by ids, by username. Unknown users answer 200 with X's
/// `resource-not-found` entries in `errors`, as X does (the schema's 200 body carries them).
struct V2Users: Sendable {
    let store: EmulatorStore

    func handle(_ request: EmulatorRequest, route: Route, caller: UInt64) throws(Refusal) -> EmulatorResponse {
        let allowed = route == .usersByIDs ? V2Vocabulary.userParameters + ["ids"] : V2Vocabulary.userParameters
        let values = try V2Vocabulary.parameters(request, allowed: allowed).get()
        var problems: [XErrors.Invalid] = []
        let fields = Set(V2Vocabulary.list("user.fields", values["user.fields"], allowed: V2Vocabulary.userFields, problems: &problems))
        _ = V2Vocabulary.list("expansions", values["expansions"], allowed: V2Vocabulary.userExpansions, problems: &problems)
        _ = V2Vocabulary.list("tweet.fields", values["tweet.fields"], allowed: V2Vocabulary.postFields, problems: &problems)
        _ = V2Vocabulary.list("post.fields", values["post.fields"], allowed: V2Vocabulary.postFields, problems: &problems)

        switch route {
        case .usersMe:
            if !problems.isEmpty { throw Refusal(XErrors.invalidRequest(problems)) }
            guard let me = store.withState({ $0.directory.user(caller) }) else { throw Refusal(XErrors.unauthorized) }
            return one(me, fields: fields)
        case .userByID(let id):
            if let problem = V2Vocabulary.numericPathParameter("id", id) { problems.append(problem) }
            if !problems.isEmpty { throw Refusal(XErrors.invalidRequest(problems)) }
            guard let user = store.user(id: id) else {
                return notFound([XErrors.notFound(resourceType: "user", parameter: "id", value: id, detail: "Could not find user with id: [\(id)].")])
            }
            return one(user, fields: fields)
        case .userByUsername(let username):
            if !EmulatorUser.isValidUsername(username) {
                problems.append(XErrors.Invalid("username", username, "The `username` path parameter value [\(username)] does not match ^[A-Za-z0-9_]{1,15}$"))
            }
            if !problems.isEmpty { throw Refusal(XErrors.invalidRequest(problems)) }
            guard let user = store.user(username: username) else {
                return notFound([XErrors.notFound(resourceType: "user", parameter: "username", value: username, detail: "Could not find user with username: [\(username)].")])
            }
            return one(user, fields: fields)
        case .usersByIDs:
            let ids = (values["ids"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if values["ids"] == nil || values["ids"] == "" {
                problems.append(XErrors.Invalid("ids", "", "The `ids` query parameter can not be empty"))
            } else {
                if ids.count > 100 { problems.append(XErrors.Invalid("ids", String(ids.count), "The `ids` query parameter value [\(ids.count) ids] is not between 1 and 100")) }
                for id in ids where EmulatorUser.numericID(id) == nil {
                    problems.append(XErrors.Invalid("ids", id, "The `ids` query parameter value [\(id)] does not match ^[0-9]{1,19}$"))
                }
            }
            if !problems.isEmpty { throw Refusal(XErrors.invalidRequest(problems)) }
            var writer = JSONWriter()
            var errors: [JSONValue] = []
            var found = 0
            writer.raw("{\"data\":[")
            for id in ids {
                guard let user = store.user(id: id) else {
                    errors.append(XErrors.notFound(resourceType: "user", parameter: "ids", value: id, detail: "Could not find user with ids: [\(id)]."))
                    continue
                }
                if found > 0 { writer.byte(UInt8(ascii: ",")) }
                V2Encoder.user(user, fields: fields, to: &writer)
                found += 1
            }
            writer.raw("]")
            if found == 0 { return notFound(errors) }
            if !errors.isEmpty {
                writer.raw(",\"errors\":")
                JSONValue.array(errors).write(to: &writer)
            }
            writer.raw("}")
            return .json(200, bytes: writer.bytes)
        default:
            throw Refusal(XErrors.blank(404))
        }
    }

    private func one(_ user: EmulatorUser, fields: Set<String>) -> EmulatorResponse {
        var writer = JSONWriter()
        writer.raw("{\"data\":")
        V2Encoder.user(user, fields: fields, to: &writer)
        writer.raw("}")
        return .json(200, bytes: writer.bytes)
    }

    private func notFound(_ errors: [JSONValue]) -> EmulatorResponse {
        .json(200, .object([("errors", .array(errors))]))
    }
}
