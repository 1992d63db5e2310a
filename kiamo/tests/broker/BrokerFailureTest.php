<?php
namespace KiamoTwitter\Tests\Broker;

use KiamoTwitter\Tests\Support\BrokerTestCase;
use KiamoTwitter\Tests\Support\TestBroker;
use KiamoTwitter\Tests\Support\TestConnector;
use UserFiles\Messaging\Connector\TwitterQueueException;

/** A wrong broker address or wrong credentials: a clear exception, no password in it, nothing lost. */
final class BrokerFailureTest extends BrokerTestCase
{
    private const PASSWORD = 'hunter2-do-not-log';

    public function wrongSettings(): array
    {
        $p = TestBroker::parts();
        return [
            'a port nothing listens on' => [['KIAMO_TWITTER_AMQP_PORT' => (string)self::freePort()], 'broker_unreachable', 'Cannot connect to the broker at amqp://' . $p['host'] . ':'],
            'a host that does not exist' => [['KIAMO_TWITTER_AMQP_HOST' => 'kiamo-broker.invalid'], 'broker_unreachable', 'Cannot connect to the broker at amqp://kiamo-broker.invalid:'],
            'a wrong password' => [['KIAMO_TWITTER_AMQP_PASSWORD' => self::PASSWORD], 'access_refused', "refused user '" . $p['user'] . "'"],
            'an unknown user' => [['KIAMO_TWITTER_AMQP_USER' => 'nobody', 'KIAMO_TWITTER_AMQP_PASSWORD' => self::PASSWORD], 'access_refused', "refused user 'nobody'"],
            'an unknown virtual host' => [['KIAMO_TWITTER_AMQP_VHOST' => 'no-such-vhost'], 'access_refused', "refused virtual host 'no-such-vhost'"],
        ];
    }

    /** @dataProvider wrongSettings */
    public function testFetchFailsClearlyAndTheQueuedMessagesStayQueued(array $settings, string $reason, string $phrase): void
    {
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('1001'), '1001');
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('1002'), '1002');
        $connector = TestConnector::make($settings);
        $bag = TestConnector::nextBag();

        $error = $this->failure(function () use ($connector, $bag) { $connector->fetch($bag); });

        $this->assertSame($reason, $error->getReason());
        $this->assertStringContainsString($phrase, $error->getMessage());
        $this->assertStringNotContainsString(self::PASSWORD, (string)$error);
        $this->assertStringNotContainsString(self::PASSWORD, TestConnector::logOf($connector));
        $this->assertSame([], $bag->getMessages());
        $this->assertSame(2, TestBroker::count($this->channel, TestBroker::INBOUND));

        $this->assertSame(['1001', '1002'], array_column(TestConnector::make()->fetch(TestConnector::nextBag())->getMessages(), 'id'));
    }

    /** @dataProvider wrongSettings */
    public function testSendFailsClearlyAndPublishesNothing(array $settings, string $reason, string $phrase): void
    {
        $connector = TestConnector::make($settings);

        $error = $this->failure(function () use ($connector) { $connector->send(['to' => ['id' => '906948460078698496'], 'content' => 'Hi']); });

        $this->assertSame($reason, $error->getReason());
        $this->assertStringContainsString($phrase, $error->getMessage());
        $this->assertStringNotContainsString(self::PASSWORD, (string)$error);
        $this->assertStringNotContainsString(self::PASSWORD, TestConnector::logOf($connector));
        $this->assertSame(0, TestBroker::count($this->channel, TestBroker::SEND));
    }

    private function failure(callable $call): TwitterQueueException
    {
        try {
            $call();
        } catch (TwitterQueueException $e) {
            return $e;
        }
        $this->fail('the call succeeded against a wrong broker');
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int)substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        return $port;
    }
}
