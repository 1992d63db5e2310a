<?php
namespace KiamoTwitter\Tests\Broker;

use Kiamo\Admin\Utility\Messaging\ConnectorConfiguration;
use KiamoTwitter\Tests\Support\BrokerTestCase;
use KiamoTwitter\Tests\Support\TestBroker;
use KiamoTwitter\Tests\Support\TestConnector;
use UserFiles\Messaging\Connector\TwitterQueueConnector;
use UserFiles\Messaging\Connector\TwitterQueueException;

/**
 * amqps:// and KIAMO_TWITTER_AMQP_TLS are real TLS with the broker's certificate checked, against the
 * test broker's TLS listener (scripts/test-broker: a CA made at test time, and an unrelated one).
 * The password never travels in clear: the first bytes on the wire are a TLS ClientHello.
 */
final class TlsTest extends BrokerTestCase
{
    /** Made of the characters that break URL parsers and naive maskers. */
    private const PASSWORD = 'Tls-Pa/ss?#@:%word';

    /** The TLS listener's URL with another password (TLS fails before the password is ever checked). */
    private static function urlWithSecretPassword(string $url): string
    {
        return preg_replace('#^(amqps?://[^:/@]*):[^@]*@#', '$1:' . rawurlencode(self::PASSWORD) . '@', $url);
    }

    private static function portOf(string $url): int
    {
        return (int)parse_url($url, PHP_URL_PORT);
    }

    public function testWithTheBrokersCaFetchAndSendGoThroughTls(): void
    {
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('2001'), '2001');
        $connector = TestConnector::make([
            'KIAMO_TWITTER_AMQP_URL' => TestBroker::amqpsUrl(),
            'KIAMO_TWITTER_AMQP_TLS_CA_FILE' => TestBroker::tlsCa(),
        ]);

        $bag = $connector->fetch(TestConnector::nextBag());
        $connector->send(['to' => ['id' => '906948460078698496'], 'content' => 'Hello over TLS']);

