<?php
namespace KiamoTwitter\Tests\E2E;

use KiamoTwitter\Tests\Support\E2ETestCase;
use KiamoTwitter\Tests\Support\TestBroker;

/**
 * A cluster's node list [dead port, live broker] given to everything that talks to the broker:
 * the real ingest and dispatch workers and the connector. A customer's DM reaches fetch(), the
 * agent's reply is posted once and reported; then the broker drops the workers' connections,
 * they come back through the list (past the dead node), and the next DM and reply flow as well.
 */
final class NodeListEndToEndTest extends E2ETestCase
{
    public function testWorkersAndConnectorOnANodeListWithADeadNodeCarryDMsAndRepliesAcrossADroppedConnection(): void
    {
        $p = TestBroker::parts();
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $dead = (int)substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        $live = $p['host'] . ':' . $p['port'];
        $url = 'amqp://' . rawurlencode($p['user']) . ':' . rawurlencode($p['password']) . '@127.0.0.1:' . $dead . ',' . $live . '/' . rawurlencode($p['vhost']);
        $service = 'nodelist-' . bin2hex(random_bytes(3));
        $environment = ['KIAMO_TWITTER_AMQP_URL' => $url, 'KIAMO_TWITTER_SERVICE' => $service];
        $ingest = $this->startIngest($environment);
        $dispatch = $this->startDispatch($environment);
        foreach ([$ingest, $dispatch] as $worker) {
            $this->assertStringContainsString('node ' . $live, $worker->waitForLine('connected to the broker', 5.0));
        }
        $connector = $this->connector(['KIAMO_TWITTER_AMQP_URL' => $url]);
        $jane = $this->emulator->addUser('Jane Doe', 'janedoe');

        $replies = [];
        foreach (['before', 'after'] as $round) {
            if ($round === 'after') {
                $this->assertSame(2, $this->closeConnectionsOf($service), 'the two workers\' connections');
                foreach ([$ingest, $dispatch] as $worker) {
                    $this->assertStringContainsString('node ' . $live, $worker->waitForLine('reconnected to the broker', 30.0));
                }
            }
            $question = $this->emulator->postDM($jane, "Where is my order? ($round)");
            [$fetched] = $this->fetchUntil($connector, $question['id'], 0, null, 30.0);
            $this->assertSame([$question['id']], array_column($fetched, 'id'));
            $text = "On its way ($round)";
            $connector->send(['to' => ['id' => $jane], 'content' => $text]);
            $replies[] = $text;
            $this->waitForReports([$connector->_msgManager->lastCommand['id']], 30.0);
        }
        $this->assertSame($replies, array_column($this->emulator->sent(), 'text'), 'each reply posted once, in order');
    }

    /** Closes, with rabbitmqctl, the broker connections whose name holds $service; returns how many. */
    private function closeConnectionsOf(string $service): int
    {
        $dir = getenv('KIAMO_TEST_BROKER_DIR');
        $this->assertNotFalse($dir, 'KIAMO_TEST_BROKER_DIR is needed to close connections with rabbitmqctl');
        $ctl = escapeshellarg(dirname(__DIR__, 3) . '/scripts/test-broker') . ' ctl ' . escapeshellarg((string)$dir) . ' ';
        exec($ctl . 'list_connections pid client_properties --quiet --no-table-headers 2>&1', $lines, $status);
        $this->assertSame(0, $status, implode("\n", $lines));
        $closed = 0;
        foreach ($lines as $line) {
            if (!str_contains($line, $service)) continue;
            $pid = preg_split('/\s+/', trim($line))[0];
            exec($ctl . 'close_connection ' . escapeshellarg($pid) . ' ' . escapeshellarg('node list test') . ' 2>&1', $out, $status);
            $this->assertSame(0, $status, implode("\n", $out));
            $closed++;
        }
        return $closed;
    }
}
