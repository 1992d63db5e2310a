<?php
/*
 * The X emulator (the built `x-emulator`) as a child process, and its control API under
 * /_emulator: add customers, have them (or the account) write DMs, list what the account sent.
 * It serves the account and credentials of the Swift tests' TestEmulator.Credentials, which the
 * workers get through Workers::environment().
 */
namespace KiamoTwitter\Tests\Support;

final class Emulator
{
    public const ACCOUNT_ID = '1234';
    public const ACCOUNT_USERNAME = 'kiamo_support';
    public const CONSUMER_KEY = 'test-consumer-key';
    public const CONSUMER_SECRET = 'test-consumer-secret';
    public const ACCESS_TOKEN = '1234-test-access-token';
    public const ACCESS_TOKEN_SECRET = 'test-access-token-secret';
    /** OAuth 2.0 is not used here; given so that the emulator's banner shows no default secret. */
    public const REFRESH_TOKEN = 'test-refresh-token';

    /** @var ChildProcess */
    private $process;
    /** @var string http://127.0.0.1:PORT */
    private $baseUrl;

    private function __construct(ChildProcess $process, string $baseUrl)
    {
        $this->process = $process;
        $this->baseUrl = $baseUrl;
    }

    /**
     * Starts `x-emulator --port 0 --rate-limits off` with the test credentials, its output in
     * $folder/x-emulator.log, and returns once it prints the URL it listens on.
     */
    public static function start(string $folder): self
    {
        $process = ChildProcess::start('x-emulator', [
            Products::executable(Products::EMULATOR),
            '--port', '0', '--rate-limits', 'off',
            '--account-id', self::ACCOUNT_ID, '--account-username', self::ACCOUNT_USERNAME,
            '--consumer-key', self::CONSUMER_KEY, '--consumer-secret', self::CONSUMER_SECRET,
            '--access-token', self::ACCESS_TOKEN, '--access-token-secret', self::ACCESS_TOKEN_SECRET,
            '--refresh-token', self::REFRESH_TOKEN,
        ], Products::environment([]), $folder . '/x-emulator.log', [self::CONSUMER_SECRET, self::ACCESS_TOKEN, self::ACCESS_TOKEN_SECRET, self::REFRESH_TOKEN]);
        try {
            $line = $process->waitForLine('x-emulator listening on http://', 20.0);
        } catch (\Throwable $e) {
            $process->stop();
            throw $e;
        }
        if (!preg_match('#listening on (http://[^ ]+)#', $line, $m)) {
            $process->stop();
            throw new \RuntimeException('x-emulator printed no URL: ' . $process->mask($line));
        }
        return new self($process, $m[1]);
    }

    /** http://127.0.0.1:PORT, what the workers get as KIAMO_TWITTER_API_BASE_URL. */
    public function baseUrl(): string
    {
        return $this->baseUrl;
    }

    public function process(): ChildProcess
    {
        return $this->process;
    }

    /** Adds a customer ($more: other fields of the user, e.g. acceptsDirectMessages); returns its user id. */
    public function addUser(string $name, string $username, array $more = []): string
    {
        return (string)$this->call('POST', '/users', ['name' => $name, 'username' => $username] + $more, 201)['id'];
    }

    /**
     * $from writes $text to $to (default: the account), created now. Returns the emulator's answer:
     * `id` (the DM event id), `conversationId`, `createdAt` (ISO 8601 with milliseconds).
     */
    public function postDM(string $from, string $text, ?string $to = null): array
    {
        $body = ['from' => $from, 'text' => $text];
        if ($to !== null) {
            $body['to'] = $to;
        }
        return $this->call('POST', '/dms', $body, 201);
    }

    /** The DMs the account sent through the API, oldest first: {recipientID, dmEventID, text, ...}. */
    public function sent(): array
    {
        return $this->call('GET', '/sent?account=' . self::ACCOUNT_ID, null, 200)['sent'];
    }

    public function stop(): string
    {
        return $this->process->stop();
    }

    private function call(string $method, string $path, ?array $body, int $expect): array
    {
        $options = ['method' => $method, 'ignore_errors' => true, 'timeout' => 10, 'header' => "Connection: close\r\n"];
        if ($body !== null) {
            $options['header'] .= "Content-Type: application/json\r\n";
            $options['content'] = json_encode($body, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
        }
        $url = $this->baseUrl . '/_emulator' . $path;
        $answer = @file_get_contents($url, false, stream_context_create(['http' => $options]));
        $statusLine = isset($http_response_header[0]) ? $http_response_header[0] : '';
        if ($answer === false || !preg_match('#^HTTP/\S+ (\d{3})#', $statusLine, $m)) {
            throw new \RuntimeException("$method $url: no answer from the emulator.\n" . $this->process->outputTail());
        }
        if ((int)$m[1] !== $expect) {
            throw new \RuntimeException("$method $url answered {$m[1]} (expected $expect): $answer");
        }
        return json_decode($answer, true, 32, JSON_THROW_ON_ERROR);
    }
}
