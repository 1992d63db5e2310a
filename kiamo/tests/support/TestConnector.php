<?php
/*
 * Builds the connector the way Kiamo does (new TwitterQueueConnector(new ConnectorConfiguration)),
 * pointed at the test broker through the same KIAMO_TWITTER_* variables an operator would set, and
 * plays Kiamo's part between two fetches: a new bag that carries the parameters of the last one.
 */
namespace KiamoTwitter\Tests\Support;

use Kiamo\Admin\Utility\Messaging\ConnectorConfiguration;
use Kiamo\Admin\Utility\Messaging\ParameterBag;
use UserFiles\Messaging\Connector\TwitterQueueConnector;

final class TestConnector
{
    public const ACCOUNT_ID = '1234';

    /** A fresh temporary folder (removed at the end of the run). */
    public static function tempDir(string $prefix): string
    {
        $base = getenv('KIAMO_TEST_WORK_DIR') ?: sys_get_temp_dir();
        $dir = $base . DIRECTORY_SEPARATOR . $prefix . '-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($dir, 0775, true);
        register_shutdown_function(static function () use ($dir) { self::removeTree($dir); });
        return $dir;
    }

    /** The environment an operator would set to reach the test broker, plus $overrides. */
    public static function environment(array $overrides = []): array
    {
        return array_merge([
            'KIAMO_TWITTER_AMQP_URL' => TestBroker::url(),
            'KIAMO_TWITTER_ACCOUNT_ID' => self::ACCOUNT_ID,
            'KIAMO_TWITTER_LOG_PATH' => self::tempDir('kiamo-connector-logs'),
            'KIAMO_TWITTER_LOG_LEVEL' => 'DEBUG',
            'KIAMO_TWITTER_AMQP_CONNECTION_TIMEOUT' => '2',
            'KIAMO_TWITTER_AMQP_READ_WRITE_TIMEOUT' => '5',
        ], $overrides);
    }

    public static function make(array $overrides = []): TwitterQueueConnector
    {
        return new TwitterQueueConnector(new ConnectorConfiguration(), self::environment($overrides));
    }

    /** A connector that needs no broker (unit tests): the broker URL is a placeholder. */
    public static function offline(array $overrides = []): TwitterQueueConnector
    {
        return new TwitterQueueConnector(new ConnectorConfiguration(), array_merge([
            'KIAMO_TWITTER_AMQP_URL' => 'amqp://guest:guest@127.0.0.1:1/',
            'KIAMO_TWITTER_ACCOUNT_ID' => self::ACCOUNT_ID,
            'KIAMO_TWITTER_LOG_PATH' => self::tempDir('kiamo-connector-logs'),
        ], $overrides));
    }

    /** What Kiamo hands to the next fetch: a new bag carrying the parameters it persisted. */
    public static function nextBag(?ParameterBag $previous = null): ParameterBag
    {
        return new ParameterBag('TwitterQueueConnector', $previous === null ? [] : $previous->getParameters());
    }

    /** Today's log of $connector, or '' when nothing was written. */
    public static function logOf(TwitterQueueConnector $connector): string
    {
        $file = $connector->logger->getLogFile();
        return is_file($file) ? (string)file_get_contents($file) : '';
    }

    private static function removeTree(string $dir): void
    {
        if (!is_dir($dir)) {
            return;
        }
        $items = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS), \RecursiveIteratorIterator::CHILD_FIRST);
        foreach ($items as $item) {
            $item->isDir() ? @rmdir($item->getPathname()) : @unlink($item->getPathname());
        }
        @rmdir($dir);
    }
}
