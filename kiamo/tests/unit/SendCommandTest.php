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
            // An empty list is no attachment: the text is needed as before.
            'empty content, empty attachments' => [['to' => $to, 'content' => '', 'attachments' => []], '1234', 'content is empty'],
            'no content, null attachments' => [['to' => $to, 'attachments' => null], '1234', 'no content'],
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

    /** @dataProvider validAttachments */
    public function testAnAttachmentIsSentAsOneItemWithExactlyOneKey(array $attachments, array $expected): void
    {
        $command = TwitterQueueMessagingManager::buildSendCommand(self::TASK + ['attachments' => $attachments], '1234', 'cmd-1');
        $this->assertSame([
            'to' => ['id' => '906948460078698496', 'name' => 'Jane Doe@janedoe'],
            'content' => 'Hi Jane',
            'id' => 'cmd-1',
            'accountId' => '1234',
            'attachments' => [$expected],
        ], $command);
    }

    public function validAttachments(): array
    {
        return [
            'https url' => [[['url' => 'https://cdn.example.com/a/photo.jpg?sig=abc']], ['url' => 'https://cdn.example.com/a/photo.jpg?sig=abc']],
            'http url' => [[['url' => 'http://10.0.0.5/photo.png']], ['url' => 'http://10.0.0.5/photo.png']],
            'url of 2,048 characters' => [[['url' => 'https://e.com/' . str_repeat('a', 2034)]], ['url' => 'https://e.com/' . str_repeat('a', 2034)]],
            // Schemes are case-insensitive; the worker gets the usual lower case.
            'upper-case scheme' => [[['url' => 'HTTPS://Example.com/A.jpg']], ['url' => 'https://Example.com/A.jpg']],
            'bare URL string' => [['https://cdn.example.com/photo.jpg'], ['url' => 'https://cdn.example.com/photo.jpg']],
            'relative path' => [[['path' => 'replies/2024/invoice.pdf']], ['path' => 'replies/2024/invoice.pdf']],
            'absolute path' => [[['path' => '/srv/kiamo-media/reçu.jpg']], ['path' => '/srv/kiamo-media/reçu.jpg']],
            'path of 1,024 characters' => [[['path' => str_repeat('é', 1024)]], ['path' => str_repeat('é', 1024)]],
            'media id' => [[['mediaId' => '1582838592123456789']], ['mediaId' => '1582838592123456789']],
            'integer media id' => [[['mediaId' => 1582838592]], ['mediaId' => '1582838592']],
            // Kiamo may describe a file with more than the contract's key: only that key is sent.
            'other keys dropped' => [[['type' => 'photo', 'name' => 'photo.jpg', 'url' => 'https://e.com/p.jpg', 'path' => null]], ['url' => 'https://e.com/p.jpg']],
        ];
    }

    public function testWithoutAttachmentsTheCommandHasNoAttachmentsKey(): void
    {
        $plain = TwitterQueueMessagingManager::buildSendCommand(self::TASK, '1234', 'c');
        foreach ([null, []] as $none) {
            $command = TwitterQueueMessagingManager::buildSendCommand(self::TASK + ['attachments' => $none], '1234', 'c');
            $this->assertArrayNotHasKey('attachments', $command);
            $this->assertSame(json_encode($plain), json_encode($command));
        }
    }

    /** @dataProvider textlessContents */
    public function testWithAnAttachmentContentMayBeMissingOrBlankAndIsSentEmpty(array $task): void
    {
        $command = TwitterQueueMessagingManager::buildSendCommand($task + ['to' => ['id' => '1'], 'attachments' => [['mediaId' => '42']]], '1234', 'c');
        $this->assertSame('', $command['content']);
        $this->assertSame([['mediaId' => '42']], $command['attachments']);
    }

    public function textlessContents(): array
    {
        return [
            'no content' => [[]],
            'null content' => [['content' => null]],
            'empty content' => [['content' => '']],
            'blank content' => [['content' => " \n\t "]],
        ];
    }

    public function testWithAnAttachmentContentIsStillCheckedWhenGiven(): void
    {
        $with = ['to' => ['id' => '1'], 'attachments' => ['https://e.com/p.jpg']];
        foreach ([[['Hi'], 'content must be a string'], ["caf\xE9", 'not valid UTF-8'], [str_repeat('a', 10001), '10001 characters']] as [$content, $phrase]) {
            try {
                TwitterQueueMessagingManager::buildSendCommand($with + ['content' => $content], '1234', 'c');
                $this->fail('accepted invalid content beside an attachment');
            } catch (TwitterQueueException $e) {
                $this->assertStringContainsString($phrase, $e->getMessage());
            }
        }
    }

    /** @dataProvider invalidAttachments */
    public function testAnInvalidAttachmentIsRefusedSayingWhichFieldAndWhyWithoutQuotingIt($attachments, string $phrase): void
    {
        try {
            TwitterQueueMessagingManager::buildSendCommand(self::TASK + ['attachments' => $attachments], '1234', 'c');
            $this->fail('accepted an invalid attachment');
        } catch (TwitterQueueException $e) {
            $this->assertSame('invalid_task', $e->getReason());
            $this->assertStringContainsString('nothing was sent', $e->getMessage());
            $this->assertStringContainsString($phrase, $e->getMessage());
            // Every URL and path below holds "secret": a refusal names lengths and schemes only.
            $this->assertStringNotContainsStringIgnoringCase('secret', $e->getMessage());
        }
    }

    public function invalidAttachments(): array
    {
        $tooLongUrl = 'https://e.com/secret/' . str_repeat('a', 2028);
        return [
            'two items' => [['https://e.com/secret1.jpg', 'https://e.com/secret2.jpg'], 'attachments has 2 items: X takes one media per DM, so send one reply per file.'],
            'an object, not a list' => [['url' => 'https://e.com/secret.jpg'], 'attachments must be a list of at most one item'],
            'a bare string, not a list' => ['https://e.com/secret.jpg', 'attachments must be a list of at most one item, e.g. [{"url": "https://..."}], got a value of type string'],
            'none of the keys' => [[['type' => 'photo', 'name' => 'secret.jpg']], 'attachments[0] must have exactly one of url, path, mediaId, got none'],
            'a misspelled key' => [[['URL' => 'https://e.com/secret.jpg']], 'got none'],
            'two keys' => [[['url' => 'https://e.com/secret.jpg', 'path' => 'secret.jpg']], 'attachments[0] must have exactly one of url, path, mediaId, got url, path'],
            'three keys' => [[['url' => 'https://e.com/secret.jpg', 'path' => 'secret.jpg', 'mediaId' => '1']], 'got url, path, mediaId'],
            'an integer item' => [[42], 'attachments[0] must be an object with one of url, path, mediaId (or a URL string), got int'],
            'ftp url' => [[['url' => 'ftp://e.com/secret.jpg']], "attachments[0].url must be an http:// or https:// URL (got scheme 'ftp', 22 characters)"],
            'file url' => [[['url' => 'file:///etc/secret']], "(got scheme 'file', 18 characters)"],
            'url without scheme' => [[['url' => 'e.com/secret.jpg']], 'attachments[0].url must be an http:// or https:// URL (got no scheme://, 16 characters)'],
            // In user:secret@host the part before the colon is a user name: it is not named as a scheme.
            'url with credentials and no scheme' => [[['url' => 'jane:secret@e.com/p.jpg']], 'got no scheme://, 23 characters'],
            'bare string of another scheme' => [['ftp://e.com/secret.jpg'], "attachments[0] is a string but not an http:// or https:// URL (got scheme 'ftp', 22 characters); give a file as {\"path\": ...}"],
            'bare path string' => [['replies/secret.jpg'], 'attachments[0] is a string but not an http:// or https:// URL (got no scheme://, 18 characters)'],
            'url without host' => [[['url' => 'https:///secret.jpg']], 'attachments[0].url has no host (19 characters)'],
            'url with a space' => [[['url' => 'https://e.com/my secret.jpg']], 'attachments[0].url contains a space or a control character (27 characters)'],
            'url with a line break' => [[['url' => "https://e.com/secret.jpg\n"]], 'contains a space or a control character'],
            'url too long' => [[['url' => $tooLongUrl]], 'attachments[0].url has 2049 characters, at most 2048 are accepted.'],
            'url not a string' => [[['url' => ['https://e.com/secret.jpg']]], 'attachments[0].url must be a string, got array'],
            'url not UTF-8' => [[['url' => "https://e.com/secr\xE9t.jpg"]], 'attachments[0].url is not valid UTF-8.'],
            'empty path' => [[['path' => '']], 'attachments[0].path is empty.'],
            'path with a NUL byte' => [[['path' => "secret.jpg\0.png"]], 'attachments[0].path contains a NUL byte (15 characters).'],
            'path too long' => [[['path' => 'secret/' . str_repeat('é', 1018)]], 'attachments[0].path has 1025 characters, at most 1024 are accepted.'],
            'path not UTF-8' => [[['path' => "secr\xE9t.jpg"]], 'attachments[0].path is not valid UTF-8.'],
            'path not a string' => [[['path' => 42]], 'attachments[0].path must be a string, got int'],
            'media id with letters' => [[['mediaId' => 'abc']], 'attachments[0].mediaId must be a numeric X media id (a string of 1 to 19 digits), got a string of 3 bytes that is not digits.'],
            // A URL in the wrong field is not quoted either.
            'media id holding a url' => [[['mediaId' => 'https://e.com/secret.jpg']], 'got a string of 24 bytes that is not digits'],
            'media id of 20 digits' => [[['mediaId' => '15828385921234567890']], "got '15828385921234567890'"],
            'media id zero' => [[['mediaId' => '0']], "mediaId must be a numeric X media id"],
            'negative media id' => [[['mediaId' => -5]], 'got int -5'],
            'media id with a line break after it' => [[['mediaId' => "42\n"]], 'that is not digits'],
        ];
    }

    public function testAnAttachmentIsCheckedBeforeTheEmptyContentItAllows(): void
    {
        try {
            TwitterQueueMessagingManager::buildSendCommand(['to' => ['id' => '1'], 'content' => '', 'attachments' => [['url' => 'ftp://e.com/p.jpg']]], '1234', 'c');
            $this->fail('accepted an invalid attachment');
        } catch (TwitterQueueException $e) {
            $this->assertStringContainsString('attachments[0].url must be', $e->getMessage());
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
