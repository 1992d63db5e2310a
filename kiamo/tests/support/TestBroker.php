<?php
/*
 * The private test broker, seen from PHP: connection from KIAMO_TEST_AMQP_URL (a test that needs it
 * fails loudly when it is missing), the README's topology declared with the exact arguments of its
 * table, and publishing the way the ingest worker does (persistent, confirmed, README properties).
 */
namespace KiamoTwitter\Tests\Support;

use PhpAmqpLib\Channel\AMQPChannel;
use PhpAmqpLib\Connection\AbstractConnection;
use PhpAmqpLib\Connection\AMQPConnectionConfig;
use PhpAmqpLib\Connection\AMQPConnectionFactory;
use PhpAmqpLib\Message\AMQPMessage;
use PhpAmqpLib\Wire\AMQPTable;
use UserFiles\Messaging\Connector\TwitterQueueConnector;

final class TestBroker
{
    public const EXCHANGE = 'kiamo.twitter';
    public const RETRY_EXCHANGE = 'kiamo.twitter.retry';
    public const DLX = 'kiamo.twitter.dlx';
    public const INBOUND = 'kiamo.twitter.inbound';
    public const SEND = 'kiamo.twitter.send';
    public const REPORTS = 'kiamo.twitter.reports';
    public const SEND_DEAD = 'kiamo.twitter.send.dead';
    public const INBOUND_DEAD = 'kiamo.twitter.inbound.dead';
    /** Retry tiers of the README: name => x-message-ttl in milliseconds. */
    public const RETRY_TIERS = ['1s' => 1000, '10s' => 10000, '1m' => 60000, '10m' => 600000];

    /** The broker URL; throws when the test environment does not provide one. */
    public static function url(): string
    {
        $url = getenv('KIAMO_TEST_AMQP_URL');
        if ($url === false || $url === '') {
            throw new \RuntimeException('KIAMO_TEST_AMQP_URL is not set: start a broker with '
                . '`scripts/test-broker start /tmp/kiamo-broker` and export the URL it prints in broker.env '
                . '(or run scripts/test, which does both).');
        }
        return $url;
    }

    /** The broker's TLS listener (amqps://, same vhost as url()); throws when the environment lacks it. */
    public static function amqpsUrl(): string
    {
        return self::required('KIAMO_TEST_AMQPS_URL');
    }

    /** The CA that signed the TLS listener's certificate. */
    public static function tlsCa(): string
    {
        return self::required('KIAMO_TEST_TLS_CA');
    }

    /** A CA that signed nothing the broker presents. */
    public static function wrongTlsCa(): string
    {
        return self::required('KIAMO_TEST_TLS_WRONG_CA');
    }

    private static function required(string $variable): string
    {
        $value = getenv($variable);
        if ($value === false || $value === '') {
            throw new \RuntimeException($variable . ' is not set: `scripts/test-broker start DIR` writes it to DIR/broker.env '
                . '(with the TLS listener and its test CAs); export it, or run scripts/test.');
        }
        return $value;
    }

    /** host, port, vhost, user, password of url(). */
    public static function parts(): array
    {
        $p = TwitterQueueConnector::parseAmqpUrl(self::url());
        return $p + ['user' => 'guest', 'password' => 'guest'];
    }

    public static function connect(): AbstractConnection
    {
        $p = self::parts();
        $config = new AMQPConnectionConfig();
        $config->setHost($p['host']);
        $config->setPort($p['port']);
        $config->setVhost($p['vhost']);
        $config->setUser($p['user']);
        $config->setPassword($p['password']);
        $config->setLoginMethod(AMQPConnectionConfig::AUTH_PLAIN);
        $config->setConnectionName('kiamo-connector-tests');
        return AMQPConnectionFactory::create($config);
    }

