<?php
namespace KiamoTwitter\Tests\Unit;

use PHPUnit\Framework\TestCase;
use UserFiles\Messaging\Connector\TwitterQueueTraceContexts;

/** Each customer's last traceparent, from fetch() to the reply's send(). */
final class TraceContextsTest extends TestCase
{
    private const PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    private const OTHER = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';

    /** @var string */
    private $folder;

    protected function setUp(): void
    {
        $this->folder = sys_get_temp_dir() . '/kiamo-trace-' . bin2hex(random_bytes(4));
    }

    protected function tearDown(): void
    {
        foreach (glob($this->folder . '/*/*') ?: [] as $file) unlink($file);
        foreach (glob($this->folder . '/*') ?: [] as $dir) is_dir($dir) ? rmdir($dir) : unlink($dir);
        if (is_dir($this->folder)) rmdir($this->folder);
    }

    private function store(int $keepFor = 3600, int $keep = 100): TwitterQueueTraceContexts
    {
        return new TwitterQueueTraceContexts($this->folder . '/connector/trace-contexts.json', $keepFor, $keep);
    }

    public function testAW3CTraceparentAndItsStateAreReadFromTheHeaders(): void
    {
        $this->assertSame([self::PARENT, 'vendor=abc'], TwitterQueueTraceContexts::fromHeaders(['traceparent' => self::PARENT, 'tracestate' => 'vendor=abc', 'x-account-id' => '1234']));
        $this->assertSame([self::PARENT, null], TwitterQueueTraceContexts::fromHeaders(['traceparent' => self::PARENT]));
        $this->assertSame(['traceparent' => self::PARENT, 'tracestate' => 'vendor=abc'], TwitterQueueTraceContexts::toHeaders([self::PARENT, 'vendor=abc']));
        $this->assertSame(['traceparent' => self::PARENT], TwitterQueueTraceContexts::toHeaders([self::PARENT, null]));
        $this->assertSame([], TwitterQueueTraceContexts::toHeaders(null));
    }

    public function malformed(): array
    {
        return [
            'absent' => [[]],
            'not a string' => [['traceparent' => 42]],
            'upper-case hex' => [['traceparent' => strtoupper(self::PARENT)]],
            'short span id' => [['traceparent' => '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902-01']],
            'a line break' => [['traceparent' => self::PARENT . "\n"]],
        ];
    }

    /** @dataProvider malformed */
    public function testAnythingElseIsNoTraceContext(array $headers): void
    {
        $this->assertNull(TwitterQueueTraceContexts::fromHeaders($headers));
    }

    public function testAStateTooLongOrWithControlCharactersIsDroppedAndTheParentKept(): void
    {
        $this->assertSame([self::PARENT, null], TwitterQueueTraceContexts::fromHeaders(['traceparent' => self::PARENT, 'tracestate' => str_repeat('a', 513)]));
        $this->assertSame([self::PARENT, null], TwitterQueueTraceContexts::fromHeaders(['traceparent' => self::PARENT, 'tracestate' => "a=b\r\nx"]));
    }

    public function testEachCustomersLatestIsKeptForTheReplyAndForgottenAfterItsTime(): void
    {
        $store = $this->store(600);
        $this->assertNull($store->lookup('906948460078698496', 1000), 'no file yet: no context');
        $store->remember(['906948460078698496' => [self::OTHER, null], '77' => [self::OTHER, 'v=1']], 1000);
        $store->remember(['906948460078698496' => [self::PARENT, 'vendor=abc']], 1100);
        $this->assertSame([self::PARENT, 'vendor=abc'], $store->lookup('906948460078698496', 1200), 'the latest message of the customer');
        $this->assertSame([self::OTHER, 'v=1'], $this->store(600)->lookup('77', 1200), 'another process reads the same file');
        $this->assertNull($store->lookup('77', 1601), 'past rememberedFor');
        $this->assertNull($store->lookup('404', 1200));
    }

    public function testAtMostTheBoundIsKeptTheOldestGoingFirst(): void
    {
        $store = $this->store(3600, 2);
        $store->remember(['1' => [self::PARENT, null]], 100);
        $store->remember(['2' => [self::PARENT, null]], 200);
        $store->remember(['3' => [self::OTHER, null]], 300);
        $this->assertNull($store->lookup('1', 300));
        $this->assertSame([self::PARENT, null], $store->lookup('2', 300));
        $this->assertSame([self::OTHER, null], $store->lookup('3', 300));
    }

    public function testADamagedFileIsAFreshStartNotAnError(): void
    {
        mkdir($this->folder . '/connector', 0777, true);
        file_put_contents($this->folder . '/connector/trace-contexts.json', '{"1": ["not a traceparent", null, 5], "2": "x", oops');
        $store = $this->store();
        $this->assertNull($store->lookup('1', 10));
        $store->remember(['3' => [self::PARENT, null]], 10);
        $this->assertSame([self::PARENT, null], $store->lookup('3', 10));
    }
}
