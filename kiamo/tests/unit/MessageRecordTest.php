<?php
namespace KiamoTwitter\Tests\Unit;

use KiamoTwitter\Tests\Support\TestBroker;
use PHPUnit\Framework\TestCase;
use UserFiles\Messaging\Connector\TwitterQueueInvalidMessage;
use UserFiles\Messaging\Connector\TwitterQueueMessagingManager;

/** buildMessageRecord: the wire contract's Kiamo message in, exactly Kiamo's five fields out. */
final class MessageRecordTest extends TestCase
{
    public function testAContractMessageGivesExactlyTheFiveKiamoFieldsWithTheirTypes(): void
    {
        $body = json_encode(TestBroker::kiamoMessage('1582838593371127812', [
            'content' => "Hello \"agent\"\nçà va ? 👋",
            'attachments' => [['type' => 'photo', 'url' => 'https://pbs.twimg.com/x.jpg']],
        ]), JSON_UNESCAPED_UNICODE);

        $record = TwitterQueueMessagingManager::buildMessageRecord($body);

        $this->assertSame([
            'id' => '1582838593371127812',
            'createdAt' => 1666189035,
            'senderId' => '906948460078698496',
            'senderName' => 'Jane Doe@janedoe',
            'content' => "Hello \"agent\"\nçà va ? 👋",
        ], $record);
    }

    public function testAContentOf10000CharactersIsValidAndWithoutConfiguredAccountsAnyNumericAccountIs(): void
    {
        $record = TwitterQueueMessagingManager::buildMessageRecord(json_encode(TestBroker::kiamoMessage('1', ['content' => str_repeat('👋', 10_000), 'accountId' => '777']), JSON_UNESCAPED_UNICODE));
        $this->assertSame(10_000, mb_strlen($record['content']));
    }

    public function testEmptySenderNameAndContentAreStillValid(): void
    {
        $record = TwitterQueueMessagingManager::buildMessageRecord(json_encode(TestBroker::kiamoMessage('1', ['senderName' => '', 'content' => ''])));
        $this->assertSame('', $record['senderName']);
        $this->assertSame('', $record['content']);
    }

    /** @dataProvider invalidBodies */
    public function testAnInvalidBodyIsRefusedWithTheContractCodeAndAReadableReason(string $body, string $reason, string $phrase): void
    {
        try {
            TwitterQueueMessagingManager::buildMessageRecord($body, ['1234']);
            $this->fail('accepted an invalid body: ' . substr($body, 0, 200));
        } catch (TwitterQueueInvalidMessage $e) {
            $this->assertSame($reason, $e->getReason());
            $this->assertStringContainsString($phrase, $e->getMessage());
        }
    }

    public function invalidBodies(): array
    {
        $valid = TestBroker::kiamoMessage('42');
        $without = function (string $field) use ($valid) { unset($valid[$field]); return json_encode($valid); };
        $with = function (string $field, $value) use ($valid) { $valid[$field] = $value; return json_encode($valid); };
        return [
            'not JSON' => ['Hello, not JSON', 'invalid_json', 'not JSON'],
            'truncated JSON' => ['{"id": "1", "createdAt": 16', 'invalid_json', 'not JSON'],
            'invalid UTF-8' => ["{\"id\": \"1\", \"content\": \"\xC3\x28\"}", 'invalid_json', 'not JSON'],
            'a JSON array' => ['[1, 2, 3]', 'invalid_json', 'not an object'],
            'a JSON string' => ['"hello"', 'invalid_json', 'not an object'],
            'no id' => [$without('id'), 'missing_field', "no 'id'"],
            'no createdAt' => [$without('createdAt'), 'missing_field', "no 'createdAt'"],
            'no senderId' => [$without('senderId'), 'missing_field', "no 'senderId'"],
            'no senderName' => [$without('senderName'), 'missing_field', "no 'senderName'"],
            'no content' => [$without('content'), 'missing_field', "no 'content'"],
            'numeric id' => [$with('id', 1582838593371127812), 'wrong_type', "'id' must be a string"],
            'empty id' => [$with('id', ''), 'wrong_type', "'id' must be"],
            'id with a space' => [$with('id', '12 34'), 'wrong_type', "'id' must be"],
            'createdAt as a string' => [$with('createdAt', '1666189035'), 'wrong_type', "'createdAt' must be an integer"],
            'createdAt as a float' => [$with('createdAt', 1666189035.5), 'wrong_type', "'createdAt' must be an integer"],
            'negative createdAt' => [$with('createdAt', -1), 'wrong_type', "'createdAt' must be an integer"],
            'empty senderId' => [$with('senderId', ''), 'wrong_type', "'senderId' must be the sender's numeric X user id"],
            'numeric senderId' => [$with('senderId', 906948460), 'wrong_type', "'senderId' must be the sender's numeric X user id"],
            'a senderId that is not digits' => [$with('senderId', '12ab'), 'wrong_type', "'senderId' must be the sender's numeric X user id"],
            'a senderId with a line break after it' => [$with('senderId', "906948460\n"), 'wrong_type', "'senderId' must be the sender's numeric X user id"],
            'an id with a line break after it' => [$with('id', "1582838593371127812\n"), 'wrong_type', "'id' must be"],
            'an accountId with a line break after it' => [$with('accountId', "1234\n"), 'wrong_type', "'accountId' must be"],
            'no accountId' => [$without('accountId'), 'missing_field', "no 'accountId'"],
            'numeric accountId' => [$with('accountId', 1234), 'wrong_type', "'accountId' must be the X account's numeric id"],
            'a content of 5 MB' => [$with('content', str_repeat('a', 5_000_000)), 'too_large', 'bytes, more than the 131072 allowed'],
            'a content of 10,001 characters' => [$with('content', str_repeat('👋', 10_001)), 'too_long', "'content' has 10001 characters, at most 10000"],
            'a senderName of 1,001 characters' => [$with('senderName', str_repeat('n', 1_001)), 'too_long', "'senderName' has 1001 characters"],
            'another account' => [$with('accountId', '9999'), 'foreign_account', "accountId '9999' is not an account of this connector (1234)"],
            'null content' => [$with('content', null), 'wrong_type', "'content' must be a string, got null"],
            'object content' => [$with('content', ['text' => 'hi']), 'wrong_type', "'content' must be a string"],
        ];
    }
}
