<?php
/*
 * One fetch() in a process of its own, so its memory can be measured apart from the test's: the
 * connector is configured from the environment (KIAMO_TWITTER_*), as Kiamo's would be. Prints
 * {"ids": [...], "peakGrowth": bytes}: how much the process's peak memory grew during the fetch.
 */
require __DIR__ . '/../kiamo/ParameterBag.php';
require __DIR__ . '/../kiamo/ConnectorConfiguration.php';
require __DIR__ . '/../kiamo/GenericConnectorInterface.php';
require_once getenv('KIAMO_TWITTER_AMQPLIB_AUTOLOAD') ?: '/usr/share/php/PhpAmqpLib/autoload.php';
require __DIR__ . '/../../TwitterQueueConnector.php';

use Kiamo\Admin\Utility\Messaging\ConnectorConfiguration;
use Kiamo\Admin\Utility\Messaging\ParameterBag;
use UserFiles\Messaging\Connector\TwitterQueueConnector;

$connector = new TwitterQueueConnector(new ConnectorConfiguration());
$bag = new ParameterBag('TwitterQueueConnector');
$connector->_msgManager->connect()->close();  // php-amqplib's classes loaded before the baseline
$before = memory_get_peak_usage();
$connector->fetch($bag);
echo json_encode(['ids' => array_column($bag->getMessages(), 'id'), 'peakGrowth' => memory_get_peak_usage() - $before]), "\n";
