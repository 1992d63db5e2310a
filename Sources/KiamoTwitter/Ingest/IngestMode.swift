/// How the ingest worker learns of new DMs (`ingest.mode`).
public enum IngestMode: String, Sendable, CaseIterable {
    /// Reads X's DM list every `ingest.pollInterval`: works on every access tier.
    case poll
    /// Holds X's activity stream (`GET /2/activity/stream`) open; a reconciliation poll every
    /// `ingest.reconcileInterval` catches what a push missed.
    case stream
    /// Serves a webhook X delivers to (Account Activity or X Activity API); reconciled likewise.
    case webhook

    /// Whether X pushes DMs (the poll then only reconciles).
    public var isPush: Bool { self != .poll }

    /// The `path` label of `kiamo_ingest_messages_published_total` for what a poll publishes.
    var pollPath: String { isPush ? "reconcile" : "poll" }
}
