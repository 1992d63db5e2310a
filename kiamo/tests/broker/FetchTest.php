<?php
namespace KiamoTwitter\Tests\Broker;

use Kiamo\Admin\Utility\Messaging\ParameterBag;
use KiamoTwitter\Tests\Support\BrokerTestCase;
use KiamoTwitter\Tests\Support\Eventually;
use KiamoTwitter\Tests\Support\TestBroker;
use KiamoTwitter\Tests\Support\TestConnector;
use UserFiles\Messaging\Connector\TwitterQueueConnector;
use UserFiles\Messaging\Connector\TwitterQueueException;

/** fetch() against the real broker, with messages published the way the ingest worker publishes them. */
final class FetchTest extends BrokerTestCase
{
    private function kiamoFields(array $message): array
    {
        return array_intersect_key($message, array_flip(['id', 'createdAt', 'senderId', 'senderName', 'content']));
    }

    private function ids(ParameterBag $bag): array
    {
        return array_column($bag->getMessages(), 'id');
    }

    public function testPublishedMessagesComeOutOfFetchWithExactlyTheFiveKiamoFields(): void
    {
        $published = [
            TestBroker::kiamoMessage('1582838593371127812'),
            TestBroker::kiamoMessage('1582838593371127813', ['content' => "Bonjour \"l'agent\"\n\\ ça va ? 👋", 'senderName' => 'Zoé Ünïcode@zoe',
                'attachments' => [['type' => 'photo', 'url' => 'https://pbs.twimg.com/media/x.jpg']]]),
            TestBroker::kiamoMessage('1582838593371127814', ['createdAt' => 1700000000, 'senderId' => '42', 'content' => '']),
        ];
        foreach ($published as $message) {
            TestBroker::publishInbound($this->channel, $message, $message['id']);
        }

        $bag = TestConnector::nextBag();
        $returned = TestConnector::make()->fetch($bag);

        $this->assertSame($bag, $returned);
        $this->assertSame(array_map([$this, 'kiamoFields'], $published), $bag->getMessages());
        foreach ($bag->getMessages() as $message) {
            $this->assertSame(['id', 'createdAt', 'senderId', 'senderName', 'content'], array_keys($message));
            $this->assertIsInt($message['createdAt']);
        }
        $this->assertSame(0, TestBroker::count($this->channel, TestBroker::INBOUND));
        $this->assertSame('1582838593371127812 1582838593371127813 1582838593371127814', $bag->getParameter(TwitterQueueConnector::DeliveredIdsParameter));
    }

    public function testEachMessageComesOutOnceAcrossFetchesOfAtMostTheBatchSize(): void
    {
        $ids = ['101', '102', '103', '104', '105'];
        foreach ($ids as $id) {
            TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage($id), $id);
        }
        $connector = TestConnector::make(['KIAMO_TWITTER_FETCH_BATCH_SIZE' => '2']);

        $bag = null;
        $batches = [];
        for ($i = 0; $i < 4; $i++) {
            $bag = $connector->fetch(TestConnector::nextBag($bag));
            $batches[] = $this->ids($bag);
        }

