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
        $dir = TestConnector::tempDir('logger');
        $logger = new TwitterQueueLogger($dir, 'TwitterQueueConnector', TwitterQueueLogger::LOG_INFO, 'Europe/Paris');
        $logger->log('Fetched 3 message(s)', TwitterQueueLogger::LOG_INFO, 'UserFiles\Messaging\Connector\TwitterQueueConnector::fetch');
        $logger->log('too detailed', TwitterQueueLogger::LOG_DEBUG, 'x');
        $logger->log("first line\nsecond line", TwitterQueueLogger::LOG_ERROR, 'TwitterQueueConnector::send');

        $today = (new \DateTime('now', new \DateTimeZone('Europe/Paris')))->format('Ymd');
        $file = $dir . '/TwitterQueueConnector/' . $today . '.log';
        $this->assertSame($file, $logger->getLogFile());
        $lines = explode("\r\n", rtrim(file_get_contents($file), "\r\n"));
        $this->assertCount(2, $lines);
        $this->assertMatchesRegularExpression('/^\[' . $today . '_\d{6}\]\[INFO \]\[TwitterQueueConnector::fetch {22}\] Fetched 3 message\(s\)$/', $lines[0]);
        $this->assertMatchesRegularExpression('/^\[\d{8}_\d{6}\]\[ERROR\]\[TwitterQueueConnector::send {23}\] first line \| second line$/', $lines[1]);
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
