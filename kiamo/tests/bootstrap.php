<?php
/*
 * PHPUnit bootstrap: the stand-ins for Kiamo's classes (the real ones come with Kiamo), Debian's
 * php-amqplib, the connector itself, and the test support classes (those of the end-to-end suite too).
 */
error_reporting(E_ALL);

require __DIR__ . '/kiamo/ParameterBag.php';
require __DIR__ . '/kiamo/ConnectorConfiguration.php';
require __DIR__ . '/kiamo/GenericConnectorInterface.php';

$amqpLib = getenv('KIAMO_TWITTER_AMQPLIB_AUTOLOAD') ?: '/usr/share/php/PhpAmqpLib/autoload.php';
require_once $amqpLib;

require __DIR__ . '/../TwitterQueueConnector.php';

require __DIR__ . '/support/TestBroker.php';
require __DIR__ . '/support/TestConnector.php';
require __DIR__ . '/support/BrokerTestCase.php';

// The end-to-end suite's support: built products as child processes, the X emulator, the workers.
require __DIR__ . '/support/Eventually.php';
require __DIR__ . '/support/ChildProcess.php';
require __DIR__ . '/support/Products.php';
require __DIR__ . '/support/Emulator.php';
require __DIR__ . '/support/Workers.php';
require __DIR__ . '/support/E2ETestCase.php';