        $this->assertSame([['101', '102'], ['103', '104'], ['105'], []], $batches);
        $this->assertSame(0, TestBroker::count($this->channel, TestBroker::INBOUND));
    }

    public function testAMessageTheIngestPublishesTwiceReachesKiamoOnce(): void
    {
        // Within one fetch, then across fetches (the ingest re-publishes after a crash, same id).
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('201'), '201');
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('201'), '201');
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('202'), '202');
        $connector = TestConnector::make();

        $first = $connector->fetch(TestConnector::nextBag());
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('201'), '201');
        $second = $connector->fetch(TestConnector::nextBag($first));

        $this->assertSame(['201', '202'], $this->ids($first));
        $this->assertSame([], $this->ids($second));
        $this->assertSame(0, TestBroker::count($this->channel, TestBroker::INBOUND));
    }

    public function testInvalidMessagesAreSetAsideWhileTheGoodOnesAroundThemComeThrough(): void
    {
        $good = [TestBroker::kiamoMessage('301'), TestBroker::kiamoMessage('302'), TestBroker::kiamoMessage('303')];
        $missingSender = TestBroker::kiamoMessage('bad-2');
        unset($missingSender['senderId']);
        TestBroker::publishInbound($this->channel, $good[0], '301');
        TestBroker::publishInbound($this->channel, 'this is not JSON', 'bad-1');
        TestBroker::publishInbound($this->channel, $good[1], '302');
        TestBroker::publishInbound($this->channel, $missingSender, 'bad-2');
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('bad-3', ['createdAt' => '2022-10-19']), 'bad-3');
        TestBroker::publishInbound($this->channel, $good[2], '303');
        $connector = TestConnector::make();

        $bag = $connector->fetch(TestConnector::nextBag());

        $this->assertSame(array_map([$this, 'kiamoFields'], $good), $bag->getMessages());
        $this->assertSame(0, TestBroker::count($this->channel, TestBroker::INBOUND));
        // The broker dead-letters rejected messages on its own time: wait for all three.
        $dead = [];
        Eventually::value(function () use (&$dead) { $dead = array_merge($dead, TestBroker::drain($this->reader(), TestBroker::INBOUND_DEAD)); return count($dead) >= 3; }, 10, 'three dead letters');
        $this->assertSame(['bad-1', 'bad-2', 'bad-3'], array_map(function ($m) { return $m->get('message_id'); }, $dead));
        $this->assertSame('this is not JSON', $dead[0]->getBody());
        foreach ($dead as $message) {
            $death = $message->get('application_headers')->getNativeData()['x-death'][0];
            $this->assertSame(['rejected', TestBroker::INBOUND], [$death['reason'], $death['queue']]);
            $this->assertSame('inbound.1234', $message->getRoutingKey());
        }
        $log = TestConnector::logOf($connector);
        $this->assertMatchesRegularExpression('/\[ERROR\]\[TwitterQueueMessagingManager::readMessages +\] Invalid Kiamo message message_id=bad-1 .*\[invalid_json\]/', $log);
        $this->assertMatchesRegularExpression('/\[INFO \]\[TwitterQueueConnector::fetch +\] => adding message id=301, senderId=906948460078698496\r\n/', $log);
        $this->assertStringNotContainsString('{closure}', $log);
        $this->assertMatchesRegularExpression("/\\[ERROR\\].*message_id=bad-2 .*\\[missing_field\\] The Kiamo message has no 'senderId'/", $log);
        $this->assertMatchesRegularExpression("/\\[ERROR\\].*message_id=bad-3 .*\\[wrong_type\\] The Kiamo message's 'createdAt' must be an integer/", $log);
    }

    public function testAMessageLeavesTheQueueOnlyOnceItIsInTheBag(): void
    {
        foreach (['401', '402', '403'] as $id) {
            TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage($id), $id);
        }
        $connector = TestConnector::make();

        // Kiamo's bag fails on the second message: the first stays in the bag, the others in the queue.
        $failing = $this->bagFailingOnCall(2);
        $returned = $connector->fetch($failing);
        $this->assertSame(['401'], $this->ids($returned));
        $this->assertSame(2, TestBroker::count($this->channel, TestBroker::INBOUND));
        $this->assertStringContainsString('Fetch interrupted after 1 message(s)', TestConnector::logOf($connector));

        $next = $connector->fetch(TestConnector::nextBag($failing));
        $this->assertSame(['402', '403'], $this->ids($next));
        $this->assertSame(0, TestBroker::count($this->channel, TestBroker::INBOUND));
    }

    public function testWhenTheBagRefusesTheFirstMessageFetchThrowsAndNothingLeavesTheQueue(): void
    {
        foreach (['501', '502'] as $id) {
            TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage($id), $id);
        }
        try {
            TestConnector::make()->fetch($this->bagFailingOnCall(1));
            $this->fail('fetch hid the failure of an empty bag');
        } catch (\RuntimeException $e) {
            $this->assertSame('the bag refused message 1', $e->getMessage());
        }
        $this->assertSame(2, TestBroker::count($this->channel, TestBroker::INBOUND));
    }

    public function testAnEmptyQueueGivesAnEmptyBagAndKeepsItsParameters(): void
    {
        $recently = (string)(time() - 60);
        $parameters = ['other.parameter' => 'kept', TwitterQueueConnector::DeliveredIdsParameter => '9 10', TwitterQueueConnector::DeliveredTimesParameter => $recently . ':2'];
        $bag = new ParameterBag('TwitterQueueConnector', $parameters);
        TestConnector::make()->fetch($bag);
        $this->assertSame([], $bag->getMessages());
        $this->assertSame($parameters, $bag->getParameters());
    }

    public function testTheRememberedIdsAreCappedSoTheBagStaysSmall(): void
    {
        foreach (['601', '602', '603', '604'] as $id) {
            TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage($id), $id);
        }
        $bag = TestConnector::make(['KIAMO_TWITTER_FETCH_BATCH_SIZE' => '2', 'KIAMO_TWITTER_REMEMBERED_IDS' => '3'])
            ->fetch(TestConnector::nextBag());
        $bag = TestConnector::make(['KIAMO_TWITTER_FETCH_BATCH_SIZE' => '2', 'KIAMO_TWITTER_REMEMBERED_IDS' => '3'])
            ->fetch(TestConnector::nextBag($bag));
        $this->assertSame('602 603 604', $bag->getParameter(TwitterQueueConnector::DeliveredIdsParameter));
    }

    public function testAMissingInboundQueueGivesAClearError(): void
    {
        try {
            TestConnector::make(['KIAMO_TWITTER_INBOUND_QUEUE' => 'kiamo.twitter.inbound.absent'])->fetch(TestConnector::nextBag());
            $this->fail('fetch ignored a missing queue');
        } catch (TwitterQueueException $e) {
            $this->assertSame('topology_missing', $e->getReason());
            $this->assertStringContainsString("Queue 'kiamo.twitter.inbound.absent' does not exist", $e->getMessage());
            $this->assertStringContainsString('run `kiamo-twitter setup` or start the workers', $e->getMessage());
        }
    }

    /** A Kiamo bag whose addMessage throws on its $failingCall-th call. */
    private function bagFailingOnCall(int $failingCall): ParameterBag
    {
        return new class('TwitterQueueConnector', $failingCall) extends ParameterBag {
            private $calls = 0;
            private $failingCall;

            public function __construct($name, int $failingCall)
            {
                parent::__construct($name);
                $this->failingCall = $failingCall;
            }

            public function addMessage(array $message)
            {
                if (++$this->calls === $this->failingCall) {
                    throw new \RuntimeException('the bag refused message ' . $this->calls);
                }
                parent::addMessage($message);
            }
        };
    }
}
