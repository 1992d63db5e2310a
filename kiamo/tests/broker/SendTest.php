<?php
namespace KiamoTwitter\Tests\Broker;

use KiamoTwitter\Tests\Support\BrokerTestCase;
use KiamoTwitter\Tests\Support\TestBroker;
use KiamoTwitter\Tests\Support\TestConnector;
use PhpAmqpLib\Message\AMQPMessage;
use PhpAmqpLib\Wire\AMQPTable;
use UserFiles\Messaging\Connector\TwitterQueueException;

/** send() against the real broker: what reaches kiamo.twitter.send, and what never does. */
final class SendTest extends BrokerTestCase
{
    private const TASK = ['to' => ['id' => '906948460078698496', 'name' => 'Jane Doe@janedoe'], 'content' => 'Hi Jane'];
    private const UUID_V4 = '/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/';

    /** @return AMQPMessage[] */
    private function sendQueue(): array
    {
        return TestBroker::drain($this->reader(), TestBroker::SEND);
    }

    public function testSendPublishesAPersistentSendCommandWithAFreshIdToTheSendQueue(): void
    {
        $before = time();
        TestConnector::make()->send(self::TASK);
        $after = time();

        $queued = $this->sendQueue();
        $this->assertCount(1, $queued);
        $message = $queued[0];
        $id = $message->get('message_id');
        $this->assertMatchesRegularExpression(self::UUID_V4, $id);
        $this->assertSame(
            '{"to":{"id":"906948460078698496","name":"Jane Doe@janedoe"},"content":"Hi Jane","id":"' . $id . '","accountId":"1234"}',
            $message->getBody()
        );
        $this->assertSame(['kiamo.twitter', 'send.1234'], [$message->getExchange(), $message->getRoutingKey()]);
        $this->assertSame('application/json', $message->get('content_type'));
        $this->assertSame(AMQPMessage::DELIVERY_MODE_PERSISTENT, $message->get('delivery_mode'));
        $this->assertSame('kiamo-twitter-connector', $message->get('app_id'));
        $this->assertSame('kiamo.send', $message->get('type'));
        $this->assertSame(['x-account-id' => '1234'], $message->get('application_headers')->getNativeData());
        $this->assertGreaterThanOrEqual($before, $message->get('timestamp'));
        $this->assertLessThanOrEqual($after, $message->get('timestamp'));
    }

    public function testQuotesNewlinesBackslashesAndUnicodeInAReplyArriveIntact(): void
    {
        $text = "Bonjour \"Jane\",\nvoici le lien : https://example.com/a?b=1&c=2 \\o/ ✓ 👋\t{\"not\": \"json\"}";
        TestConnector::make()->send(['to' => ['id' => '906948460078698496'], 'content' => $text]);

        $body = json_decode($this->sendQueue()[0]->getBody(), true, 8, JSON_THROW_ON_ERROR);
        $this->assertSame($text, $body['content']);
        $this->assertSame(['id' => '906948460078698496'], $body['to']);
    }

    public function testTheCommandCarriesTheRepliesAttachmentExactly(): void
    {
        $url = 'https://cdn.example.com/replies/photo.jpg?expires=1667398635&signature=9f1c';
        TestConnector::make()->send(self::TASK + ['attachments' => [['url' => $url]]]);

        $message = $this->sendQueue()[0];
        $id = $message->get('message_id');
        $this->assertSame(
            '{"to":{"id":"906948460078698496","name":"Jane Doe@janedoe"},"content":"Hi Jane","id":"' . $id . '","accountId":"1234",'
            . '"attachments":[{"url":"https://cdn.example.com/replies/photo.jpg?expires=1667398635&signature=9f1c"}]}',
            $message->getBody()
        );
        $this->assertSame('send.1234', $message->getRoutingKey());
    }

