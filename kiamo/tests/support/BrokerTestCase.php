<?php
/*
 * Base of the tests that need the broker: the README topology declared, its queues emptied before
 * each test, and a channel of its own for publishing and inspecting.
 */
namespace KiamoTwitter\Tests\Support;

use PhpAmqpLib\Channel\AMQPChannel;
use PhpAmqpLib\Connection\AbstractConnection;
use PHPUnit\Framework\TestCase;

abstract class BrokerTestCase extends TestCase
{
    /** @var AbstractConnection */
    protected $connection;
    /** @var AMQPChannel */
    protected $channel;

    protected function setUp(): void
    {
        $this->connection = TestBroker::connect();
        $this->channel = $this->connection->channel();
        TestBroker::declareTopology($this->channel);
        TestBroker::purgeContractQueues($this->channel);
    }

    protected function tearDown(): void
    {
        try {
            $this->connection->close();
        } catch (\Throwable $ignored) {
        }
    }

    /** A channel that was not put in confirm mode, for reading. */
    protected function reader(): AMQPChannel
    {
        return $this->connection->channel();
    }
}
