<?php
namespace KiamoTwitter\Tests\Broker;

use KiamoTwitter\Tests\Support\BrokerTestCase;
use KiamoTwitter\Tests\Support\Eventually;
use KiamoTwitter\Tests\Support\TestBroker;
use KiamoTwitter\Tests\Support\TestConnector;

/** php TwitterQueueConnector.php -f --test=NN, run as an operator would, against the test broker. */
final class CommandLineTesterTest extends BrokerTestCase
{
    /** Runs the connector file with the PHP command line; returns [exit code, stdout + stderr]. */
    private function runTester(array $arguments, array $settings = []): array
    {
        $environment = TestConnector::environment($settings) + [
            'KIAMO_TWITTER_KIAMO_UTILITY_DIR' => __DIR__ . '/../kiamo',
            'PATH' => getenv('PATH') ?: '/usr/bin:/bin',
        ];
        return $this->runPhp(array_merge([__DIR__ . '/../../TwitterQueueConnector.php', '-f'], $arguments), $environment);
    }

    private function runPhp(array $arguments, array $environment): array
    {
        $process = proc_open(array_merge([PHP_BINARY], $arguments), [1 => ['pipe', 'w'], 2 => ['redirect', 1]], $pipes, null, $environment);
        $output = stream_get_contents($pipes[1]);
        fclose($pipes[1]);
        return [proc_close($process), $output];
    }

    public function testListNamesEveryTest(): void
    {
        [$code, $output] = $this->runTester(['--list']);
        $this->assertSame(0, $code);
        foreach (['00', '01', '02', '03', '04', '05'] as $test) {
            $this->assertMatchesRegularExpression('/^  ' . $test . '  \S/m', $output);
        }
    }

    public function testOutsideKiamoTheTesterPrintsAKoLineInsteadOfAnUncaughtException(): void
    {
        $environment = TestConnector::environment() + ['PATH' => getenv('PATH') ?: '/usr/bin:/bin', 'KIAMO_TWITTER_KIAMO_UTILITY_DIR' => ''];
        foreach ([[], ['KIAMO_TWITTER_KIAMO_UTILITY_DIR' => TestConnector::tempDir('no-kiamo')]] as $where) {
            [$code, $output] = $this->runPhp([__DIR__ . '/../../TwitterQueueConnector.php', '-f', '--test=00'], $where + $environment);
            $this->assertSame(1, $code, $output);
            $this->assertMatchesRegularExpression("/^KO \\[kiamo_classes_missing\\] .*ParameterBag was not found .*KIAMO_TWITTER_KIAMO_UTILITY_DIR/m", $output);
            $this->assertStringNotContainsString('Fatal error', $output);
            $this->assertStringNotContainsString('Uncaught', $output);
        }
    }

    public function testAnUnknownTestIsRefusedWithExitCode1(): void
    {
        [$code, $output] = $this->runTester(['--test=42']);
        $this->assertSame(1, $code);
        $this->assertStringContainsString("ERROR : no such test 'test42'", $output);
    }

    public function testTest00DumpsTheConfigurationWithoutSecrets(): void
    {
        [$code, $output] = $this->runTester(['--test=00'], ['KIAMO_TWITTER_AMQP_PASSWORD' => 'hunter2-secret']);
        $this->assertSame(0, $code, $output);
        $this->assertStringContainsString('"password": "***"', $output);
        $this->assertStringContainsString('"inboundQueue": "kiamo.twitter.inbound"', $output);
        $this->assertStringNotContainsString('hunter2-secret', $output);
    }

    public function testTest01ChecksTheConnectionAndTheTopology(): void
    {
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('1101'), '1101');
        [$code, $output] = $this->runTester(['--test=01']);
        $this->assertSame(0, $code, $output);
        $this->assertStringContainsString('Inbound queue : kiamo.twitter.inbound exists, 1 message(s) waiting', $output);

