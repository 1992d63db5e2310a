<?php
namespace KiamoTwitter\Tests\E2E;

use KiamoTwitter\Tests\Support\E2ETestCase;
use KiamoTwitter\Tests\Support\Eventually;
use KiamoTwitter\Tests\Support\TestBroker;
use KiamoTwitter\Tests\Support\TestConnector;
use UserFiles\Messaging\Connector\TwitterQueueException;

/**
 * With the workers running and customers' DMs waiting, a Kiamo configured with a wrong broker
 * address or wrong credentials gets a clear exception without the password, and nothing is lost:
 * the DMs still come out of fetch(), once, with the right configuration, and a failed send()
 * posted nothing.
 */
final class BrokerFailureEndToEndTest extends E2ETestCase
{
    private const SECRET = 'e2e-S3cret-never-shown';

    public function testAWrongBrokerAddressOrCredentialsFailsClearlyWithoutThePasswordAndLosesNothing(): void
    {
        $jane = $this->emulator->addUser('Jane Doe', 'janedoe');
        $this->startIngest();
        $this->startDispatch();
        $dms = [];
        foreach (['My parcel is late', "Order \"45\"\nstill nothing", 'Anyone there? 🙁'] as $text) {
            $dms[] = $this->emulator->postDM($jane, $text) + ['text' => $text];
        }
        $inbound = $this->queue('inbound');
        Eventually::value(function () use ($inbound) {
            return TestBroker::count($this->brokerChannel(), $inbound) === 3;
        }, 20.0, 'the ingest worker to publish the three DMs');

        $p = TestBroker::parts();
        $vhost = '/' . rawurlencode($p['vhost']);
        $emulatorPort = (int)parse_url($this->emulator->baseUrl(), PHP_URL_PORT);
        $silent = stream_socket_server('tcp://127.0.0.1:0');  // accepts connections (backlog), never answers
        $silentPort = (int)substr(strrchr(stream_socket_get_name($silent, false), ':'), 1);
        // Each case: the URL Kiamo is given, the reason, and what the message must say (where, and what to check).
        $cases = [
            'a port nothing listens on' => ['amqp://' . $p['user'] . ':' . self::SECRET . '@' . $p['host'] . ':' . self::freePort() . $vhost,
                'broker_unreachable', ['Cannot connect to the broker at amqp://' . $p['host'] . ':', 'Check access amqp.host / amqp.port']],
            'the port of an HTTP server' => ['amqp://' . $p['user'] . ':' . self::SECRET . '@127.0.0.1:' . $emulatorPort . $vhost,
                'broker_unreachable', ["Cannot connect to the broker at amqp://127.0.0.1:$emulatorPort", 'Check access amqp.host / amqp.port']],
            'a port that never answers (1 s timeouts)' => ['amqp://' . $p['user'] . ':' . self::SECRET . '@127.0.0.1:' . $silentPort . $vhost,
                'broker_timeout', ["The broker at amqp://127.0.0.1:$silentPort vhost {$p['vhost']} did not answer in time", 'Check that RabbitMQ runs there']],
            'a wrong password' => ['amqp://' . $p['user'] . ':' . self::SECRET . '@' . $p['host'] . ':' . $p['port'] . $vhost,
                'access_refused', ['The broker at amqp://' . $p['host'] . ':' . $p['port'] . " vhost {$p['vhost']} refused user '{$p['user']}'",
                    'Check the user and password']],
            'an unknown user' => ['amqp://nobody:' . self::SECRET . '@' . $p['host'] . ':' . $p['port'] . $vhost,
                'access_refused', ["refused user 'nobody'", 'Check the user and password']],
            'an unknown virtual host' => ['amqp://' . $p['user'] . ':' . TestBroker::parts()['password'] . '@' . $p['host'] . ':' . $p['port'] . '/no-such-vhost',
                'access_refused', ["refused virtual host 'no-such-vhost' to user '{$p['user']}'", 'Check access amqp.vhost']],
        ];
        foreach ($cases as $case => [$url, $reason, $phrases]) {
            // Short timeouts only where the wait is the point: a loaded broker may take more than 1 s to refuse.
            $timeouts = $reason === 'broker_timeout' ? ['KIAMO_TWITTER_AMQP_CONNECTION_TIMEOUT' => '1', 'KIAMO_TWITTER_AMQP_READ_WRITE_TIMEOUT' => '1'] : [];
            $connector = $this->connector(['KIAMO_TWITTER_AMQP_URL' => $url] + $timeouts);
            $bag = TestConnector::nextBag();
            $errors = [
                'fetch' => $this->failure($case, function () use ($connector, $bag) { $connector->fetch($bag); }),
                'send' => $this->failure($case, function () use ($connector, $jane) { $connector->send(['to' => ['id' => $jane], 'content' => 'never posted']); }),
            ];
            foreach ($errors as $call => $error) {
                $this->assertSame($reason, $error->getReason(), "$call with $case: " . $error->getMessage());
                foreach ($phrases as $phrase) {
                    $this->assertStringContainsString($phrase, $error->getMessage(), "$call with $case");
                }
                $this->assertStringNotContainsString(self::SECRET, (string)$error, "$call with $case");
            }
            $this->assertStringNotContainsString(self::SECRET, TestConnector::logOf($connector), "the log, with $case");
            $this->assertSame([], $bag->getMessages());
        }

        fclose($silent);

        // Nothing lost: the DMs still wait, and a failed send() queued nothing (the dispatch worker
        // posts one customer's replies in queue order, so a queued one would come before this one).
        $this->assertSame(3, TestBroker::count($this->brokerChannel(), $inbound));
        $connector = $this->connector();
        $connector->send(['to' => ['id' => $jane], 'content' => 'Sorry for the wait, Jane.']);
        $this->waitForReports([$connector->_msgManager->lastCommand['id']]);
        $this->assertSame([[$jane, 'Sorry for the wait, Jane.']],
            array_map(function (array $dm) { return [$dm['recipientID'], $dm['text']]; }, $this->emulator->sent()));

        [$fetched] = $this->fetchUntil($connector, null, 3);
        $this->assertSame(array_column($dms, 'id'), array_column($fetched, 'id'));
        $this->assertSame(array_column($dms, 'text'), array_column($fetched, 'content'));
        $this->assertSame(0, TestBroker::count($this->brokerChannel(), $inbound));
        $this->assertSame(0, TestBroker::count($this->brokerChannel(), $this->queue('send.dead')), 'no command dead-lettered');
    }

    private function failure(string $case, callable $call): TwitterQueueException
    {
        try {
            $call();
        } catch (TwitterQueueException $e) {
            return $e;
        }
        $this->fail("the call succeeded with $case");
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int)substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        return $port;
    }
}