    /** The README's topology ("Wire contract"), as the workers will declare it. Idempotent. */
    public static function declareTopology(AMQPChannel $ch): void
    {
        $ch->exchange_declare(self::EXCHANGE, 'topic', false, true, false);
        $ch->exchange_declare(self::RETRY_EXCHANGE, 'headers', false, true, false);
        $ch->exchange_declare(self::DLX, 'topic', false, true, false);

        $deadLettered = new AMQPTable(['x-dead-letter-exchange' => self::DLX]);
        $ch->queue_declare(self::INBOUND, false, true, false, false, false, $deadLettered);
        $ch->queue_bind(self::INBOUND, self::EXCHANGE, 'inbound.*');
        $ch->queue_declare(self::SEND, false, true, false, false, false, $deadLettered);
        $ch->queue_bind(self::SEND, self::EXCHANGE, 'send.*');
        $ch->queue_declare(self::REPORTS, false, true, false, false);
        $ch->queue_bind(self::REPORTS, self::EXCHANGE, 'report.#');

        foreach (self::RETRY_TIERS as $tier => $ttl) {
            $queue = self::SEND . '.retry.' . $tier;
            $ch->queue_declare($queue, false, true, false, false, false,
                new AMQPTable(['x-message-ttl' => $ttl, 'x-dead-letter-exchange' => self::EXCHANGE]));
            $ch->queue_bind($queue, self::RETRY_EXCHANGE, '', false,
                new AMQPTable(['x-match' => 'all-with-x', 'x-retry-tier' => $tier]));
        }

        $ch->queue_declare(self::SEND_DEAD, false, true, false, false);
        $ch->queue_bind(self::SEND_DEAD, self::DLX, 'send.#');
        $ch->queue_declare(self::INBOUND_DEAD, false, true, false, false);
        $ch->queue_bind(self::INBOUND_DEAD, self::DLX, 'inbound.#');
    }

    public static function purgeContractQueues(AMQPChannel $ch): void
    {
        foreach ([self::INBOUND, self::SEND, self::REPORTS, self::SEND_DEAD, self::INBOUND_DEAD] as $queue) {
            $ch->queue_purge($queue);
        }
    }

    /** A Kiamo message body as the ingest worker builds it (contract example, with overrides). */
    public static function kiamoMessage(string $id, array $overrides = []): array
    {
        return array_merge([
            'id' => $id,
            'createdAt' => 1666189035,
            'senderId' => '906948460078698496',
            'senderName' => 'Jane Doe@janedoe',
            'content' => 'Hello ' . $id,
            'accountId' => '1234',
            'conversationId' => '1234-906948460078698496',
            'attachments' => [],
        ], $overrides);
    }

    /**
     * Publishes $body (an array is JSON-encoded; a string goes as is) the way the ingest worker does:
     * routing key inbound.<accountId>, README properties, persistent, and waits for the confirm.
     */
    public static function publishInbound(AMQPChannel $ch, $body, string $messageId, string $accountId = '1234'): void
    {
        $payload = is_string($body) ? $body : json_encode($body, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
        $message = new AMQPMessage($payload, [
            'content_type' => 'application/json',
            'delivery_mode' => AMQPMessage::DELIVERY_MODE_PERSISTENT,
            'message_id' => $messageId,
            'timestamp' => time(),
            'type' => 'kiamo.message',
            'app_id' => 'kiamo-twitter-ingest',
            'application_headers' => new AMQPTable(['x-account-id' => $accountId]),
        ]);
        self::publishConfirmed($ch, $message, 'inbound.' . $accountId);
    }

    public static function publishConfirmed(AMQPChannel $ch, AMQPMessage $message, string $routingKey, string $exchange = self::EXCHANGE): void
    {
        static $confirming = [];
        $key = spl_object_id($ch);
        if (!isset($confirming[$key])) {
            $ch->confirm_select();
            $confirming[$key] = true;
        }
        $acked = false;
        $ch->set_ack_handler(function () use (&$acked) { $acked = true; });
        $ch->basic_publish($message, $exchange, $routingKey);
        $ch->wait_for_pending_acks(5.0);
        if (!$acked) {
            throw new \RuntimeException('the test broker did not confirm a publish on ' . $routingKey);
        }
    }

    /** Every message now in $queue, taken out (acknowledged). */
    public static function drain(AMQPChannel $ch, string $queue): array
    {
        $messages = [];
        while (($message = $ch->basic_get($queue, true)) !== null) {
            $messages[] = $message;
        }
        return $messages;
    }

    public static function count(AMQPChannel $ch, string $queue): int
    {
        [, $count] = $ch->queue_declare($queue, true);
        return (int)$count;
    }
}
