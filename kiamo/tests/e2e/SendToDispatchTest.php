<?php
namespace KiamoTwitter\Tests\E2E;

use KiamoTwitter\Tests\Support\E2ETestCase;
use KiamoTwitter\Tests\Support\Emulator;
use KiamoTwitter\Tests\Support\TestBroker;
use UserFiles\Messaging\Connector\TwitterQueueConnector;

/**
 * An agent answers what fetch() gave: send() publishes the reply, the real dispatch worker posts it
 * to the X emulator once, to the right customer, and reports it sent; the ingest worker running
 * beside it never hands the account's reply back to Kiamo.
 */
final class SendToDispatchTest extends E2ETestCase
{
    private static function send(TwitterQueueConnector $connector, array $task): string
    {
        $connector->send($task);
        return $connector->_msgManager->lastCommand['id'];
    }

    /** The DMs of $sent (oldest first) whose recipient is $userId. */
    private static function dmsTo(array $sent, string $userId): array
    {
        return array_values(array_filter($sent, function (array $dm) use ($userId) { return (string)$dm['recipientID'] === $userId; }));
    }

    public function testAReplyReachesTheRightCustomerAsExactlyOneDMAndASentReportComesBack(): void
    {
        $jane = $this->emulator->addUser('Jane Doe', 'janedoe');
        $omar = $this->emulator->addUser('عمر خالد', 'omar_k');
        $this->startIngest();
        $this->startDispatch();
        $connector = $this->connector();

        $question = $this->emulator->postDM($jane, 'Where is my order?');
        [$fetched, , $bag] = $this->fetchUntil($connector, $question['id']);
        $this->assertCount(1, $fetched);
        $message = $fetched[0];
        $this->assertSame([$jane, 'Jane Doe@janedoe'], [$message['senderId'], $message['senderName']]);

        $toJane = "Bonjour \"Jane\",\nvotre commande 📦 est partie 👍🏽.\n\u{200F}شكرا لك! \\o/ {\"id\": 1}";
        $toOmar = "مرحبا عمر،\nطلبك في الطريق.";
        // X's limit exactly: 10,000 characters, 200 of them outside the BMP (two UTF-16 units each).
        $longToOmar = str_repeat('📦👍', 100) . str_repeat('é', 4900) . str_repeat("a\n", 2450);
        $this->assertSame(10000, mb_strlen($longToOmar, 'UTF-8'));
        $janeCommand = self::send($connector, ['to' => ['id' => $message['senderId'], 'name' => $message['senderName']], 'content' => $toJane]);
        $omarCommand = self::send($connector, ['to' => ['id' => $omar], 'content' => $toOmar]);
        $longCommand = self::send($connector, ['to' => ['id' => (int)$omar], 'content' => $longToOmar]);

        $reports = $this->waitForReports([$janeCommand, $omarCommand, $longCommand]);
        $sent = $this->emulator->sent();
        $this->assertCount(3, $sent, 'one DM per send(): ' . json_encode($sent, JSON_UNESCAPED_UNICODE));
        // Replies to two customers are posted in parallel, so only each customer's own order is fixed.
        $toJaneDMs = self::dmsTo($sent, $jane);
        $toOmarDMs = self::dmsTo($sent, $omar);
        $this->assertSame([$toJane], array_column($toJaneDMs, 'text'), 'the exact text, to Jane');
        $this->assertSame([$toOmar, $longToOmar], array_column($toOmarDMs, 'text'), 'the exact texts, to Omar, in the order sent');
        $this->assertSame($question['conversationId'], $toJaneDMs[0]['conversationID'], "the reply is in Jane's conversation");

        foreach ([[$janeCommand, $toJaneDMs[0]], [$omarCommand, $toOmarDMs[0]], [$longCommand, $toOmarDMs[1]]] as [$commandId, $dm]) {
            $report = $reports[$commandId];
            $body = json_decode($report->getBody(), true, 8, JSON_THROW_ON_ERROR);
            $this->assertSame('report.' . Emulator::ACCOUNT_ID . '.sent', $report->getRoutingKey());
            $this->assertSame($commandId, $report->get('correlation_id'));
            $this->assertSame('kiamo.report', $report->get('type'));
            $this->assertSame(['sent', $commandId, $dm['dmEventID'], $dm['conversationID'], 1],
                [$body['status'], $body['commandId'], $body['dmEventId'], $body['conversationId'], $body['attempts']]);
        }
        $this->assertSame(0, TestBroker::count($this->brokerChannel(), $this->queue('send.dead')), 'no command dead-lettered');

        // Jane writes again. By the time that comes out of fetch(), the ingest has polled the
        // conversation holding the account's reply: only Jane's DM may come out, and still one DM
        // per reply was posted.
        $thanks = $this->emulator->postDM($jane, 'Thanks!');
        [$next] = $this->fetchUntil($connector, $thanks['id'], 0, $bag);
        $this->assertSame([$thanks['id']], array_column($next, 'id'), "the account's replies never come back to Kiamo");
        $this->assertCount(3, $this->emulator->sent(), 'no DM posted twice');
    }

    public function testAReplyXRefusesComesBackAsAFailedReportAndADeadLetterWithoutADM(): void
    {
        $closed = $this->emulator->addUser('Closed DMs', 'closed_dms', ['acceptsDirectMessages' => false]);
        $this->startDispatch();
        $connector = $this->connector();

        $commandId = self::send($connector, ['to' => ['id' => $closed], 'content' => 'Hello?']);
        $report = $this->waitForReports([$commandId])[$commandId];
        $body = json_decode($report->getBody(), true, 8, JSON_THROW_ON_ERROR);
        $this->assertSame('report.' . Emulator::ACCOUNT_ID . '.failed', $report->getRoutingKey());
        $this->assertSame($commandId, $report->get('correlation_id'));
        $this->assertSame(['failed', $commandId, 'x_rejected', 403], [$body['status'], $body['commandId'], $body['error']['code'], $body['error']['httpStatus']]);
        $this->assertNotSame('', $body['error']['message'], 'the report says why');

        $dead = TestBroker::drain($this->brokerChannel(), $this->queue('send.dead'));
        $this->assertCount(1, $dead, 'the command is set aside once');
        $headers = $dead[0]->get('application_headers')->getNativeData();
        $this->assertSame(['x_rejected', $commandId], [$headers['x-kiamo-error-code'], $headers['x-kiamo-command-id']]);
        $this->assertSame('Hello?', json_decode($dead[0]->getBody(), true, 8, JSON_THROW_ON_ERROR)['content'], 'the dead letter keeps the command');
        $this->assertSame([], $this->emulator->sent(), 'no DM was posted');
    }
}
