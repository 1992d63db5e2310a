<?php
/*
 * Stands in for the dispatch worker in the tester's round-trip test: takes one send command from
 * kiamo.twitter.send (within 10 s) and publishes the delivery report the README describes
 * (routing key report.<accountId>.sent, correlation_id = the command id). Prints the command id.
 */
require __DIR__ . '/../kiamo/ParameterBag.php';
require __DIR__ . '/../kiamo/ConnectorConfiguration.php';
require __DIR__ . '/../kiamo/GenericConnectorInterface.php';
require_once getenv('KIAMO_TWITTER_AMQPLIB_AUTOLOAD') ?: '/usr/share/php/PhpAmqpLib/autoload.php';
require __DIR__ . '/../../TwitterQueueConnector.php';
require __DIR__ . '/TestBroker.php';

use KiamoTwitter\Tests\Support\TestBroker;
use PhpAmqpLib\Message\AMQPMessage;

$connection = TestBroker::connect();
$channel = $connection->channel();
$deadline = microtime(true) + 10;
while (($command = $channel->basic_get(TestBroker::SEND, true)) === null) {
    if (microtime(true) > $deadline) {
        fwrite(STDERR, "fake dispatch: no command within 10 s\n");
        exit(1);
    }
    usleep(20000);
}
$body = json_decode($command->getBody(), true, 8, JSON_THROW_ON_ERROR);
$report = new AMQPMessage(json_encode([
    'commandId' => $body['id'], 'status' => 'sent', 'dmEventId' => '1700000000000000001',
    'conversationId' => $body['accountId'] . '-' . $body['to']['id'], 'attempts' => 1, 'at' => gmdate('c'),
]), ['content_type' => 'application/json', 'delivery_mode' => 2, 'correlation_id' => $body['id'], 'type' => 'kiamo.report']);
TestBroker::publishConfirmed($channel, $report, 'report.' . $body['accountId'] . '.sent');
echo $body['id'], "\n";
$connection->close();
