extension ConfigurationKey {
    /// Every setting. Names follow the original Kiamo sample where the meaning is the same
    /// (`service`, `apiBaseUrl` as `api.baseUrl`, the credential names, `cache.checkEveryInSecs`, ...).
    public static let all: [ConfigurationKey] = [
        ConfigurationKey(
            "service", env: "KIAMO_TWITTER_SERVICE", .string, default: "kiamo-twitter",
            "Service name: the connector's name in Kiamo, the AMQP connection name prefix and `app_id`."),
        ConfigurationKey(
            "logLevel", env: "KIAMO_TWITTER_LOG_LEVEL",
            .choice(["trace", "debug", "info", "notice", "warning", "error", "critical"]), default: "info",
            "Least severe level written to standard output (and to the daily files)."),
        ConfigurationKey(
            "logFormat", env: "KIAMO_TWITTER_LOG_FORMAT", .choice(["text", "json"]), default: "text",
            "Standard output's lines: `text` (`time level logger: message key=value`) or `json`, one object per line (`time`, `level`, `logger`, `message`, `metadata`) for a log shipper. The daily files keep the original's format."
        ),
        ConfigurationKey(
            "logFiles.enabled", env: "KIAMO_TWITTER_LOG_FILES_ENABLED", .boolean, default: "false",
            "Also write daily log files in the original's format `[YYYYMMDD_HHMMSS][LEVEL][method] text`."),
        ConfigurationKey(
            "logFiles.folder", env: "KIAMO_TWITTER_LOG_FILES_FOLDER", .string, default: "log",
            "Folder of the daily log files."),

        ConfigurationKey(
            "amqp.url", env: "KIAMO_TWITTER_AMQP_URL", .secret, default: "amqp://guest:guest@127.0.0.1:5672/",
            "Broker URL, `amqp://user:password@host:port/vhost` or `amqps://...` (the password is masked in every output); a cluster's nodes separated by commas, `amqp://user:password@rmq1:5672,rmq2:5672,rmq3:5672/vhost` (\"A broker cluster\")."
        ),
        ConfigurationKey(
            "amqp.exchange", env: "KIAMO_TWITTER_AMQP_EXCHANGE", .string, default: "kiamo.twitter",
            "Main topic exchange; queue and other exchange names derive from it (`<exchange>.inbound`, `<exchange>.dlx`, ...)."),
        ConfigurationKey(
            "amqp.queueType", env: "KIAMO_TWITTER_AMQP_QUEUE_TYPE", .choice(["classic", "quorum"]), default: "classic",
            "Type of every queue the workers declare, retry tiers and dead letters included (`quorum` for a broker cluster: \"A broker cluster\")."),
        ConfigurationKey(
            "amqp.heartbeat", env: "KIAMO_TWITTER_AMQP_HEARTBEAT", .duration, default: "30s",
            "AMQP heartbeat interval."),
        ConfigurationKey(
            "amqp.reportsMaxLength", env: "KIAMO_TWITTER_AMQP_REPORTS_MAX_LENGTH", .integer(1...100_000_000), default: "100000",
            "Most delivery reports `<exchange>.reports` keeps; past it the oldest is dropped (a policy: \"Queue bounds\")."),
        ConfigurationKey(
            "amqp.reportsMaxAge", env: "KIAMO_TWITTER_AMQP_REPORTS_MAX_AGE", .duration, default: "7d",
            "Age after which a delivery report nobody consumed is dropped."),
        ConfigurationKey(
            "amqp.deadLettersMaxLength", env: "KIAMO_TWITTER_AMQP_DEAD_LETTERS_MAX_LENGTH", .integer(1...100_000_000), default: "100000",
            "Most messages `<exchange>.send.dead` and `<exchange>.inbound.dead` each keep; past it the oldest is dropped."),
        ConfigurationKey(
            "amqp.deadLettersMaxAge", env: "KIAMO_TWITTER_AMQP_DEAD_LETTERS_MAX_AGE", .duration, default: "14d",
            "Age after which a dead letter (it holds a reply's or a customer's DM text) is dropped."),

        ConfigurationKey(
            "state.url", env: "KIAMO_TWITTER_STATE_URL", .secret, default: "sqlite:///var/lib/kiamo-twitter/state.db",
            "State store shared by every worker: `sqlite:///path/state.db` (one host or one shared volume) or `postgres://user:password@host:5432/db?sslmode=verify-full` (several hosts)."),

        ConfigurationKey(
            "api.baseUrl", env: "KIAMO_TWITTER_API_BASE_URL", .string, default: "https://api.x.com",
            "X API base URL (point it at `x-emulator` for tests and the local run)."),
        ConfigurationKey(
            "api.allowInsecureHttp", env: "KIAMO_TWITTER_API_ALLOW_INSECURE_HTTP", .boolean, default: "false",
            "Accept a plain `http://` `api.baseUrl` for a host other than loopback (an emulator on a private network); tokens and messages then cross the network in clear."),
        ConfigurationKey(
            "api.version", env: "KIAMO_TWITTER_API_VERSION", .choice(["2", "1.1"]), default: "2",
            "X API dialect: `2` (Direct Message events v2) or `1.1` (the original sample's, OAuth 1.0a only)."),
        ConfigurationKey(
            "api.consumerKey", env: "KIAMO_TWITTER_APP_CONSUMER_KEY", .secret, default: "",
            "The app's consumer (API) key, for X's push APIs (app-only bearer token); empty: the first OAuth 1.0a account's."),
        ConfigurationKey(
            "api.consumerSecret", env: "KIAMO_TWITTER_APP_CONSUMER_SECRET", .secret, default: "",
            "The app's consumer (API) key secret: the key of webhook CRCs and delivery signatures; empty: the first OAuth 1.0a account's."),
        ConfigurationKey(
            "api.timeout", env: "KIAMO_TWITTER_API_TIMEOUT", .duration, default: "30s",
            "Time allowed for one X API request."),
        ConfigurationKey(
            "api.connectTimeout", env: "KIAMO_TWITTER_API_CONNECT_TIMEOUT", .duration, default: "10s",
            "Time allowed to connect to X."),
        ConfigurationKey(
            "api.tokenRefreshMargin", env: "KIAMO_TWITTER_API_TOKEN_REFRESH_MARGIN", .duration, default: "5m",
            "OAuth 2.0: refresh the access token when it expires within this margin."),

        ConfigurationKey(
            "http.host", env: "KIAMO_TWITTER_HTTP_HOST", .string, default: "0.0.0.0",
            "Address of the metrics and health endpoints (`/metrics`, `/healthz`, `/readyz`)."),
        ConfigurationKey(
            "http.port", env: "KIAMO_TWITTER_HTTP_PORT", .integer(0...65535), default: "8080",
            "Port of the metrics and health endpoints; 0 turns them off."),

        ConfigurationKey(
            "tracing.endpoint", env: "KIAMO_TWITTER_TRACING_ENDPOINT", .string, default: "",
            "OpenTelemetry collector for traces, OTLP/HTTP (`http://otel-collector:4318`; spans go to `<endpoint>/v1/traces`). Empty: no tracing, and no `traceparent` on the messages (\"Tracing a conversation\")."
        ),
        ConfigurationKey(
            "tracing.protocol", env: "KIAMO_TWITTER_TRACING_PROTOCOL", .choice(["http/json"]), default: "http/json",
            "OTLP encoding: `http/json`, OTLP/HTTP with JSON bodies, which every OTLP/HTTP receiver takes on its HTTP port."),
        ConfigurationKey(
            "tracing.samplingPercent", env: "KIAMO_TWITTER_TRACING_SAMPLING_PERCENT", .integer(0...100), default: "100",
            "Share of conversation turns traced, decided where a turn begins (ingest, or a command that carries no `traceparent`); a turn keeps that decision across processes."),

        ConfigurationKey(
            "cache.enabled", env: "KIAMO_TWITTER_CACHE_ENABLED", .boolean, default: "true",
            "Cache user records and conversations in the state store (saves X look-ups, v1.1 above all)."),
        ConfigurationKey(
            "cache.checkEveryInSecs", env: "KIAMO_TWITTER_CACHE_CHECK_EVERY_IN_SECS", .integer(1...31_536_000), default: "3600",
            "Least number of seconds between two cache clean-ups, across every process."),
        ConfigurationKey(
            "cache.expirationInSecs", env: "KIAMO_TWITTER_CACHE_EXPIRATION_IN_SECS", .integer(1...31_536_000), default: "86400",
            "Age after which a cached record is a miss."),

        ConfigurationKey(
            "resources.enabled", env: "KIAMO_TWITTER_RESOURCES_ENABLED", .boolean, default: "false",
            "Debug: keep the original's resource files (`<service>.json`, `customers.json`, `conversations.json`, `cursors.json`) up to date: the ingest worker rewrites them every poll interval, at most every 10 s, 0600 with tokens masked."
        ),
        ConfigurationKey(
            "resources.folder", env: "KIAMO_TWITTER_RESOURCES_FOLDER", .string, default: "data",
            "Folder of the resource files."),

        ConfigurationKey(
            "ingest.pollInterval", env: "KIAMO_TWITTER_POLL_INTERVAL", .duration, default: "5s",
            "Time between two polls of X when the last one found nothing new (v1.1's 15 requests / 15 min forces at least 60 s)."),
        ConfigurationKey(
            "ingest.paginationCount", env: "KIAMO_TWITTER_PAGINATION_COUNT", .integer(1...100), default: "100",
            "Events per page (`max_results`, at most 100 in v2; `count`, at most 50 in v1.1)."),
        ConfigurationKey(
            "ingest.backfill", env: "KIAMO_TWITTER_BACKFILL", .duration, default: "0s",
            "First run of an account: publish the DMs of this past window (at most 30 days); 0 starts from now."),
        ConfigurationKey(
            "ingest.overlap", env: "KIAMO_TWITTER_OVERLAP", .duration, default: "2m",
            "How late X may show a DM (its lists are eventually consistent): a sweep, at start and every half overlap, reads back to 1.5 × overlap before the cursor; the inbound ledger drops repeats."
        ),
        ConfigurationKey(
            "ingest.senderNameTemplate", env: "KIAMO_TWITTER_SENDER_NAME_TEMPLATE", .string, default: "{name}@{username}",
            "Kiamo `senderName`: `{name}`, `{username}` and `{id}` are replaced."),
        ConfigurationKey(
            "ingest.mode", env: "KIAMO_TWITTER_INGEST_MODE", .choice(["poll", "stream", "webhook"]), default: "poll",
            "How new DMs are learnt: `poll` reads X every poll interval (every access tier); `stream` holds X's activity stream open, `webhook` serves a webhook X delivers to (both need X's push APIs); push modes poll every `ingest.reconcileInterval` to catch what a push missed."
        ),
        ConfigurationKey(
            "ingest.reconcileInterval", env: "KIAMO_TWITTER_RECONCILE_INTERVAL", .duration, default: "60s",
            "In `stream` and `webhook` modes: time between two reconciliation polls, which publish what the push missed (DMs older than 30 s; the inbound ledger drops what the push published)."
        ),
        ConfigurationKey(
            "ingest.webhook.host", env: "KIAMO_TWITTER_WEBHOOK_HOST", .string, default: "0.0.0.0",
            "`webhook` mode: address the webhook endpoint listens on (behind the TLS reverse proxy X calls)."),
        ConfigurationKey(
            "ingest.webhook.port", env: "KIAMO_TWITTER_WEBHOOK_PORT", .integer(0...65_535), default: "8088",
            "`webhook` mode: port of the webhook endpoint."),
        ConfigurationKey(
            "ingest.webhook.path", env: "KIAMO_TWITTER_WEBHOOK_PATH", .string, default: "/webhooks/x",
            "`webhook` mode: path of the webhook endpoint (CRC on GET, deliveries on POST)."),
        ConfigurationKey(
            "ingest.webhook.maxBodyBytes", env: "KIAMO_TWITTER_WEBHOOK_MAX_BODY_BYTES", .integer(1024...67_108_864), default: "1048576",
            "`webhook` mode: largest delivery read; a larger one is refused with 413 unread."),
        ConfigurationKey(
            "ingest.webhook.url", env: "KIAMO_TWITTER_WEBHOOK_URL", .string, default: "",
            "`webhook` mode: the public https URL X calls (no port). When set, the worker registers it at start if X does not have it, has X check it again when X marked it invalid, and subscribes each account (Account Activity API); empty: `kiamo-twitter webhooks register` does it."
        ),
        ConfigurationKey(
            "ingest.leaseTtl", env: "KIAMO_TWITTER_INGEST_LEASE_TTL", .duration, default: "15s",
            "Leadership lease of the active poller of an account; a standby takes over within it when the active one dies."),

        ConfigurationKey(
            "dispatch.prefetch", env: "KIAMO_TWITTER_DISPATCH_PREFETCH", .integer(1...10_000), default: "32",
            "Send commands taken from the queue before any is acknowledged."),
        ConfigurationKey(
            "dispatch.concurrencyPerAccount", env: "KIAMO_TWITTER_DISPATCH_CONCURRENCY", .integer(1...256), default: "8",
            "DMs in flight at once per account; replies to one recipient always go one after another, in order."),
        ConfigurationKey(
            "dispatch.maxAttempts", env: "KIAMO_TWITTER_DISPATCH_MAX_ATTEMPTS", .integer(1...1000), default: "8",
            "Attempts of a command failing transiently (5xx, network) before it is dead-lettered."),
        ConfigurationKey(
            "dispatch.maxDeliveries", env: "KIAMO_TWITTER_DISPATCH_MAX_DELIVERIES", .integer(2...1000), default: "20",
            "Deliveries of one command that may begin and never settle (the worker or its broker connection died while handling it) before it is dead-lettered (`redelivery_limit`)."),
        ConfigurationKey(
            "dispatch.retryDelays", env: "KIAMO_TWITTER_DISPATCH_RETRY_DELAYS", .durations, default: "1s,10s,1m,10m",
            "Delay tiers: one retry queue each (`<exchange>.send.retry.<delay>`); backoff picks the tier at or above its delay."),
        ConfigurationKey(
            "dispatch.splitLongMessages", env: "KIAMO_TWITTER_SPLIT_LONG_MESSAGES", .boolean, default: "false",
            "Split replies over 10,000 characters at white space into ordered DMs instead of rejecting them."),
        ConfigurationKey(
            "dispatch.maxCommandBytes", env: "KIAMO_TWITTER_DISPATCH_MAX_COMMAND_BYTES", .integer(1024...16_777_216), default: "262144",
            "Largest send command body accepted; a bigger one is dead-lettered."),
        ConfigurationKey(
            "dispatch.staleClaim", env: "KIAMO_TWITTER_DISPATCH_STALE_CLAIM", .duration, default: "60s",
            "A command claimed longer ago by a worker that is gone is checked against X before it is sent again."),
        ConfigurationKey(
            "dispatch.sentRetention", env: "KIAMO_TWITTER_DISPATCH_SENT_RETENTION", .duration, default: "30d",
            "How long the send ledger remembers a command (a redelivery within it never sends a second DM)."),
        ConfigurationKey(
            "dispatch.attachments.allowedHosts", env: "KIAMO_TWITTER_DISPATCH_ATTACHMENT_HOSTS", .string, default: "",
            "Hosts a reply's `url` attachment may be downloaded from, separated by commas (`files.example.com,*.cdn.example.com`). Empty: `url` attachments are refused (\"Replies with media\")."
        ),
        ConfigurationKey(
            "dispatch.attachments.allowedNetworks", env: "KIAMO_TWITTER_DISPATCH_ATTACHMENT_NETWORKS", .string, default: "",
            "Internal address ranges an allowed host may resolve to, separated by commas (`10.1.2.0/24,fd00:1::/64`): without one, a host that resolves to a loopback, private, link-local or reserved address is refused, so a command cannot reach an internal service."
        ),
        ConfigurationKey(
            "dispatch.attachments.folder", env: "KIAMO_TWITTER_DISPATCH_ATTACHMENT_FOLDER", .string, default: "",
            "Folder a reply's `path` attachment is read from: a path outside it, with `..`, or through a symbolic link (none is followed) is refused. Empty: `path` attachments are refused."),
        ConfigurationKey(
            "dispatch.attachments.maxBytes", env: "KIAMO_TWITTER_DISPATCH_ATTACHMENT_MAX_BYTES", .integer(1...536_870_912), default: "15728640",
            "Largest attachment downloaded or read, in bytes; larger is a dead letter. X takes 5 MB photos, 15 MB GIFs, 512 MB videos; the file is held in memory while it is uploaded."
        ),
        ConfigurationKey(
            "dispatch.attachments.fetchTimeout", env: "KIAMO_TWITTER_DISPATCH_ATTACHMENT_FETCH_TIMEOUT", .duration, default: "30s",
            "Time allowed to download a `url` attachment; a timeout is retried like a failed post."),
        ConfigurationKey(
            "dispatch.attachments.processingTimeout", env: "KIAMO_TWITTER_DISPATCH_ATTACHMENT_PROCESSING_TIMEOUT", .duration, default: "2m",
            "Time X may take to process an uploaded video or GIF; longer is retried like a failed post."),

        ConfigurationKey(
            "media.folder", env: "KIAMO_TWITTER_MEDIA_FOLDER", .string, default: "",
            "Folder of the media store: ingest fetches each DM's media (photos, videos, files) with the account's credentials into it, and messages link to them (\"Customers' media\"). Empty: media off, messages carry X's URLs (which do not open without X credentials). Several ingest hosts need one shared volume here."
        ),
        ConfigurationKey(
            "media.publicUrl", env: "KIAMO_TWITTER_MEDIA_PUBLIC_URL", .string, default: "",
            "Address agents reach the media service at (`https://media.example.com`, behind your TLS proxy); the links in messages start with it. Required with media.folder."),
        ConfigurationKey(
            "media.linkSecret", env: "KIAMO_TWITTER_MEDIA_LINK_SECRET", .secret, default: "",
            "Key that signs the media links (HMAC-SHA256), at least 32 characters (`openssl rand -hex 32`); every ingest process of a deployment uses the same. Changing it invalidates the links already sent."
        ),
        ConfigurationKey(
            "media.linkLifetime", env: "KIAMO_TWITTER_MEDIA_LINK_LIFETIME", .duration, default: "7d",
            "How long a media link works after its message is published."),
        ConfigurationKey(
            "media.maxBytes", env: "KIAMO_TWITTER_MEDIA_MAX_BYTES", .integer(1...536_870_912), default: "20000000",
            "Largest media item fetched, in bytes (X allows 5 MB photos, 15 MB GIFs, 512 MB videos); a larger one is marked unavailable in the message."),
        ConfigurationKey(
            "media.fetchTimeout", env: "KIAMO_TWITTER_MEDIA_FETCH_TIMEOUT", .duration, default: "20s",
            "Time allowed to fetch one item before its message is published without it; the fetch goes on in the background and the message's link works once it succeeds."),
        ConfigurationKey(
            "media.retries", env: "KIAMO_TWITTER_MEDIA_RETRIES", .integer(0...20), default: "5",
            "Background fetches of an item that could not be fetched in time, before it is given up."),
        ConfigurationKey(
            "media.retryDelay", env: "KIAMO_TWITTER_MEDIA_RETRY_DELAY", .duration, default: "30s",
            "Wait before the first background fetch, doubled after each failure."),
        ConfigurationKey(
            "media.retention", env: "KIAMO_TWITTER_MEDIA_RETENTION", .duration, default: "30d",
            "Age after which stored media are deleted (customers' photos are personal data); checked every hour."),
        ConfigurationKey(
            "media.textTemplate", env: "KIAMO_TWITTER_MEDIA_TEXT_TEMPLATE", .string, default: "[{kind}] {url}",
            "Line added to the message's text for each media item, since Kiamo shows text: `{kind}` (photo, gif, video, file), `{url}`, `{type}`, `{size}`."),
        ConfigurationKey(
            "media.host", env: "KIAMO_TWITTER_MEDIA_HOST", .string, default: "0.0.0.0",
            "Address the ingest worker's media service listens on."),
        ConfigurationKey(
            "media.port", env: "KIAMO_TWITTER_MEDIA_PORT", .integer(0...65_535), default: "8090",
            "Port of the media service (0: this process does not serve media; another one on the same store does)."),

        ConfigurationKey(
            "shutdownGrace", env: "KIAMO_TWITTER_SHUTDOWN_GRACE", .duration, default: "8s",
            "On SIGTERM: time allowed to finish or hand back the work in flight before exiting."),

        ConfigurationKey(
            "accounts[].userId", env: "KIAMO_TWITTER_USER_ID", .string, default: nil,
            "X user id (numeric) of the account whose DMs are read and sent."),
        ConfigurationKey(
            "accounts[].consumerKey", env: "KIAMO_TWITTER_CONSUMER_KEY", .secret, default: nil,
            "OAuth 1.0a consumer (API) key."),
        ConfigurationKey(
            "accounts[].consumerSecret", env: "KIAMO_TWITTER_CONSUMER_SECRET", .secret, default: nil,
            "OAuth 1.0a consumer (API) secret."),
        ConfigurationKey(
            "accounts[].oauthToken", env: "KIAMO_TWITTER_OAUTH_TOKEN", .secret, default: nil,
            "OAuth 1.0a access token of the account."),
        ConfigurationKey(
            "accounts[].oauthTokenSecret", env: "KIAMO_TWITTER_OAUTH_TOKEN_SECRET", .secret, default: nil,
            "OAuth 1.0a access token secret of the account."),
        ConfigurationKey(
            "accounts[].clientId", env: "KIAMO_TWITTER_CLIENT_ID", .secret, default: nil,
            "OAuth 2.0 client id (used instead of OAuth 1.0a when set)."),
        ConfigurationKey(
            "accounts[].clientSecret", env: "KIAMO_TWITTER_CLIENT_SECRET", .secret, default: nil,
            "OAuth 2.0 client secret (confidential clients only)."),
        ConfigurationKey(
            "accounts[].refreshToken", env: "KIAMO_TWITTER_REFRESH_TOKEN", .secret, default: nil,
            "OAuth 2.0 refresh token to start from, when the state store holds none yet (`kiamo-twitter auth login` stores one)."),
    ]

    /// The key at `path`, if any.
    public static func named(_ path: String) -> ConfigurationKey? { all.first { $0.path == path } }
}