        [$code, $output] = $this->runTester(['--test=1'], ['KIAMO_TWITTER_AMQP_PORT' => '1']);
        $this->assertSame(1, $code);
        $this->assertStringContainsString('KO [broker_unreachable] Cannot connect to the broker', $output);
    }

    public function testTest02PeeksWithoutTakingMessagesUnlessAskedToConsume(): void
    {
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('1201', ['content' => 'Bonjour ✓']), '1201');
        TestBroker::publishInbound($this->channel, 'not JSON', 'bad-1201');

        [$code, $output] = $this->runTester(['--test=02']);
        $this->assertSame(0, $code, $output);
        $this->assertStringContainsString('"content": "Bonjour ✓"', $output);
        $this->assertStringContainsString('Invalid : 1', $output);
        $this->assertSame(2, TestBroker::count($this->channel, TestBroker::INBOUND));

        [$code, $output] = $this->runTester(['--test=02', '--consume']);
        $this->assertSame(0, $code, $output);
        $this->assertStringContainsString('"id": "1201"', $output);
        $this->assertSame(0, TestBroker::count($this->channel, TestBroker::INBOUND));
        Eventually::value(function () { return TestBroker::count($this->channel, TestBroker::INBOUND_DEAD) === 1; }, 10, 'the dead letter');
    }

    public function testTest05ShowsWhyEachMessageWasSetAsideAndLeavesThemQueued(): void
    {
        TestBroker::publishInbound($this->channel, TestBroker::kiamoMessage('1301', ['accountId' => '5678']), 'bad-1301', '5678');
        TestBroker::publishInbound($this->channel, 'not JSON', 'bad-1302');
        TestConnector::make()->fetch(TestConnector::nextBag());
        // The broker dead-letters a rejected message on its own time: wait for both.
        Eventually::value(function () { return TestBroker::count($this->channel, TestBroker::INBOUND_DEAD) === 2; }, 10, 'two dead letters');

        [$code, $output] = $this->runTester(['--test=05']);
        $this->assertSame(0, $code, $output);
        $this->assertMatchesRegularExpression("/^message_id=bad-1301 routing_key=inbound.5678 set aside \\d{4}-\\d\\d-\\d\\d .* \\[foreign_account\\] The Kiamo message's accountId '5678'/m", $output);
        $this->assertMatchesRegularExpression('/^message_id=bad-1302 .*\\[invalid_json\\]/m', $output);
        $this->assertStringContainsString('2 message(s) shown, all left in the queue', $output);
        $this->assertSame(2, TestBroker::count($this->channel, TestBroker::INBOUND_DEAD));

        // Once the account is accepted, the tester says the message can go back.
        [, $output] = $this->runTester(['--test=05'], ['KIAMO_TWITTER_USER_IDS' => '5678']);
        $this->assertMatchesRegularExpression("/^message_id=bad-1301 .*\\[valid_now\\]/m", $output);
    }

    public function testTest03SendsACommand(): void
    {
        [$code, $output] = $this->runTester(['--test=03', '--to=906948460078698496', '--text=Bonjour "Jane" ✓']);
        $this->assertSame(0, $code, $output);
        $queued = TestBroker::drain($this->reader(), TestBroker::SEND);
        $this->assertCount(1, $queued);
        $this->assertSame(['to' => ['id' => '906948460078698496'], 'content' => 'Bonjour "Jane" ✓'],
            array_intersect_key(json_decode($queued[0]->getBody(), true), ['to' => 0, 'content' => 0]));
        $this->assertStringContainsString('Command ' . $queued[0]->get('message_id') . ' confirmed on send.1234', $output);

        [$code, $output] = $this->runTester(['--test=03']);
        $this->assertSame(1, $code);
        $this->assertStringContainsString('--to=', $output);
    }

    public function testTest03AttachesAUrlOrAPath(): void
    {
        [$code, $output] = $this->runTester(['--test=03', '--to=906948460078698496', '--text=', '--attach=https://cdn.example.com/p.jpg']);
        $this->assertSame(0, $code, $output);
        [$code, $output] = $this->runTester(['--test=03', '--to=906948460078698496', '--attach=replies/invoice.pdf']);
        $this->assertSame(0, $code, $output);
        [$code, $output] = $this->runTester(['--test=03', '--to=906948460078698496', '--attach=']);
        $this->assertSame(1, $code, $output);
        $this->assertStringContainsString('KO [invalid_task] Message task refused, nothing was sent: attachments[0].path is empty.', $output);

        $bodies = array_map(function ($m) { return json_decode($m->getBody(), true); }, TestBroker::drain($this->reader(), TestBroker::SEND));
        $this->assertCount(2, $bodies);
        $this->assertSame(['', [['url' => 'https://cdn.example.com/p.jpg']]], [$bodies[0]['content'], $bodies[0]['attachments']]);
        $this->assertSame([['path' => 'replies/invoice.pdf']], $bodies[1]['attachments']);
    }

    public function testTest04SeesTheCommandRoutedAndSaysWhenNoWorkerReports(): void
    {
        [$code, $output] = $this->runTester(['--test=04', '--to=906948460078698496', '--wait=0.3']);
        $this->assertSame(0, $code, $output);
        $this->assertStringContainsString('Command routed on send.1234', $output);
        $this->assertStringContainsString('No delivery report within 0.3 s : are the workers running?', $output);
        $this->assertSame(1, TestBroker::count($this->channel, TestBroker::SEND));
    }

    public function testTest04ShowsTheDeliveryReportOfARunningDispatch(): void
    {
        $dispatch = proc_open([PHP_BINARY, __DIR__ . '/../support/fake-dispatch.php'], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null,
            ['KIAMO_TEST_AMQP_URL' => TestBroker::url(), 'PATH' => getenv('PATH') ?: '/usr/bin:/bin']);

        [$code, $output] = $this->runTester(['--test=04', '--to=906948460078698496', '--wait=10']);
        $commandId = trim(stream_get_contents($pipes[1]));
        $dispatchErrors = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $this->assertSame(0, proc_close($dispatch), $dispatchErrors);

        $this->assertSame(0, $code, $output);
        $this->assertMatchesRegularExpression('/^Command ' . $commandId . ' confirmed by the broker$/m', $output);
        $this->assertStringContainsString('Delivery report on report.1234.sent : {"commandId":"' . $commandId . '","status":"sent"', $output);
    }
}
