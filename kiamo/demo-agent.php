<?php
/*
 * The demo agent of `make run`: what Kiamo does with the connector, in a loop. Every second it
 * calls fetch() (Kiamo messages from kiamo.twitter.inbound), prints what an agent would see, and
 * answers each customer through send() (a send command to kiamo.twitter, which the dispatch worker
 * posts as a DM). Ctrl-C stops it.
 *
 *   KIAMO_TWITTER_AMQP_URL=amqp://... KIAMO_TWITTER_USER_ID=1234 php kiamo/demo-agent.php [--attach=URL_OR_PATH]
 *
 * --attach adds that file to every reply: an http(s) URL the dispatch worker downloads (from a host
 * in its dispatch.attachments.allowedHosts), anything else a path in its dispatch.attachments.folder.
 *
 * Outside Kiamo it uses the test stand-ins of Kiamo's classes (kiamo/tests/kiamo).
 */

use Kiamo\Admin\Utility\Messaging\ConnectorConfiguration;
use Kiamo\Admin\Utility\Messaging\ParameterBag;
use UserFiles\Messaging\Connector\TwitterQueueConnector;

if (getenv('KIAMO_TWITTER_KIAMO_UTILITY_DIR') === false) {
    putenv('KIAMO_TWITTER_KIAMO_UTILITY_DIR=' . __DIR__ . '/tests/kiamo');
}
require_once __DIR__ . '/TwitterQueueConnector.php';

$attach = getopt('', ['attach:'])['attach'] ?? null;
$attach = is_array($attach) ? end($attach) : $attach;  // given twice: the last one
$attachments = $attach === null ? [] : [[preg_match('~^https?://~i', $attach) === 1 ? 'url' : 'path' => $attach]];
$connector = new TwitterQueueConnector(new ConnectorConfiguration());
$parameters = [];
$replies = [
    "Thanks %s, we got your message. An agent is looking into it.",
    "Hello %s! Could you tell us your order number?",
    "Noted, %s. We'll get back to you within the hour.",
];
$running = true;
if (function_exists('pcntl_signal')) {
    pcntl_async_signals(true);
    pcntl_signal(SIGINT, function () use (&$running) { $running = false; });
    pcntl_signal(SIGTERM, function () use (&$running) { $running = false; });
}
fwrite(STDOUT, "demo agent: waiting for customers' DMs (Ctrl-C stops)\n");
$count = 0;
while ($running) {
    $bag = new ParameterBag($connector->getName(), $parameters);
    try {
        $connector->fetch($bag);
    } catch (\Throwable $error) {
        fwrite(STDERR, "demo agent: fetch failed: " . $error->getMessage() . "\n");
        sleep(2);
        continue;
    }
    $parameters = $bag->getParameters();
    foreach ($bag->getMessages() as $message) {
        $when = date('H:i:s', (int) $message['createdAt']);
        fwrite(STDOUT, sprintf("→ [%s] %s: %s\n", $when, $message['senderName'], str_replace("\n", " ⏎ ", $message['content'])));
        $name = explode('@', $message['senderName'])[0];
        $text = sprintf($replies[$count++ % count($replies)], $name);
        try {
            $connector->send(['to' => ['id' => $message['senderId'], 'name' => $message['senderName']], 'content' => $text] + ($attachments === [] ? [] : ['attachments' => $attachments]));
            fwrite(STDOUT, sprintf("← reply queued for %s: %s%s\n", $message['senderName'], $text, $attachments === [] ? '' : ' (with an attachment)'));
        } catch (\Throwable $error) {
            fwrite(STDERR, "demo agent: send failed: " . $error->getMessage() . "\n");
        }
    }
    sleep(1);
}
fwrite(STDOUT, "demo agent: stopped\n");
