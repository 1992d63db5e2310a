<?php
namespace KiamoTwitter\Tests\E2E;

use KiamoTwitter\Tests\Support\E2ETestCase;
use KiamoTwitter\Tests\Support\Emulator;
use KiamoTwitter\Tests\Support\Eventually;
use KiamoTwitter\Tests\Support\TestBroker;
use KiamoTwitter\Tests\Support\TestConnector;

/**
 * Customers write DMs in the X emulator; the real ingest worker polls it and publishes; the
 * connector's fetch() hands them to Kiamo: exact fields, each once across fetches, never the
 * account's own DMs.
 */
final class IngestToFetchTest extends E2ETestCase
{
    /** The five fields Kiamo's addMessage gets for $dm (the emulator's answer) from $sender. */
    private static function kiamoMessage(array $dm, array $sender, string $text): array
    {
        return [
            'id' => $dm['id'],
            'createdAt' => (new \DateTimeImmutable($dm['createdAt']))->getTimestamp(),
            'senderId' => $sender['id'],
            'senderName' => $sender['name'] . '@' . $sender['username'],
            'content' => $text,
        ];
    }

    public function testCustomersDMsComeOutOfFetchWithTheExactKiamoFieldsEachOnceAndNeverTheAccountsOwn(): void
    {
        $customers = [];
        foreach ([
            'jane' => ['Jane "JD" Doe', 'janedoe'],
            'sara' => ['سارة الأحمد', 'sara_rtl'],
            'zoe' => ["Zoë O'Brien 👋🏽", 'zoe_ob'],
        ] as $key => [$name, $username]) {
            $customers[$key] = ['id' => $this->emulator->addUser($name, $username), 'name' => $name, 'username' => $username];
        }
        $expected = [];
        $own = [];
        $write = function (string $who, string $text) use ($customers, &$expected) {
            $expected[] = self::kiamoMessage($this->emulator->postDM($customers[$who]['id'], $text), $customers[$who], $text);
        };
        $reply = function (string $who, string $text) use ($customers, &$own) {
            $own[] = $this->emulator->postDM(Emulator::ACCOUNT_ID, $text, $customers[$who]['id'])['id'];
        };

        // Before the ingest worker starts: its backfill (1h) must publish these.
        $write('jane', "He said \"where is my order?\"\nand then: 'still nothing'");
        $reply('jane', 'Let me check, Jane.');
        $write('sara', 'مرحبا، طلبي رقم ٤٥ لم يصل بعد. هل يمكنكم المساعدة؟');
        $write('zoe', "Emoji 👋🏽 👨‍👩‍👧 ✓, a tab\there, a backslash \\ and {\"not\": \"json\"}");
        $this->startIngest();
        // While it polls.
        $reply('sara', 'سنتحقق من ذلك، شكرا.');
        $write('jane', "Line one\n\nLine three <b>not html</b> &amp; & done");
        $write('sara', "עברית and العربية mixed with English \u{200F}(RLM)\u{200E} end");
        $write('zoe', '🙂');

        // Kiamo fetches two at a time, carrying its bag's parameters from one fetch to the next.
        $connector = $this->connector(['KIAMO_TWITTER_FETCH_BATCH_SIZE' => '2']);
        [$fetched, $calls, $bag] = $this->fetchUntil($connector, null, count($expected));
        $this->assertGreaterThanOrEqual(3, $calls, 'six messages at two per fetch take at least three fetches');

        // A last DM: by the time it comes out, the ingest has polled again, re-reading the others
        // (its overlap goes back two minutes) and dropping them as already published.
        $write('jane', 'Thanks, bye!');
        [$after, , $bag] = $this->fetchUntil($connector, end($expected)['id'], 0, $bag);
        $fetched = array_merge($fetched, $after);
        $fetched = array_merge($fetched, $connector->fetch(TestConnector::nextBag($bag))->getMessages());

        $this->assertSame($expected, $fetched, 'every customer DM once, in the order written, with exactly the five Kiamo fields');
        foreach ($fetched as $message) {
            $this->assertSame(['id', 'createdAt', 'senderId', 'senderName', 'content'], array_keys($message));
            $this->assertIsInt($message['createdAt']);
        }
        $this->assertSame([], array_values(array_intersect($own, array_column($fetched, 'id'))), "the account's own DMs never reach Kiamo");
        $this->assertSame(0, TestBroker::count($this->brokerChannel(), $this->queue('inbound')), 'nothing left in the inbound queue');
        $this->assertSame(0, TestBroker::count($this->brokerChannel(), $this->queue('inbound.dead')), 'nothing set aside as invalid');
    }

    public function testDMsAnIngestWithLostStatePublishesAgainComeOutOfFetchOnlyOnce(): void
    {
        $jane = $this->emulator->addUser('Jane Doe', 'janedoe');
        $first = $this->emulator->postDM($jane, 'First question');
        $second = $this->emulator->postDM($jane, "Second question,\non two lines");
        $ingest = $this->startIngest();
        $connector = $this->connector();
        [$fetched, , $bag] = $this->fetchUntil($connector, $second['id']);
        $this->assertSame([$first['id'], $second['id']], array_column($fetched, 'id'));
        $this->assertSame('exit 0', $ingest->stop(), 'the ingest worker stops gracefully on SIGTERM');

        // A new ingest on a new state file (its ledger lost) publishes the backfill again, same ids.
        $this->startIngest(['KIAMO_TWITTER_STATE_URL' => 'sqlite://' . $this->folder . '/lost-state.db']);
        $inbound = $this->queue('inbound');
        Eventually::value(function () use ($inbound) {
            return TestBroker::count($this->brokerChannel(), $inbound) === 2;
        }, 20.0, 'the new ingest worker to publish both DMs again');
        $third = $this->emulator->postDM($jane, 'Third question');

        // Kiamo's bag remembers what it was given: the repeats leave the queue without reaching it.
        [$after] = $this->fetchUntil($connector, $third['id'], 0, $bag);
        $this->assertSame([$third['id']], array_column($after, 'id'), 'the repeated DMs are not handed to Kiamo again');
        $this->assertSame(0, TestBroker::count($this->brokerChannel(), $inbound), 'the repeats were taken off the queue');
        $this->assertSame(0, TestBroker::count($this->brokerChannel(), $this->queue('inbound.dead')), 'nothing set aside as invalid');
    }
}
