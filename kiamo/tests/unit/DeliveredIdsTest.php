<?php
namespace KiamoTwitter\Tests\Unit;

use PHPUnit\Framework\TestCase;
use UserFiles\Messaging\Connector\TwitterQueueConnector;

/** The remembered ids and their times, as the bag carries them between fetches. */
final class DeliveredIdsTest extends TestCase
{
    public function testRunsOfTimesFollowTheIds(): void
    {
        $this->assertSame([['1', 100], ['2', 100], ['3', 250]], TwitterQueueConnector::decodeDeliveredIds('1 2 3', '100:2 250:1', 1000));
    }

    public function unreadableTimes(): array
    {
        return [
            'none (a bag from an earlier version)' => [null],
            'not runs' => ['yesterday'],
            'fewer than the ids' => ['100:2'],
            'more than the ids' => ['100:2 200:5'],
        ];
    }

    /** @dataProvider unreadableTimes */
    public function testUnreadableTimesCountAsNowSoNoIdIsForgottenEarly($times): void
    {
        $this->assertSame([['1', 1000], ['2', 1000], ['3', 1000]], TwitterQueueConnector::decodeDeliveredIds('1 2 3', $times, 1000));
    }

    public function testATimeInTheFutureCountsAsNow(): void
    {
        $this->assertSame([['1', 1000]], TwitterQueueConnector::decodeDeliveredIds('1', '99999999:1', 1000));
    }

    public function testPruningDropsTheOldOnesThenTheOldestBeyondTheCount(): void
    {
        $known = [['1', 10], ['2', 20], ['3', 30], ['4', 40], ['5', 50]];
        $this->assertSame([['3', 30], ['4', 40], ['5', 50]], TwitterQueueConnector::pruneDeliveredIds($known, 30, 10));
        $this->assertSame([['4', 40], ['5', 50]], TwitterQueueConnector::pruneDeliveredIds($known, 0, 2));
    }
}
