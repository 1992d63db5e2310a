<?php
namespace KiamoTwitter\Tests\E2E;

use KiamoTwitter\Tests\Support\E2ETestCase;
use KiamoTwitter\Tests\Support\Emulator;
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

    /** The one DM of $sent whose recipient is $userId; fails when there is none or more. */
    private static function onlyDMTo(array $sent, string $userId): array
    {
        $dms = array_values(array_filter($sent, function (array $dm) use ($userId) { return (string)$dm['recipientID'] === $userId; }));
        self::assertCount(1, $dms, "exactly one DM to $userId: " . json_encode($sent, JSON_UNESCAPED_UNICODE));
        return $dms[0];
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
        $janeCommand = self::send($connector, ['to' => ['id' => $message['senderId'], 'name' => $message['senderName']], 'content' => $toJane]);
        $omarCommand = self::send($connector, ['to' => ['id' => $omar], 'content' => $toOmar]);

        $reports = $this->waitForReports([$janeCommand, $omarCommand]);
        $sent = $this->emulator->sent();
        $this->assertCount(2, $sent, 'one DM per send(): ' . json_encode($sent, JSON_UNESCAPED_UNICODE));
        // Replies to two customers are posted in parallel: their order in the emulator is free.
        $toJaneDM = self::onlyDMTo($sent, $jane);
        $toOmarDM = self::onlyDMTo($sent, $omar);
        $this->assertSame($toJane, $toJaneDM['text'], 'the exact text, to Jane');
        $this->assertSame($toOmar, $toOmarDM['text'], 'the exact text, to Omar');
        $this->assertSame($question['conversationId'], $toJaneDM['conversationID'], "the reply is in Jane's conversation");

        foreach ([[$janeCommand, $toJaneDM], [$omarCommand, $toOmarDM]] as [$commandId, $dm]) {
            $report = $reports[$commandId];
            $body = json_decode($report->getBody(), true, 8, JSON_THROW_ON_ERROR);
            $this->assertSame('report.' . Emulator::ACCOUNT_ID . '.sent', $report->getRoutingKey());
            $this->assertSame($commandId, $report->get('correlation_id'));
            $this->assertSame('kiamo.report', $report->get('type'));
            $this->assertSame(['sent', $commandId, $dm['dmEventID'], $dm['conversationID'], 1],
                [$body['status'], $body['commandId'], $body['dmEventId'], $body['conversationId'], $body['attempts']]);
        }

        // Jane writes again. By the time that comes out of fetch(), the ingest has polled the
        // conversation holding the account's reply: only Jane's DM may come out, and still one DM
        // per reply was posted.
        $thanks = $this->emulator->postDM($jane, 'Thanks!');
        [$next] = $this->fetchUntil($connector, $thanks['id'], 0, $bag);
        $this->assertSame([$thanks['id']], array_column($next, 'id'), "the account's replies never come back to Kiamo");
        $this->assertCount(2, $this->emulator->sent(), 'no DM posted twice');
    }
}