    public function testAReplyWithAnAttachmentAndNoTextIsSentWithEmptyContent(): void
    {
        $connector = TestConnector::make();
        $connector->send(['to' => ['id' => '906948460078698496'], 'attachments' => [['path' => 'replies/reçu.pdf']]]);
        $connector->send(['to' => ['id' => '906948460078698496'], 'content' => '', 'attachments' => [['mediaId' => '1582838592']]]);

        $bodies = array_map(function (AMQPMessage $m) { return json_decode($m->getBody(), true, 8, JSON_THROW_ON_ERROR); }, $this->sendQueue());
        $this->assertCount(2, $bodies);
        $this->assertSame(['', [['path' => 'replies/reçu.pdf']]], [$bodies[0]['content'], $bodies[0]['attachments']]);
        $this->assertSame(['', [['mediaId' => '1582838592']]], [$bodies[1]['content'], $bodies[1]['attachments']]);
    }

    public function testEverySendGetsItsOwnId(): void
    {
        $connector = TestConnector::make();
        $connector->send(self::TASK);
        $connector->send(self::TASK);
        $ids = array_map(function (AMQPMessage $m) { return json_decode($m->getBody(), true)['id']; }, $this->sendQueue());
        $this->assertCount(2, array_unique($ids));
    }

    public function testTheTasksAccountIdChoosesTheRoutingKey(): void
    {
        TestConnector::make()->send(self::TASK + ['accountId' => '777']);
        $message = $this->sendQueue()[0];
        $this->assertSame('send.777', $message->getRoutingKey());
        $this->assertSame('777', json_decode($message->getBody(), true)['accountId']);
    }

    public function testAnInvalidTaskIsRefusedBeforeAnyConnectionAndNothingIsPublished(): void
    {
        $unreachable = TestConnector::make(['KIAMO_TWITTER_AMQP_PORT' => '1']);
        $reachable = TestConnector::make();
        $invalid = [
            ['to' => ['name' => 'Jane'], 'content' => 'Hi'],
            ['to' => ['id' => 'janedoe'], 'content' => 'Hi'],
            ['to' => ['id' => '906948460078698496']],
            ['to' => ['id' => '906948460078698496'], 'content' => '   '],
            ['to' => ['id' => '906948460078698496'], 'content' => 'Hi', 'attachments' => ['https://e.com/1.jpg', 'https://e.com/2.jpg']],
            ['to' => ['id' => '906948460078698496'], 'attachments' => [['url' => 'ftp://e.com/1.jpg']]],
        ];
        foreach ($invalid as $task) {
            foreach ([$unreachable, $reachable] as $connector) {
                try {
                    $connector->send($task);
                    $this->fail('sent an invalid task');
                } catch (TwitterQueueException $e) {
                    // invalid_task even when the broker is unreachable: validation comes first.
                    $this->assertSame('invalid_task', $e->getReason(), $e->getMessage());
                }
            }
        }
        $this->assertSame([], $this->sendQueue());
        $this->assertMatchesRegularExpression("/\\[ERROR\\]\\[TwitterQueueConnector::send +\\] Message task refused, nothing was sent: to.id must be the customer's numeric X user id, got 'janedoe'/",
            TestConnector::logOf($reachable));
    }

    public function testACommandNoQueueWouldTakeIsRefusedAndNotQueued(): void
    {
        $this->channel->queue_unbind(TestBroker::SEND, TestBroker::EXCHANGE, 'send.*');
        try {
            TestConnector::make()->send(self::TASK);
            $this->fail('an unroutable command was reported sent');
        } catch (TwitterQueueException $e) {
            $this->assertSame('unroutable', $e->getReason());
            $this->assertStringContainsString('No queue is bound to routing key send.1234 on exchange kiamo.twitter', $e->getMessage());
        } finally {
            $this->channel->queue_bind(TestBroker::SEND, TestBroker::EXCHANGE, 'send.*');
        }
        $this->assertSame([], $this->sendQueue());
    }

