<?php
namespace KiamoTwitter\Tests\Unit;

use PHPUnit\Framework\TestCase;
use UserFiles\Messaging\Connector\TwitterQueueIds;
use UserFiles\Messaging\Connector\TwitterQueueException;
use UserFiles\Messaging\Connector\TwitterQueueMessagingManager;

/** X's id rule, the workers' (Swift's XID), at every bound of the shared table. */
final class XIdsTest extends TestCase
{
    /** @return array<string, array{string, bool}> */
    public static function cases(): array
    {
        $table = json_decode((string) file_get_contents(__DIR__ . '/../../../Tests/Fixtures/x-id-bounds.json'), true);
        $cases = [];
        foreach ($table['cases'] as $case) $cases[json_encode($case['text'])] = [$case['text'], $case['valid']];
        return $cases;
    }

    /** @dataProvider cases */
    public function testTheRuleIsTheWorkers(string $text, bool $valid): void
    {
        $this->assertSame($valid, TwitterQueueIds::isXId($text));
    }

    /** @dataProvider cases */
    public function testSendRefusesARecipientTheWorkersWouldRefuse(string $text, bool $valid): void
    {
        try {
            $command = TwitterQueueMessagingManager::buildSendCommand(['to' => ['id' => $text], 'content' => 'x'], '1234', 'c');
            $this->assertTrue($valid, "to.id " . json_encode($text) . " was accepted");
            $this->assertSame($text, $command['to']['id']);
        } catch (TwitterQueueException $e) {
            $this->assertFalse($valid, "to.id " . json_encode($text) . " was refused: " . $e->getMessage());
        }
    }

    public function testOnlyStringsAreIds(): void
    {
        $this->assertFalse(TwitterQueueIds::isXId(null));
        $this->assertFalse(TwitterQueueIds::isXId(['1']));
        $this->assertFalse(TwitterQueueIds::isXId(1.0));
    }
}
