<?php
/*
 * Base of the end-to-end tests: per test, a private exchange name on the test broker (the workers
 * declare the topology under it, so nothing else on a shared broker meets these messages), a
 * folder for the state file and the children's output, the X emulator, and the workers a test
 * asks for. tearDown stops every child (SIGTERM, then SIGKILL past a deadline) and deletes the
 * private topology, whether the test passed or not; a failed test shows the children's output.
 */
namespace KiamoTwitter\Tests\Support;

use Kiamo\Admin\Utility\Messaging\ParameterBag;
use PhpAmqpLib\Channel\AMQPChannel;
use PhpAmqpLib\Connection\AbstractConnection;
use PhpAmqpLib\Message\AMQPMessage;
use PHPUnit\Framework\TestCase;
use UserFiles\Messaging\Connector\TwitterQueueConnector;

abstract class E2ETestCase extends TestCase
{
    /** Queues the workers declare under the exchange name (main README, "Wire contract"). */
    private const QUEUE_SUFFIXES = ['.inbound', '.send', '.reports', '.send.retry.1s', '.send.retry.10s', '.send.retry.1m', '.send.retry.10m', '.send.dead', '.inbound.dead'];
    private const EXCHANGE_SUFFIXES = ['', '.retry', '.dlx'];

    /** @var string the private exchange of this test; queues are <exchange>.inbound, ... */
    protected $exchange;
    /** @var string state file and children's output */
    protected $folder;
    /** @var Emulator */
    protected $emulator;
    /** @var ChildProcess[] started by this test, stopped in tearDown */
    private $children = [];
    /** @var ChildProcess[] stopped in tearDown, kept for onNotSuccessfulTest (PHPUnit calls it after tearDown) */
    private $stopped = [];
    /** @var AbstractConnection|null the test's own broker connection, for inspecting queues */
    private $connection = null;
    /** @var AMQPChannel|null */
    private $channel = null;
    /** @var AMQPMessage[] delivery reports taken from <exchange>.reports so far, by correlation_id */
    private $reports = [];

    protected function setUp(): void
    {
        TestBroker::url();  // fails loudly, before anything starts, when the broker is missing
        Products::executable(Products::INGEST);
        Products::executable(Products::DISPATCH);
        $this->exchange = 'kiamo.e2e.' . bin2hex(random_bytes(4));
        $this->folder = realpath(TestConnector::tempDir('kiamo-e2e'));
        $this->emulator = Emulator::start($this->folder);
        $this->children[] = $this->emulator->process();
    }

    protected function tearDown(): void
    {
        foreach (array_reverse($this->children) as $child) {
            $child->terminate();
        }
        foreach (array_reverse($this->children) as $child) {
            $child->stop();
            $this->stopped[] = $child;
        }
        $this->children = [];
        if ($this->connection !== null) {
            try { $this->connection->close(); } catch (\Throwable $ignored) {}
            $this->connection = null;
        }
        $this->deleteTopology();
    }

    /**
     * On failure, the end of every child's output (workers' logs, the emulator's) goes to standard
     * error. PHPUnit calls this after tearDown, so the children are already stopped: their output
     * files stay until the end of the run.
     */
    protected function onNotSuccessfulTest(\Throwable $t): void
    {
        foreach (array_merge($this->stopped, $this->children) as $child) {
            fwrite(STDERR, "\n" . $child->outputTail(6000) . "\n");
        }
        parent::onNotSuccessfulTest($t);
    }

    /** A child the test started itself (an OTLP receiver, ...), stopped in tearDown with the rest. */
    protected function adopt(ChildProcess $child): ChildProcess
    {
        return $this->children[] = $child;
    }

    /** Starts kiamo-twitter-ingest against the emulator ($overrides over its variables) and returns once it polls. */
    protected function startIngest(array $overrides = []): ChildProcess
    {
        return $this->children[] = Workers::start(Products::INGEST, $this->workerEnvironment($overrides), $this->folder, Workers::INGEST_READY);
    }

    /** Starts kiamo-twitter-dispatch ($overrides over its variables) and returns once it consumes. */
    protected function startDispatch(array $overrides = []): ChildProcess
    {
        return $this->children[] = Workers::start(Products::DISPATCH, $this->workerEnvironment($overrides), $this->folder, Workers::DISPATCH_READY);
    }

