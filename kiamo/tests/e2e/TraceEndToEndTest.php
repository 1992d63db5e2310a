<?php
namespace KiamoTwitter\Tests\E2E;

use KiamoTwitter\Tests\Support\ChildProcess;
use KiamoTwitter\Tests\Support\E2ETestCase;
use KiamoTwitter\Tests\Support\Emulator;
use KiamoTwitter\Tests\Support\Eventually;

/**
 * One conversation turn, one trace: a customer's DM, read by the real ingest worker, handed to
 * Kiamo by fetch(), answered by send(), posted by the real dispatch worker. Both workers export to
 * a real OTLP/HTTP receiver (scripts/otlp-receiver, which decodes every body with the official
 * OpenTelemetry protobuf definitions), and the test finds the one trace holding the DM's read, its
 * publish, the command's handling and the reply's post, each the child of the one before.
 */
final class TraceEndToEndTest extends E2ETestCase
{
    /** @var string */
    private $spansFile;
    /** @var int */
    private $receiverPort;

    protected function setUp(): void
    {
        parent::setUp();
        $this->spansFile = $this->folder . '/spans.jsonl';
        $portFile = $this->folder . '/otlp.port';
        $receiver = ChildProcess::start('otlp-receiver', [dirname(__DIR__, 3) . '/scripts/otlp-receiver', '--port-file', $portFile, '--spans', $this->spansFile],
                                        ['PATH' => getenv('PATH') ?: '/usr/bin:/bin'], $this->folder . '/otlp-receiver.log');
        $this->adopt($receiver);
        $this->receiverPort = (int)Eventually::value(function () use ($portFile) {
            return is_file($portFile) ? trim((string)file_get_contents($portFile)) : null;
        }, 20.0, function () use ($receiver) { return 'the OTLP receiver to listen: ' . $receiver->outputTail(); });
    }

