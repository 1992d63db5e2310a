<?php
namespace KiamoTwitter\Tests\Broker;

use KiamoTwitter\Tests\Support\BrokerTestCase;
use KiamoTwitter\Tests\Support\TestBroker;
use KiamoTwitter\Tests\Support\TestConnector;
use UserFiles\Messaging\Connector\TwitterQueueConnector;

/**
 * The ids handed to Kiamo are kept by age (rememberedFor, 24 h), bounded by a generous count
 * (rememberedIds), so that a whole backlog published again (an ingest crash between two confirmed
 * chunks, issue 18 hole 1) cannot push out the ids of its own repeats.
 */
final class RepublicationTest extends BrokerTestCase
{
    /** Every message the connector hands to Kiamo, fetch after fetch, until the queue is empty. */
    private function drainThroughTheConnector(TwitterQueueConnector $connector, $bag = null): array
    {
        $ids = [];
        for ($fetches = 0; $fetches < 1000; $fetches++) {
            $bag = $connector->fetch(TestConnector::nextBag($bag));
            $ids = array_merge($ids, array_column($bag->getMessages(), 'id'));
            if (TestBroker::count($this->channel, TestBroker::INBOUND) === 0) {
                return [$ids, $bag];
            }
        }
        $this->fail('the connector did not drain the queue in 1000 fetches');
    }

    public function testABacklogOf2000PublishedAgainAs1500ReachesKiamoOnce(): void
    {
        $first = array_map(function ($n) { return (string)(1700000000000000000 + $n); }, range(1, 2000));
        foreach ($first as $id) {
            TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage($id), $id);
        }
        $connector = TestConnector::make(['KIAMO_TWITTER_LOG_LEVEL' => 'WARN']);  // defaults otherwise
        [$delivered, $bag] = $this->drainThroughTheConnector($connector);

        // The ingest, restarted after a crash, publishes the first 1,500 again, then 10 new DMs.
        $again = array_slice($first, 0, 1500);
        $new = array_map(function ($n) { return (string)(1700000000000100000 + $n); }, range(1, 10));
        foreach (array_merge($again, $new) as $id) {
            TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage($id), $id);
        }
        [$deliveredAgain, ] = $this->drainThroughTheConnector($connector, $bag);

        $this->assertSame($first, $delivered);
        $this->assertSame($new, $deliveredAgain, 'only the new DMs, each once: ' . count($deliveredAgain) . ' delivered');
    }

    public function testIdsOlderThanRememberedForAreForgottenAndTheCountStaysBounded(): void
    {
        $dayAgo = time() - 86400 - 60;
        $bag = TestConnector::nextBag(new \Kiamo\Admin\Utility\Messaging\ParameterBag('TwitterQueueConnector', [
            TwitterQueueConnector::DeliveredIdsParameter => '501 502 503',
            TwitterQueueConnector::DeliveredTimesParameter => $dayAgo . ':2 ' . time() . ':1',
        ]));
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('501'), '501');
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('503'), '503');
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('504'), '504');

        $after = TestConnector::make()->fetch($bag);

        $this->assertSame(['501', '504'], array_column($after->getMessages(), 'id'), '501 is older than 24 h: forgotten; 503 is remembered');
        $this->assertSame('503 501 504', $after->getParameter(TwitterQueueConnector::DeliveredIdsParameter));
        $known = TwitterQueueConnector::decodeDeliveredIds('503 501 504', $after->getParameter(TwitterQueueConnector::DeliveredTimesParameter));
        $this->assertSame(['503', '501', '504'], array_column($known, 0));
        $this->assertGreaterThanOrEqual(time() - 600, min(array_column($known, 1)));
    }

    public function testIdsThatAllExpiredLeaveTheBag(): void
    {
        $bag = new \Kiamo\Admin\Utility\Messaging\ParameterBag('TwitterQueueConnector', [
            TwitterQueueConnector::DeliveredIdsParameter => '701 702',
            TwitterQueueConnector::DeliveredTimesParameter => (time() - 86400 - 60) . ':2',
        ]);
        TestConnector::make()->fetch($bag);
        $this->assertSame('', $bag->getParameter(TwitterQueueConnector::DeliveredIdsParameter));
        $this->assertSame('', $bag->getParameter(TwitterQueueConnector::DeliveredTimesParameter));
    }

    public function testABagWithoutTimesFromAnEarlierVersionKeepsItsIds(): void
    {
        $bag = TestConnector::nextBag(new \Kiamo\Admin\Utility\Messaging\ParameterBag('TwitterQueueConnector', [
            TwitterQueueConnector::DeliveredIdsParameter => '601 602',
        ]));
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('602'), '602');
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('603'), '603');

        $after = TestConnector::make()->fetch($bag);

        $this->assertSame(['603'], array_column($after->getMessages(), 'id'));
        $this->assertSame('601 602 603', $after->getParameter(TwitterQueueConnector::DeliveredIdsParameter));
    }
}
