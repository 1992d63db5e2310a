<?php
namespace KiamoTwitter\Tests\Unit;

use PHPUnit\Framework\TestCase;
use UserFiles\Messaging\Connector\TwitterQueueException;
use UserFiles\Messaging\Connector\TwitterQueueMessagingManager;
use UserFiles\Messaging\Connector\TwitterQueueUuids;

/** buildSendCommand: Kiamo's message task in, the contract's send command out, or a clear refusal. */
final class SendCommandTest extends TestCase
{
    private const TASK = ['to' => ['id' => '906948460078698496', 'name' => 'Jane Doe@janedoe'], 'content' => 'Hi Jane'];

    public function testATaskBecomesTheContractSendCommandWithTheGivenIdAndTheConfiguredAccount(): void
    {
        $command = TwitterQueueMessagingManager::buildSendCommand(self::TASK, '1234', 'cmd-1');
        $this->assertSame([
            'to' => ['id' => '906948460078698496', 'name' => 'Jane Doe@janedoe'],
            'content' => 'Hi Jane',
            'id' => 'cmd-1',
            'accountId' => '1234',
        ], $command);
    }

    public function testTheTasksAccountIdWinsOverTheConfiguredOne(): void
    {
        $this->assertSame('777', TwitterQueueMessagingManager::buildSendCommand(self::TASK + ['accountId' => '777'], '1234', 'c')['accountId']);
        $this->assertSame('778', TwitterQueueMessagingManager::buildSendCommand(self::TASK + ['accountId' => 778], '', 'c')['accountId']);
    }

    public function testAnIntegerUserIdIsSentAsAStringAndANamelessRecipientHasNoName(): void
    {
        $command = TwitterQueueMessagingManager::buildSendCommand(['to' => ['id' => 906948460078698496], 'content' => 'x'], '1234', 'c');
        $this->assertSame(['id' => '906948460078698496'], $command['to']);
    }

    public function testContentOfExactlyTenThousandCharactersIsAccepted(): void
    {
        $text = str_repeat('é', 10000);
        $this->assertSame($text, TwitterQueueMessagingManager::buildSendCommand(['to' => ['id' => '1'], 'content' => $text], '1234', 'c')['content']);
    }

    /** @dataProvider invalidTasks */
    public function testAnInvalidTaskIsRefusedSayingWhichFieldIsWrong(array $task, string $defaultAccount, string $phrase): void
    {
        try {
            TwitterQueueMessagingManager::buildSendCommand($task, $defaultAccount, 'c');
            $this->fail('accepted an invalid task');
        } catch (TwitterQueueException $e) {
            $this->assertSame('invalid_task', $e->getReason());
            $this->assertStringContainsString('nothing was sent', $e->getMessage());
            $this->assertStringContainsString($phrase, $e->getMessage());
        }
    }

    public function invalidTasks(): array
    {
        $to = ['id' => '906948460078698496'];
        return [
            'no to' => [['content' => 'Hi'], '1234', 'no to.id'],
            'to is a string' => [['to' => '906948460078698496', 'content' => 'Hi'], '1234', 'no to.id'],
            'no to.id' => [['to' => ['name' => 'Jane'], 'content' => 'Hi'], '1234', 'no to.id'],
            'empty to.id' => [['to' => ['id' => ''], 'content' => 'Hi'], '1234', 'no to.id'],
            'null to.id' => [['to' => ['id' => null], 'content' => 'Hi'], '1234', 'no to.id'],
            'letters in to.id' => [['to' => ['id' => 'janedoe'], 'content' => 'Hi'], '1234', "to.id must be the customer's numeric X user id, got 'janedoe'"],
            'negative to.id' => [['to' => ['id' => -5], 'content' => 'Hi'], '1234', 'to.id must be'],
            'float to.id' => [['to' => ['id' => 1.5], 'content' => 'Hi'], '1234', 'to.id must be'],
            'no content' => [['to' => $to], '1234', 'no content'],
            'null content' => [['to' => $to, 'content' => null], '1234', 'no content'],
            'empty content' => [['to' => $to, 'content' => ''], '1234', 'content is empty'],
            'blank content' => [['to' => $to, 'content' => " \n\t "], '1234', 'content is empty'],
            'array content' => [['to' => $to, 'content' => ['Hi']], '1234', 'content must be a string'],
            'integer content' => [['to' => $to, 'content' => 42], '1234', 'content must be a string'],
            'invalid UTF-8 content' => [['to' => $to, 'content' => "caf\xE9"], '1234', 'not valid UTF-8'],
            'content too long' => [['to' => $to, 'content' => str_repeat('a', 10001)], '1234', '10001 characters'],
            'no account anywhere' => [['to' => $to, 'content' => 'Hi'], '', 'KIAMO_TWITTER_ACCOUNT_ID'],
            'non-numeric account' => [['to' => $to, 'content' => 'Hi', 'accountId' => 'acme'], '1234', 'accountId must be'],
            // PCRE's $ matches before a final line break: each id check must end at the string's end.
            'to.id with a line break after it' => [['to' => ['id' => "906948460078698496\n"], 'content' => 'Hi'], '1234', 'to.id must be'],
            'account with a line break after it' => [['to' => $to, 'content' => 'Hi', 'accountId' => "1234\n"], '1234', 'accountId must be'],
        ];
    }

    public function testARefusalNeverQuotesTheReplyText(): void
    {
        try {
            TwitterQueueMessagingManager::buildSendCommand(['to' => ['id' => '1'], 'content' => 'private reply ' . str_repeat('x', 10001)], '1234', 'c');
            $this->fail('accepted too long a text');
        } catch (TwitterQueueException $e) {
            $this->assertStringNotContainsString('private reply', $e->getMessage());
        }
    }

    public function testCommandIdsAreRandomVersion4Uuids(): void
    {
        $ids = [];
        for ($i = 0; $i < 100; $i++) {
            $id = TwitterQueueUuids::v4();
            $this->assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $id);
            $ids[$id] = true;
        }
        $this->assertCount(100, $ids);
    }
}
