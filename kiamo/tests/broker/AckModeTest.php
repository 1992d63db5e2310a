<?php
namespace KiamoTwitter\Tests\Broker;

use KiamoTwitter\Tests\Support\BrokerTestCase;
use KiamoTwitter\Tests\Support\TestBroker;
use KiamoTwitter\Tests\Support\TestConnector;

/**
 * The loss and repeat window of the README, pinned down: a Kiamo that loses the bag fetch() filled
 * (it crashed before persisting it) loses those messages with ackMode afterAdd, and gets them again
 * with ackMode nextFetch; a Kiamo that kept its bag never sees a message twice in either mode.
 */
final class AckModeTest extends BrokerTestCase
{
    private function ids($bag): array
    {
        return array_column($bag->getMessages(), 'id');
    }

    public function testWithNextFetchMessagesStayQueuedUntilTheNextFetchFindsThemInTheKeptBag(): void
    {
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('701'), '701');
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('702'), '702');
        $connector = TestConnector::make(['KIAMO_TWITTER_ACK_MODE' => 'nextFetch']);

        $first = $connector->fetch(TestConnector::nextBag());
        $this->assertSame(['701', '702'], $this->ids($first));
        $this->assertSame(2, TestBroker::count($this->channel, TestBroker::INBOUND), 'handed to Kiamo but not yet confirmed');

        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('703'), '703');
        $second = $connector->fetch(TestConnector::nextBag($first));
        $this->assertSame(['703'], $this->ids($second));
        $this->assertSame(1, TestBroker::count($this->channel, TestBroker::INBOUND), '701 and 702 confirmed, 703 waits');

        $third = $connector->fetch(TestConnector::nextBag($second));
        $this->assertSame([], $this->ids($third));
        $this->assertSame(0, TestBroker::count($this->channel, TestBroker::INBOUND));
    }

    public function testWithNextFetchABagKiamoLostIsFilledAgainSoNothingIsLost(): void
    {
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('801'), '801');
        $connector = TestConnector::make(['KIAMO_TWITTER_ACK_MODE' => 'nextFetch']);

        $connector->fetch(TestConnector::nextBag());         // Kiamo crashes before persisting this bag
        $again = $connector->fetch(TestConnector::nextBag()); // it restarts with the parameters it had
        $this->assertSame(['801'], $this->ids($again));

        $this->assertSame([], $this->ids($connector->fetch(TestConnector::nextBag($again))));
        $this->assertSame(0, TestBroker::count($this->channel, TestBroker::INBOUND));
    }

    public function testWithAfterAddABagKiamoLostIsNotFetchedAgain(): void
    {
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('901'), '901');
        $connector = TestConnector::make(['KIAMO_TWITTER_ACK_MODE' => 'afterAdd']);

        $this->assertSame(['901'], $this->ids($connector->fetch(TestConnector::nextBag())));
        $this->assertSame([], $this->ids($connector->fetch(TestConnector::nextBag())), 'the documented loss window');
    }
}
