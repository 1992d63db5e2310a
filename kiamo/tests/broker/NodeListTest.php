<?php
namespace KiamoTwitter\Tests\Broker;

use KiamoTwitter\Tests\Support\BrokerTestCase;
use KiamoTwitter\Tests\Support\TestBroker;
use KiamoTwitter\Tests\Support\TestConnector;
use UserFiles\Messaging\Connector\TwitterQueueException;

/**
 * A cluster's node list in the URL, against the real broker: the dead nodes are ports on 127.0.0.1
 * that were bound and closed (connecting is refused), the live one is the test broker.
 */
final class NodeListTest extends BrokerTestCase
{
    private const SECRET = 'node-list-S3cret-never-shown';
    private const TASK = ['to' => ['id' => '906948460078698496', 'name' => 'Jane Doe@janedoe'], 'content' => 'Hi Jane'];

    /** The test broker's URL with $dead ports on 127.0.0.1 before its node (and the node itself unless $withLive is false). */
    private static function nodeListUrl(array $dead, bool $withLive = true, ?string $password = null): string
    {
        $p = TestBroker::parts();
        $nodes = array_map(function (int $port) { return '127.0.0.1:' . $port; }, $dead);
        if ($withLive) $nodes[] = $p['host'] . ':' . $p['port'];
        return 'amqp://' . rawurlencode($p['user']) . ':' . rawurlencode($password ?? $p['password']) . '@' . implode(',', $nodes) . '/' . rawurlencode($p['vhost']);
    }

    public function testFetchAndSendGoPastTheDeadNodesToTheLiveOneAndTheNextCallStartsThere(): void
    {
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('1001'), '1001');
        $dead = [self::freePort(), self::freePort()];
        $connector = TestConnector::make(['KIAMO_TWITTER_AMQP_URL' => self::nodeListUrl($dead)]);

        $this->assertSame(['1001'], array_column($connector->fetch(TestConnector::nextBag())->getMessages(), 'id'));
        $connector->send(self::TASK);
        $this->assertSame(1, TestBroker::count($this->channel, TestBroker::SEND));
        $this->assertSame(0, TestBroker::count($this->channel, TestBroker::INBOUND));

        $log = TestConnector::logOf($connector);
        $p = TestBroker::parts();
        $this->assertSame(1, substr_count($log, 'Connected to broker node ' . $p['host'] . ':' . $p['port']), $log);
        // Each dead node was tried once: the send started at the node the fetch reached.
        foreach ($dead as $port) {
            $this->assertSame(1, substr_count($log, 'Broker node 127.0.0.1:' . $port . ' refused or unreachable'), $log);
        }
    }

    public function testEveryNodeDownFailsClearlyNamingEachNodeWithoutThePasswordAndLosesNothing(): void
    {
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('1002'), '1002');
        $dead = [self::freePort(), self::freePort()];
        $connector = TestConnector::make(['KIAMO_TWITTER_AMQP_URL' => self::nodeListUrl($dead, false, self::SECRET)]);
        $bag = TestConnector::nextBag();
        try {
            $connector->fetch($bag);
            $this->fail('fetched with every node down');
        } catch (TwitterQueueException $e) {
            $this->assertSame('broker_unreachable', $e->getReason());
            $this->assertStringContainsString('Cannot connect to the broker at amqp://127.0.0.1:' . $dead[0] . ',127.0.0.1:' . $dead[1], $e->getMessage());
            $this->assertStringContainsString('the nodes tried before it failed too (127.0.0.1:' . $dead[0] . ': ', $e->getMessage());
            $this->assertStringNotContainsString(self::SECRET, (string)$e);
        }
        $this->assertStringNotContainsString(self::SECRET, TestConnector::logOf($connector));
        $this->assertSame([], $bag->getMessages());
        $this->assertSame(1, TestBroker::count($this->channel, TestBroker::INBOUND));
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int)substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        return $port;
    }
}