    /** @return array[] every span the receiver decoded so far */
    private function spans(): array
    {
        if (!is_file($this->spansFile)) return [];
        $spans = [];
        foreach (file($this->spansFile, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
            $spans[] = json_decode($line, true, 64, JSON_THROW_ON_ERROR);
        }
        return $spans;
    }

    private function stats(): array
    {
        return json_decode((string)file_get_contents('http://127.0.0.1:' . $this->receiverPort . '/stats'), true, 8, JSON_THROW_ON_ERROR);
    }

    public function testOneTraceFollowsACustomersDMThroughKiamoToTheReplysDM(): void
    {
        $tracing = ['KIAMO_TWITTER_TRACING_ENDPOINT' => 'http://127.0.0.1:' . $this->receiverPort];
        $jane = $this->emulator->addUser('Jane Doe', 'janedoe');
        $this->startIngest($tracing);
        $this->startDispatch($tracing);
        $connector = $this->connector(['KIAMO_TWITTER_TRACE_CONTEXT_FILE' => $this->folder . '/trace-contexts.json']);

        $questionText = 'Where is my parcel? It was due on Monday.';
        $replyText = 'It left the depot this morning, Jane.';
        $question = $this->emulator->postDM($jane, $questionText);
        $this->fetchUntil($connector, $question['id']);
        $connector->send(['to' => ['id' => $jane], 'content' => $replyText]);
        $commandId = $connector->_msgManager->lastCommand['id'];
        $report = $this->waitForReports([$commandId])[$commandId];
        $sent = $this->emulator->sent();
        $this->assertCount(1, $sent);

        // The workers export every second; the turn's last spans end after the report.
        $find = function (array $spans, string $name, array $attributes = []) {
            foreach ($spans as $span) {
                if ($span['name'] === $name && array_intersect_assoc($attributes, $span['attributes']) == $attributes) return $span;
            }
            return null;
        };
        $spans = Eventually::value(function () use ($find) {
            $spans = $this->spans();
            return $find($spans, 'X sendDM') !== null && $find($spans, 'dispatch send command') !== null ? $spans : null;
        }, 20.0, function () { return 'the dispatch spans at the receiver; it has ' . json_encode(array_column($this->spans(), 'name')) . ', stats ' . json_encode($this->stats()); });

        $turn = $find($spans, 'ingest DM', ['x.dm_event.id' => $question['id']]);
        $this->assertNotNull($turn, 'the DM has its ingest span: ' . json_encode($spans));
        $this->assertSame('kiamo-twitter-ingest', $turn['service']);
        $this->assertSame('', $turn['parentSpanId'], 'the turn begins with the DM');
        $trace = array_values(array_filter($spans, function ($span) use ($turn) { return $span['traceId'] === $turn['traceId']; }));
        $byName = [];
        foreach ($trace as $span) $byName[$span['name']][] = $span;

        $read = $byName['X listDMEvents'][0] ?? null;
        $publish = $byName['publish kiamo.message'][0] ?? null;
        $command = $byName['dispatch send command'][0] ?? null;
        $post = $byName['X sendDM'][0] ?? null;
        foreach (['X listDMEvents' => $read, 'publish kiamo.message' => $publish, 'dispatch send command' => $command, 'X sendDM' => $post] as $name => $span) {
            $this->assertNotNull($span, "the trace of the DM holds '$name': " . json_encode($trace));
            $this->assertCount(1, $byName[$name], "one '$name' in the turn");
        }
        $this->assertSame($turn['spanId'], $read['parentSpanId'], 'the X read is a child of the turn');
        $this->assertSame($turn['spanId'], $publish['parentSpanId'], 'the publish is a child of the turn');
        $this->assertSame($publish['spanId'], $command['parentSpanId'], 'the reply\'s command continues from the Kiamo message, through the connector');
        $this->assertSame($command['spanId'], $post['parentSpanId'], 'the DM post is a child of the command');
        $claim = $byName['claim send ledger'][0] ?? null;
        $reportPublish = $byName['publish kiamo.report'][0] ?? null;
        $this->assertNotNull($claim, 'the ledger claim is in the turn: ' . json_encode(array_keys($byName)));
        $this->assertNotNull($reportPublish, 'the report\'s publish is in the turn: ' . json_encode(array_keys($byName)));
        $this->assertSame([$command['spanId'], 'claimed'], [$claim['parentSpanId'], $claim['attributes']['kiamo.claim']]);
        $this->assertSame($command['spanId'], $reportPublish['parentSpanId']);
        $headers = $report->get('application_headers')->getNativeData();
        $this->assertSame('00-' . $turn['traceId'] . '-' . $reportPublish['spanId'] . '-01', $headers['traceparent'] ?? null,
                          'the delivery report carries the turn on, for whoever reads the reports');
        $this->assertSame('kiamo-twitter-dispatch', $command['service']);
        $this->assertSame($commandId, $command['attributes']['kiamo.command.id']);
        $this->assertSame('ok', $post['attributes']['x.status']);
        $this->assertArrayHasKey('x.rate_limit.remaining', $post['attributes']);
        $this->assertSame(5, $turn['kind'], 'the turn: consumer');
        $this->assertSame(4, $publish['kind'], 'the publish: producer');
        $this->assertSame(3, $post['kind'], 'the X call: client');
        $this->assertLessThanOrEqual($publish['start'], $turn['start'], 'the turn starts with the X read');

        // Never the texts, never a credential, in any span.
        $everything = file_get_contents($this->spansFile);
        foreach ([$questionText, $replyText, Emulator::CONSUMER_SECRET, Emulator::ACCESS_TOKEN, Emulator::ACCESS_TOKEN_SECRET] as $secret) {
            $this->assertStringNotContainsString($secret, $everything);
        }
        $stats = $this->stats();
        $this->assertSame(0, $stats['refused'], 'every export is a valid OTLP request: ' . $stats['lastError']);
    }
}
