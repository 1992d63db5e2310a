/// The `# HELP` text of every metric family the workers expose, and the pass that adds it to
/// `/metrics`.
///
/// The engines count through swift-metrics, which has no help text; the Prometheus registry
/// fixes a family's help when the family is first made and refuses another later. So the text is
/// added when `/metrics` is rendered, from this one list, which the README's metrics list and a
/// test that reads the sources keep complete.
public enum MetricsCatalogue {
    public static let help: [String: String] = [
        // Both workers.
        "kiamo_twitter_build_info": "Always 1; the labels say which release and role of kiamo-twitter this process runs.",
        "kiamo_broker_connected": "1 while the worker's connection to RabbitMQ is up, 0 while it is down or reconnecting.",
        "kiamo_x_api_calls_total": "Calls to the X API by operation and outcome (status: ok, rate_limited, unauthorized, rejected, unavailable, network, undecodable, ...).",
        "kiamo_x_rate_limit_remaining": "Calls left in the current X rate-limit window of an endpoint family, shared by every worker of the account (read from the state store at scrape).",
        "kiamo_x_rate_limit_limit": "Calls allowed per X rate-limit window of an endpoint family, as X last said.",
        "kiamo_x_rate_limit_reset_timestamp_seconds": "Unix time at which the current X rate-limit window of an endpoint family ends.",
        "kiamo_worker_ready": "1 while the worker is ready (what /readyz answers 200 for), 0 while it is not; set at each scrape.",
        "kiamo_oauth2_token_expiry_timestamp_seconds": "Unix time at which the stored OAuth 2.0 access token of the account expires (refreshed ahead of it, api.tokenRefreshMargin).",
        "kiamo_tracing_spans_exported_total": "Spans sent to the OpenTelemetry collector (tracing.endpoint) and accepted by it.",
        "kiamo_tracing_spans_dropped_total":
            "Spans not exported, by reason: queue_full (more ended than the exporter holds) or export_failed (the collector refused them or could not be reached). Tracing never holds a message back.",
        // Ingest.
        "kiamo_ingest_messages_published_total":
            "Kiamo messages published to the inbound route and confirmed by the broker, by path: poll, push, or reconcile (a push mode's poll found what the push missed).",
        "kiamo_ingest_push_delay_seconds": "Push modes: time from a DM's creation at X to its publish confirmed.",
        "kiamo_ingest_push_skipped_total": "Pushed events not published, by reason (event_type, sent_by_account, not_a_message, undecodable, stale).",
        "kiamo_ingest_stream_disconnects_total":
            "Connections to X's activity stream that ended, by reason (closed_by_x, network, refused, rate_limited, unauthorized, other).",
        "kiamo_ingest_stream_last_seen_timestamp_seconds": "Unix time at which X's activity stream last brought a line or a keep-alive.",
        "kiamo_ingest_webhook_requests_total":
            "Requests to the ingest webhook by outcome: crc, crc_refused, published, skipped, unsigned, bad_signature, malformed, too_large, failed, late.",
        "kiamo_ingest_polls_total": "Polls of X's DM list by outcome (ok, partial, failed, standby).",
        "kiamo_ingest_leases_held": "Accounts whose ingest lease this process holds: at most its fair share, ceil(accounts / live ingest processes).",
        "kiamo_ingest_lag_seconds":
            "How far the published stream is behind X, set by every poll that completes: 0 when all it read is published, else the age of the oldest DM left for the next poll (alert on time() - kiamo_ingest_last_poll_timestamp_seconds for a stalled poller).",
        "kiamo_ingest_last_poll_timestamp_seconds": "Unix time of the last poll that completed.",
        "kiamo_ingest_poll_interval_seconds": "The poll interval in force (ingest.pollInterval, at least 60 s with X API v1.1); the stall alert counts missed polls in it.",
        "kiamo_ingest_skipped_total": "DM events read from X and not published, by reason; each counted once (undecodable ones each time they are read).",
        "kiamo_ingest_errors_total": "Ingest failures by kind (X, broker, state store, publish).",
        "kiamo_ingest_media_total":
            "Customers' media items by outcome (media.folder): available (stored and linked), pending (published before X handed it over; fetched again in the background), unavailable (given up, with the reason in the message).",
        // Dispatch.
        "kiamo_dispatch_commands_consumed_total": "Send commands taken from the send queue.",
        "kiamo_dispatch_sent_total": "DMs posted to X and recorded sent.",
        "kiamo_dispatch_failed_total": "Send commands that ended failed (with a failed report), by error code.",
        "kiamo_dispatch_retried_total": "Send commands parked in a retry tier, by reason.",
        "kiamo_dispatch_dead_lettered_total": "Send commands dead-lettered to the send.dead queue, by error code.",
        "kiamo_dispatch_in_flight": "DMs being posted right now, per account.",
        "kiamo_dispatch_send_duration_seconds": "Time X took to answer a DM post.",
        "kiamo_dispatch_media_uploaded_total": "Reply attachments uploaded to X, by media category (dm_image, dm_gif, dm_video).",
        "kiamo_dispatch_upload_duration_seconds": "Time an attachment's upload to X took, processing included.",
    ]

    /// `text` (Prometheus text format) with a `# HELP` line before each `# TYPE` line that has
    /// none and whose family is in `help`.
    public static func annotate(_ text: String, help: [String: String] = help) -> String {
        var lines: [Substring] = []
        var previous: Substring = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE "), !previous.hasPrefix("# HELP ") {
                let name = line.dropFirst("# TYPE ".count).prefix { $0 != " " }
                if let text = help[String(name)] { lines.append("# HELP \(name) \(escaped(text))") }
            }
            lines.append(line)
            previous = line
        }
        return lines.joined(separator: "\n")
    }

    /// HELP text escapes backslash and newline (Prometheus text format 0.0.4).
    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}
