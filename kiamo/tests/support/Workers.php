<?php
/*
 * The Swift workers (kiamo-twitter-ingest, kiamo-twitter-dispatch) as child processes, configured
 * the way the main README documents for a container: environment variables only, no file.
 */
namespace KiamoTwitter\Tests\Support;

final class Workers
{
    /** What the ingest worker logs when it starts polling (it declared the topology before). */
    public const INGEST_READY = 'polling as the active ingest process';
    /** What the dispatch worker logs once its consumer runs (it declared the topology before). */
    public const DISPATCH_READY = 'dispatch started';

    /**
     * The environment of both workers of one test: the test broker, the private $exchange (queue
     * names derive from it), a state file in $folder, the emulator as X with its account, a quick
     * poll, a backfill so DMs written before the first poll are published, metrics off.
     */
    public static function environment(string $exchange, string $folder, Emulator $emulator): array
    {
        return [
            'KIAMO_TWITTER_CONFIG' => '',
            'KIAMO_TWITTER_AMQP_URL' => TestBroker::url(),
            'KIAMO_TWITTER_AMQP_EXCHANGE' => $exchange,
            'KIAMO_TWITTER_STATE_URL' => 'sqlite://' . $folder . '/state.db',
            'KIAMO_TWITTER_API_BASE_URL' => $emulator->baseUrl(),
            'KIAMO_TWITTER_USER_ID' => Emulator::ACCOUNT_ID,
            'KIAMO_TWITTER_CONSUMER_KEY' => Emulator::CONSUMER_KEY,
            'KIAMO_TWITTER_CONSUMER_SECRET' => Emulator::CONSUMER_SECRET,
            'KIAMO_TWITTER_OAUTH_TOKEN' => Emulator::ACCESS_TOKEN,
            'KIAMO_TWITTER_OAUTH_TOKEN_SECRET' => Emulator::ACCESS_TOKEN_SECRET,
            'KIAMO_TWITTER_POLL_INTERVAL' => '200ms',
            'KIAMO_TWITTER_BACKFILL' => '1h',
            'KIAMO_TWITTER_HTTP_PORT' => '0',
            'KIAMO_TWITTER_LOG_LEVEL' => 'debug',
        ];
    }

    /**
     * Starts $product (Products::INGEST or ::DISPATCH) with exactly $variables over the inherited
     * environment, its output in a file of its own ($folder/<product>.log, then <product>-2.log for
     * a second process: the ready line of an earlier one must not count), and returns once it logs
     * $readyLine.
     */
    public static function start(string $product, array $variables, string $folder, string $readyLine): ChildProcess
    {
        $log = $folder . '/' . $product . '.log';
        for ($n = 2; file_exists($log); $n++) {
            $log = $folder . '/' . $product . '-' . $n . '.log';
        }
        // The workers mask the broker password themselves; the X credentials are masked here too.
        $secrets = [];
        foreach (['KIAMO_TWITTER_CONSUMER_SECRET', 'KIAMO_TWITTER_OAUTH_TOKEN', 'KIAMO_TWITTER_OAUTH_TOKEN_SECRET'] as $name) {
            $secrets[] = $variables[$name] ?? '';
        }
        $process = ChildProcess::start($product, [Products::executable($product)], Products::environment($variables), $log, $secrets);
        try {
            $process->waitForLine($readyLine, 30.0);
        } catch (\Throwable $e) {
            $process->stop();
            throw $e;
        }
        return $process;
    }
}