        $this->assertSame(['2001'], array_column($bag->getMessages(), 'id'));
        $sent = TestBroker::drain($this->reader(), TestBroker::SEND);
        $this->assertCount(1, $sent);
        $this->assertSame('Hello over TLS', json_decode($sent[0]->getBody(), true)['content']);
        $this->assertSame(0, TestBroker::count($this->channel, TestBroker::INBOUND));
    }

    /** verify_none, the workers' URL query: still TLS, the certificate unchecked, and a warning in the log. */
    public function testVerifyNoneConnectsWithAnyCaAndIsWarned(): void
    {
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('2201'), '2201');
        $connector = TestConnector::make([
            'KIAMO_TWITTER_AMQP_URL' => TestBroker::amqpsUrl() . '?verify=verify_none&cacertfile=' . rawurlencode(TestBroker::wrongTlsCa()),
        ]);

        $bag = $connector->fetch(TestConnector::nextBag());

        $this->assertSame(['2201'], array_column($bag->getMessages(), 'id'));
        $this->assertStringContainsString('TLS without peer verification', TestConnector::logOf($connector));
    }

    public function testOverTlsAWrongPasswordIsAccessRefusedNotATlsFailure(): void
    {
        $connector = TestConnector::make([
            'KIAMO_TWITTER_AMQP_URL' => self::urlWithSecretPassword(TestBroker::amqpsUrl()),
            'KIAMO_TWITTER_AMQP_TLS_CA_FILE' => TestBroker::tlsCa(),
        ]);
        $error = $this->failure(function () use ($connector) { $connector->fetch(TestConnector::nextBag()); });
        $this->assertSame('access_refused', $error->getReason(), $error->getMessage());
        $this->assertStringNotContainsString(self::PASSWORD, (string)$error);
        $this->assertStringNotContainsString(rawurlencode(self::PASSWORD), (string)$error);
    }

    public function refusedTlsSettings(): array
    {
        return [
            'a CA that did not sign the broker certificate' => ['wrongCa', 'tls_failed', 'certificate'],
            'the plain AMQP port' => ['plainPort', 'tls_failed', 'is it a TLS listener'],
            'no CA file: the system CAs do not know the test CA' => ['systemCas', 'tls_failed', 'certificate'],
        ];
    }

    /** @dataProvider refusedTlsSettings */
    public function testAnUntrustedBrokerOrAPlainPortIsRefusedClearlyAndLosesNothing(string $case, string $reason, string $phrase): void
    {
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('2101'), '2101');
        $settings = [
            'wrongCa' => ['KIAMO_TWITTER_AMQP_URL' => self::urlWithSecretPassword(TestBroker::amqpsUrl()), 'KIAMO_TWITTER_AMQP_TLS_CA_FILE' => TestBroker::wrongTlsCa()],
            'plainPort' => ['KIAMO_TWITTER_AMQP_URL' => self::urlWithSecretPassword(TestBroker::amqpsUrl()), 'KIAMO_TWITTER_AMQP_PORT' => (string)self::portOf(TestBroker::url()),
                            'KIAMO_TWITTER_AMQP_TLS_CA_FILE' => TestBroker::tlsCa()],
            'systemCas' => ['KIAMO_TWITTER_AMQP_URL' => self::urlWithSecretPassword(TestBroker::amqpsUrl())],
        ][$case];
        $connector = TestConnector::make($settings);

        foreach (['fetch' => function () use ($connector) { $connector->fetch(TestConnector::nextBag()); },
                  'send' => function () use ($connector) { $connector->send(['to' => ['id' => '906948460078698496'], 'content' => 'Hi']); }] as $call => $run) {
            $error = $this->failure($run);
            $this->assertSame($reason, $error->getReason(), $call . ': ' . $error->getMessage());
            $this->assertStringContainsString($phrase, $error->getMessage(), $call);
            $this->assertStringContainsString('amqps://127.0.0.1:', $error->getMessage(), $call);
            foreach ([self::PASSWORD, rawurlencode(self::PASSWORD)] as $secret) {
                $this->assertStringNotContainsString($secret, (string)$error, $call);
            }
        }
        $this->assertStringNotContainsString(self::PASSWORD, TestConnector::logOf($connector));
        $this->assertStringNotContainsString(rawurlencode(self::PASSWORD), TestConnector::logOf($connector));
        $this->assertSame(1, TestBroker::count($this->channel, TestBroker::INBOUND));
        $this->assertSame(0, TestBroker::count($this->channel, TestBroker::SEND));
    }

    public function tlsSwitches(): array
    {
        return [
            'an amqps:// URL' => [['KIAMO_TWITTER_AMQP_URL' => 'amqps://guest:' . rawurlencode(self::PASSWORD) . '@127.0.0.1:%d/']],
            'KIAMO_TWITTER_AMQP_TLS=true with an amqp:// URL' => [['KIAMO_TWITTER_AMQP_URL' => 'amqp://guest:' . rawurlencode(self::PASSWORD) . '@127.0.0.1:%d/', 'KIAMO_TWITTER_AMQP_TLS' => 'true']],
            'KIAMO_TWITTER_AMQP_TLS=true with host and port' => [['KIAMO_TWITTER_AMQP_HOST' => '127.0.0.1', 'KIAMO_TWITTER_AMQP_PORT' => '%d', 'KIAMO_TWITTER_AMQP_PASSWORD' => self::PASSWORD, 'KIAMO_TWITTER_AMQP_TLS' => 'true']],
        ];
    }

    /**
     * A raw listener records what the connector sends first: a TLS record of type handshake
     * (0x16, version 0x03 0x..), never the AMQP protocol header (and the password after it).
     *
     * @dataProvider tlsSwitches
     */
    public function testTheFirstBytesOnTheWireAreATlsClientHello(array $settings): void
    {
        $listener = new RawListener();
        try {
            $settings = array_map(function ($v) use ($listener) { return str_replace('%d', (string)$listener->port, $v); }, $settings);
            $environment = TestConnector::environment($settings + ['KIAMO_TWITTER_AMQP_TLS_CA_FILE' => TestBroker::tlsCa()]);
            if (!isset($settings['KIAMO_TWITTER_AMQP_URL'])) {
                unset($environment['KIAMO_TWITTER_AMQP_URL']);
            }
            $connector = new TwitterQueueConnector(new ConnectorConfiguration(), $environment);

            $error = $this->failure(function () use ($connector) { $connector->fetch(TestConnector::nextBag()); });
            $first = $listener->firstBytes();
        } finally {
            $listener->close();
        }

        $this->assertNotSame('414d5150', substr($first, 0, 8), 'the connector spoke plain AMQP ("AMQP"), the password follows');
        $this->assertMatchesRegularExpression('/^1603/', $first, 'a TLS handshake record starts with 0x16 0x03');
        $this->assertSame('tls_failed', $error->getReason(), $error->getMessage());
        $this->assertStringNotContainsString(self::PASSWORD, (string)$error);
    }

    private function failure(callable $call): TwitterQueueException
    {
        try {
            $call();
        } catch (TwitterQueueException $e) {
            return $e;
        }
        $this->fail('the call succeeded where TLS must fail');
    }
}

/**
 * A TCP listener in a child process (the connector blocks this one while it connects): accepts one
 * connection, records its first bytes in hex, then closes it.
 */
final class RawListener
{
    public $port;
    private $process;
    private $stdout;

    public function __construct()
    {
        $script = <<<'PHP'
$server = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
if ($server === false) { fwrite(STDERR, $errstr); exit(1); }
echo substr(strrchr(stream_socket_get_name($server, false), ':'), 1), "\n";
$conn = @stream_socket_accept($server, 30);
if ($conn === false) { echo "none\n"; exit(0); }
stream_set_timeout($conn, 10);
$bytes = '';
while (strlen($bytes) < 8 && !feof($conn)) { $chunk = fread($conn, 8 - strlen($bytes)); if ($chunk === false || $chunk === '') break; $bytes .= $chunk; }
echo bin2hex($bytes), "\n";
fclose($conn);
PHP;
        $this->process = proc_open([PHP_BINARY, '-r', $script], [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'a']], $pipes);
        if (!is_resource($this->process)) {
            throw new \RuntimeException('could not start the raw listener');
        }
        fclose($pipes[0]);
        $this->stdout = $pipes[1];
        stream_set_timeout($this->stdout, 20);
        $line = fgets($this->stdout);
        if ($line === false || !ctype_digit(trim($line))) {
            throw new \RuntimeException('the raw listener did not say its port');
        }
        $this->port = (int)trim($line);
    }

    /** The first (up to 8) bytes the client sent, in hex; waits for the child with its own deadline. */
    public function firstBytes(): string
    {
        $line = fgets($this->stdout);
        if ($line === false) {
            throw new \RuntimeException('the raw listener recorded nothing');
        }
        return trim($line);
    }

    public function close(): void
    {
        if ($this->process !== null) {
            fclose($this->stdout);
            proc_terminate($this->process);
            proc_close($this->process);
            $this->process = null;
        }
    }
}