    protected function workerEnvironment(array $overrides = []): array
    {
        return array_merge(Workers::environment($this->exchange, $this->folder, $this->emulator), $overrides);
    }

    /** The connector as Kiamo builds it, on this test's exchange and inbound queue, plus $overrides. */
    protected function connector(array $overrides = []): TwitterQueueConnector
    {
        return TestConnector::make(array_merge([
            'KIAMO_TWITTER_ACCOUNT_ID' => Emulator::ACCOUNT_ID,
            'KIAMO_TWITTER_EXCHANGE' => $this->exchange,
            'KIAMO_TWITTER_INBOUND_QUEUE' => $this->queue('inbound'),
        ], $overrides));
    }

    /** A channel of the test's own on the test broker (a new one when a failed passive declare closed the last). */
    protected function brokerChannel(): AMQPChannel
    {
        if ($this->connection === null) {
            $this->connection = TestBroker::connect();
        }
        if ($this->channel === null || !$this->channel->is_open()) {
            $this->channel = $this->connection->channel();
        }
        return $this->channel;
    }

    /**
     * Waits for a delivery report in <exchange>.reports for each of $commandIds (its correlation_id)
     * and returns them by command id. Reports read while waiting are kept for later calls.
     *
     * @return AMQPMessage[]
     */
    protected function waitForReports(array $commandIds, float $seconds = 20.0): array
    {
        $queue = $this->queue('reports');
        Eventually::value(function () use ($queue, $commandIds) {
            while (($report = $this->brokerChannel()->basic_get($queue, true)) !== null) {
                $this->reports[(string)$report->get('correlation_id')][] = $report;
            }
            return array_diff($commandIds, array_keys($this->reports)) === [];
        }, $seconds, function () use ($commandIds) {
            return 'the delivery reports of ' . json_encode($commandIds) . '; seen reports of ' . json_encode(array_keys($this->reports));
        });
        $found = [];
        foreach ($commandIds as $id) {
            $this->assertCount(1, $this->reports[$id], "one report for command $id");
            $found[$id] = $this->reports[$id][0];
        }
        return $found;
    }

    /** <exchange>.<suffix>, e.g. queue('inbound'). */
    protected function queue(string $suffix): string
    {
        return $this->exchange . '.' . $suffix;
    }

    /**
     * Plays Kiamo: fetch() again and again, each time with a new bag carrying the parameters of the
     * previous one, until the messages added so far include $untilId (or $count messages when
     * $untilId is null). Returns every message added, in order, and the number of fetch() calls.
     *
     * @return array{0: array[], 1: int, 2: ParameterBag|null}
     */
    protected function fetchUntil(TwitterQueueConnector $connector, ?string $untilId, int $count = 0, ?ParameterBag $previous = null, float $seconds = 20.0): array
    {
        $messages = [];
        $calls = 0;
        $bag = $previous;
        Eventually::value(function () use ($connector, $untilId, $count, &$messages, &$calls, &$bag) {
            $bag = $connector->fetch(TestConnector::nextBag($bag));
            $calls++;
            foreach ($bag->getMessages() as $message) {
                $messages[] = $message;
            }
            return $untilId !== null ? in_array($untilId, array_column($messages, 'id'), true) : count($messages) >= $count;
        }, $seconds, function () use ($untilId, $count, &$messages) {
            return ($untilId !== null ? "message $untilId" : "$count message(s)") . ' to come out of fetch(); got ' . count($messages) . ': '
                . json_encode(array_column($messages, 'id'));
        });
        return [$messages, $calls, $bag];
    }

    private function deleteTopology(): void
    {
        try {
            $connection = TestBroker::connect();
        } catch (\Throwable $e) {
            return;  // the broker is gone: nothing to clean
        }
        try {
            $channel = $connection->channel();
            foreach (self::QUEUE_SUFFIXES as $suffix) {
                $channel->queue_delete($this->exchange . $suffix);
            }
            foreach (self::EXCHANGE_SUFFIXES as $suffix) {
                $channel->exchange_delete($this->exchange . $suffix);
            }
        } catch (\Throwable $ignored) {
            // Best effort: a leftover private exchange harms no other test.
        } finally {
            try { $connection->close(); } catch (\Throwable $ignored) {}
        }
    }
}