    public function testACommandTheBrokerRefusesIsReportedAsNotQueued(): void
    {
        // A full queue that rejects publishes makes the broker nack (basic.nack) the command.
        $exchange = 'kiamo.connector-test.full';
        $this->channel->exchange_declare($exchange, 'topic', false, false, true);
        $this->channel->queue_declare($exchange, false, false, false, true, false, new AMQPTable(['x-max-length' => 0, 'x-overflow' => 'reject-publish']));
        $this->channel->queue_bind($exchange, $exchange, 'send.*');
        try {
            TestConnector::make(['KIAMO_TWITTER_EXCHANGE' => $exchange])->send(self::TASK);
            $this->fail('a refused command was reported sent');
        } catch (TwitterQueueException $e) {
            $this->assertSame('nacked', $e->getReason());
            $this->assertStringContainsString('it was not queued', $e->getMessage());
        } finally {
            $this->channel->queue_delete($exchange);
            $this->channel->exchange_delete($exchange);
        }
    }

    public function testAMissingExchangeGivesAClearError(): void
    {
        try {
            TestConnector::make(['KIAMO_TWITTER_EXCHANGE' => 'kiamo.twitter.absent'])->send(self::TASK);
            $this->fail('send ignored a missing exchange');
        } catch (TwitterQueueException $e) {
            $this->assertSame('topology_missing', $e->getReason());
            $this->assertStringContainsString("Exchange 'kiamo.twitter.absent' does not exist", $e->getMessage());
        }
    }

    public function testTheLogSaysWhatWasSentWithoutTheReplyAtInfoLevel(): void
    {
        $connector = TestConnector::make(['KIAMO_TWITTER_LOG_LEVEL' => 'INFO']);
        $connector->send(['to' => ['id' => '906948460078698496'], 'content' => 'a private reply']);
        $id = $this->sendQueue()[0]->get('message_id');
        $log = TestConnector::logOf($connector);
        $this->assertMatchesRegularExpression('/\[INFO \]\[TwitterQueueConnector::send +\] Sending command ' . $id . " to user id '906948460078698496' \\(15 characters, no attachment\\)/", $log);
        $this->assertStringContainsString('command ' . $id . ' confirmed by the broker', $log);
        $this->assertStringNotContainsString('a private reply', $log);
    }

    public function testTheLogSaysHowManyAttachmentsWithoutTheirUrlOrPath(): void
    {
        // DEBUG: the level that logs the published command too.
        $connector = TestConnector::make(['KIAMO_TWITTER_LOG_LEVEL' => 'DEBUG']);
        $connector->send(['to' => ['id' => '906948460078698496'], 'content' => 'Your invoice', 'attachments' => [['path' => 'customers/jane-doe/invoice.pdf']]]);
        $connector->send(['to' => ['id' => '906948460078698496'], 'attachments' => ['https://cdn.example.com/p.jpg?token=s3cr3t']]);
        [$first, $second] = array_map(function (AMQPMessage $m) { return $m->get('message_id'); }, $this->sendQueue());

        $log = TestConnector::logOf($connector);
        $this->assertMatchesRegularExpression('/\[INFO \]\[TwitterQueueConnector::send +\] Sending command ' . $first . " to user id '906948460078698496' \\(12 characters, 1 attachment: path\\)/", $log);
        $this->assertMatchesRegularExpression('/\[INFO \]\[TwitterQueueConnector::send +\] Sending command ' . $second . " to user id '906948460078698496' \\(0 characters, 1 attachment: url\\)/", $log);
        $this->assertStringContainsString('"attachments":[{"path":"<a path of 30 characters>"}]', $log);
        $this->assertStringContainsString('"attachments":[{"url":"<scheme \'https\', 42 characters>"}]', $log);
        $this->assertStringNotContainsString('jane-doe', $log);
        $this->assertStringNotContainsString('cdn.example.com', $log);
        $this->assertStringNotContainsString('s3cr3t', $log);
    }
}
