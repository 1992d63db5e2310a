<?php
namespace KiamoTwitter\Tests\Broker;

use KiamoTwitter\Tests\Support\BrokerTestCase;
use KiamoTwitter\Tests\Support\Eventually;
use KiamoTwitter\Tests\Support\TestBroker;
use KiamoTwitter\Tests\Support\TestConnector;
use PhpAmqpLib\Message\AMQPMessage;

/**
 * An oversized or foreign inbound message cannot stop Kiamo (issue 12 item 6): it is set aside in
 * kiamo.twitter.inbound.dead, unread when too large, and fetch() goes on with the messages after it.
 */
final class BadInboundTest extends BrokerTestCase
{
    public function badMessages(): array
    {
        return [
            // The test broker refuses more than 1 MiB (max_message_size); this is just under it and
            // far above the connector's 128 KiB limit.
            'a message of about 1 MB' => [function () { return json_encode(TestBroker::kiamoMessage('bad', ['content' => str_repeat('a', 1_000_000)])); },
                                          'too_large', '/bytes, more than the 131072 allowed/'],
            'a content over 10,000 characters' => [function () { return json_encode(TestBroker::kiamoMessage('bad', ['content' => str_repeat('é', 10_001)]), JSON_UNESCAPED_UNICODE); },
                                                   'too_long', "/'content' has 10001 characters, at most 10000/"],
            'a non-numeric senderId' => [function () { return json_encode(TestBroker::kiamoMessage('bad', ['senderId' => 'jane; DROP TABLE'])); },
                                         'wrong_type', "/'senderId' must be the sender's numeric X user id/"],
            'another account\'s accountId' => [function () { return json_encode(TestBroker::kiamoMessage('bad', ['accountId' => '9999'])); },
                                               'foreign_account', "/accountId '9999' is not an account of this connector \\(1234\\)/"],
            'no accountId' => [function () { $m = TestBroker::kiamoMessage('bad'); unset($m['accountId']); return json_encode($m); },
                               'missing_field', "/no 'accountId'/"],
        ];
    }

    /** @dataProvider badMessages */
    public function testABadMessageIsSetAsideAndTheNextOnesComeThrough(callable $body, string $code, string $reason): void
    {
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('3001'), '3001');
        TestBroker::publishInbound($this->channel, $body(), 'bad-3002');
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('3003'), '3003');
        $connector = TestConnector::make();

        $bag = $connector->fetch(TestConnector::nextBag());

        $this->assertSame(['3001', '3003'], array_column($bag->getMessages(), 'id'));
        $this->assertSame(0, TestBroker::count($this->channel, TestBroker::INBOUND));
        // The broker dead-letters a rejected message on its own time: wait for it.
        $dead = Eventually::value(function () { return TestBroker::drain($this->reader(), TestBroker::INBOUND_DEAD) ?: null; }, 10, 'the dead letter');
        $this->assertCount(1, $dead);
        $this->assertSame('bad-3002', $dead[0]->get('message_id'));
        $this->assertSame(strlen($body()), strlen($dead[0]->getBody()), 'the dead letter keeps the whole original body');
        $this->assertSame('rejected', $dead[0]->get('application_headers')->getNativeData()['x-death'][0]['reason']);
        $log = TestConnector::logOf($connector);
        $this->assertMatchesRegularExpression('/\[ERROR\].*message_id=bad-3002 .*\[' . $code . '\]/', $log);
        $this->assertMatchesRegularExpression($reason, $log);
        $this->assertMatchesRegularExpression('/Fetched 2 message\(s\), 0 already delivered, 1 set aside/', $log);
    }

    /**
     * Judged from the AMQP body size, a message above the limit is never held whole nor decoded:
     * the fetch's peak memory grows by less than the message (measured in a process of its own).
     */
    public function testATooLargeMessageIsNeverHeldInMemory(): void
    {
        $size = 1_000_000;
        TestBroker::publishInbound($this->channel, json_encode(TestBroker::kiamoMessage('bad', ['content' => str_repeat('a', $size)])), 'bad-3301');
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('3302'), '3302');

        $process = proc_open([PHP_BINARY, __DIR__ . '/../support/fetch-memory.php'], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null,
            TestConnector::environment() + ['PATH' => getenv('PATH') ?: '/usr/bin:/bin']);
        $output = stream_get_contents($pipes[1]);
        $errors = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $this->assertSame(0, proc_close($process), $errors);
        $result = json_decode($output, true);

        $this->assertSame(['3302'], $result['ids'], $output);
        // Measured: about 0.7 MB whatever the size above 0.6 MB (php-amqplib's frames of 128 KiB
        // and its read buffers), against 4.2 MB for this message when it was read and decoded.
        $this->assertLessThan($size, $result['peakGrowth'], 'the fetch held the oversized message: peak grew by ' . $result['peakGrowth'] . ' bytes');
        Eventually::value(function () { return TestBroker::count($this->channel, TestBroker::INBOUND_DEAD) === 1; }, 10, 'the dead letter');
    }

    public function testAnAccountListAcceptsEachOfItsAccountsAndOnlyThem(): void
    {
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('3101', ['accountId' => '1234']), '3101');
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('3102', ['accountId' => '5678']), '3102', '5678');
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('3103', ['accountId' => '9999']), '3103', '9999');
        $connector = TestConnector::make(['KIAMO_TWITTER_USER_IDS' => '1234,5678']);

        $bag = $connector->fetch(TestConnector::nextBag());

        $this->assertSame(['3101', '3102'], array_column($bag->getMessages(), 'id'));
        $dead = Eventually::value(function () { return TestBroker::drain($this->reader(), TestBroker::INBOUND_DEAD) ?: null; }, 10, 'the dead letter');
        $this->assertSame(['3103'], array_map(function ($m) { return $m->get('message_id'); }, $dead));
    }

    /** The broker's own bound (scripts/test-broker: max_message_size 1 MiB): a 5 MB message never gets in. */
    public function testTheBrokerRefusesA5MbMessage(): void
    {
        $connection = TestBroker::connect();
        try {
            $ch = $connection->channel();
            $body = json_encode(TestBroker::kiamoMessage('3201', ['content' => str_repeat('a', 5_000_000)]));
            $refused = null;
            try {
                TestBroker::publishConfirmed($ch, new AMQPMessage($body, ['message_id' => '3201', 'delivery_mode' => 2]), 'inbound.1234');
            } catch (\Throwable $e) {
                $refused = $e;
            }
            $this->assertNotNull($refused, 'the broker accepted a 5 MB message');
            $this->assertMatchesRegularExpression('/PRECONDITION_FAILED.*larger than configured max size/i', $refused->getMessage());
        } finally {
            try { $connection->close(); } catch (\Throwable $ignored) {}
        }
        $this->assertSame(0, TestBroker::count($this->channel, TestBroker::INBOUND));
    }
}
