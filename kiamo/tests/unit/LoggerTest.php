<?php
namespace KiamoTwitter\Tests\Unit;

use KiamoTwitter\Tests\Support\TestConnector;
use PHPUnit\Framework\TestCase;
use UserFiles\Messaging\Connector\TwitterQueueLogger;

/** Daily log files in the original sample's format. */
final class LoggerTest extends TestCase
{
    public function testLinesFollowTheOriginalFormatInADailyFilePerConnector(): void
    {
        // A clock of our own: the file and the line name the same day whenever the test runs,
        // one second before midnight in Paris included.
        $now = (new \DateTime('2026-11-29 23:59:59', new \DateTimeZone('Europe/Paris')))->getTimestamp();
        $dir = TestConnector::tempDir('logger');
        $logger = new TwitterQueueLogger($dir, 'TwitterQueueConnector', TwitterQueueLogger::LOG_INFO, 'Europe/Paris', function () use (&$now) { return $now; });
        $logger->log('Fetched 3 message(s)', TwitterQueueLogger::LOG_INFO, 'UserFiles\Messaging\Connector\TwitterQueueConnector::fetch');
        $logger->log('too detailed', TwitterQueueLogger::LOG_DEBUG, 'x');
        $logger->log("first line\nsecond line", TwitterQueueLogger::LOG_ERROR, 'TwitterQueueConnector::send');

        $file = $dir . '/TwitterQueueConnector/20261129.log';
        $this->assertSame($file, $logger->getLogFile());
        $lines = explode("\r\n", rtrim(file_get_contents($file), "\r\n"));
        $this->assertCount(2, $lines);
        $this->assertSame('[20261129_235959][INFO ][TwitterQueueConnector::fetch' . str_repeat(' ', 22) . '] Fetched 3 message(s)', $lines[0]);
        $this->assertSame('[20261129_235959][ERROR][TwitterQueueConnector::send' . str_repeat(' ', 23) . '] first line | second line', $lines[1]);
    }

    public function testAtMidnightTheNextLineGoesToTheNextDaysFile(): void
    {
        $now = (new \DateTime('2026-11-29 23:59:59', new \DateTimeZone('UTC')))->getTimestamp();
        $dir = TestConnector::tempDir('logger');
        $logger = new TwitterQueueLogger($dir, 'TwitterQueueConnector', TwitterQueueLogger::LOG_INFO, 'UTC', function () use (&$now) { return $now; });
        $logger->log('before', TwitterQueueLogger::LOG_INFO, 'm');
        $now += 1;
        $logger->log('after', TwitterQueueLogger::LOG_INFO, 'm');

        $this->assertStringEndsWith('/20261130.log', $logger->getLogFile());
        $this->assertStringContainsString('[20261129_235959]', file_get_contents($dir . '/TwitterQueueConnector/20261129.log'));
        $this->assertStringContainsString('[20261130_000000]', file_get_contents($dir . '/TwitterQueueConnector/20261130.log'));
    }

    public function testAnUnwritableLogFolderNeverBreaksTheCaller(): void
    {
        $logger = new TwitterQueueLogger('/proc/nonexistent/logs', 'TwitterQueueConnector', TwitterQueueLogger::LOG_ALL, 'UTC');
        $previous = ini_set('error_log', '/dev/null');
        try {
            $logger->log('lost, and that is fine', TwitterQueueLogger::LOG_ERROR, 'm');
        } finally {
            ini_set('error_log', (string)$previous);
        }
        $this->assertFileDoesNotExist($logger->getLogFile());
    }

    public function testLevelsParseFromNamesAndNumbers(): void
    {
        $this->assertSame(TwitterQueueLogger::LOG_DEBUG, TwitterQueueLogger::parseLevel('debug'));
        $this->assertSame(TwitterQueueLogger::LOG_WARN, TwitterQueueLogger::parseLevel('WARNING'));
        $this->assertSame(7, TwitterQueueLogger::parseLevel('7'));
        $this->assertSame(5, TwitterQueueLogger::parseLevel(5));
        $this->assertNull(TwitterQueueLogger::parseLevel('LOUD'));
        $this->assertNull(TwitterQueueLogger::parseLevel(12));
    }
}
