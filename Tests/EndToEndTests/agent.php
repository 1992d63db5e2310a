<?php
/*
 * The Kiamo side of the end-to-end suite (Tests/EndToEndTests): what Kiamo and an agent do with the
 * real connector, kiamo/TwitterQueueConnector.php, in a loop. fetch() hands over customers' DMs
 * (Kiamo messages from <exchange>.inbound); the agent reads them, then answers each one through
 * send() (a send command that the dispatch worker posts as a DM), naming the message it answers.
 *
 * Kiamo stores the bag fetch() returns (its messages and its parameters) and the agents' replies.
 * The state file stands for that store: written whole and atomically (rename) after every step, so
 * a SIGKILL leaves either the previous state or the next one, as a crash of Kiamo would leave its
 * database. It holds:
 *   parameters  the bag's parameters, passed to the next fetch() as Kiamo does
 *               (TwitterQueueConnector.deliveredMessageIds: what ackMode nextFetch relies on)
 *   received    every message fetch() added to a bag, in order, never deduplicated here
 *   pending     ids of received messages not answered yet, oldest first
 *   replies     the replies send() accepted: message id, command id, recipient, text
 *   sending     the message whose reply is being sent: if the process dies inside send(), the
 *               reply's fate is unknown (connector README, "Loss and repeat window")
 *   uncertain   messages whose reply may have been queued twice: a process died inside send(),
 *               or send() failed with an outcome the connector documents as unknown
 *   incarnations how many processes have run on this state
 *
 * Standard output: one JSON line per event (started, fetched, replied, send_failed, fetch_failed,
 * stopped), written after the state that it reports is stored; fetched and replied carry `at`, the
 * wall-clock time in seconds (the benchmark of scripts/test-hosts measures latency with it).
 *
 * Environment: the connector's KIAMO_TWITTER_* variables (kiamo/README.md) and
 *   E2E_AGENT_STATE     the state file (required)
 *   E2E_AGENT_THINK_MS  how long the agent reads a batch before answering (default 300)
 *   E2E_AGENT_IDLE_MS   the wait after a fetch that brought nothing, or a failure (default 200)
 *   E2E_AGENT_ACCOUNT_OF  a JSON file {customer id: account id}: replies to those customers go out on
 *                       that account (several accounts, scripts/test-hosts); others on access accountId
 *   E2E_AGENT_PHOTO_REPLY  a file (a path the dispatch worker may read): a message that shows a
 *                       customer's photo ("[photo] " in its text) is answered as a bot would, with
 *                       that file attached and the text of photoReplyText
 * SIGTERM or SIGINT: finishes the step in progress and exits 0.
 */

use Kiamo\Admin\Utility\Messaging\ConnectorConfiguration;
use Kiamo\Admin\Utility\Messaging\ParameterBag;
use UserFiles\Messaging\Connector\TwitterQueueConnector;
use UserFiles\Messaging\Connector\TwitterQueueException;

if (getenv('KIAMO_TWITTER_KIAMO_UTILITY_DIR') === false) {
    putenv('KIAMO_TWITTER_KIAMO_UTILITY_DIR=' . __DIR__ . '/../../kiamo/tests/kiamo');
}
require_once __DIR__ . '/../../kiamo/TwitterQueueConnector.php';

/** send() failures after which the command may be on the broker (connector README: "queued? unknown"). */
const UNKNOWN_OUTCOME = ['confirm_timeout', 'broker_error', 'broker_timeout'];

function emit(array $event): void
{
    fwrite(STDOUT, json_encode($event, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE) . "\n");
}

function loadState(string $path): array
{
    $state = ['parameters' => [], 'received' => [], 'pending' => [], 'replies' => [], 'sending' => null, 'uncertain' => [], 'incarnations' => 0];
    if (!is_file($path)) return $state;
    $stored = json_decode((string) file_get_contents($path), true, 512, JSON_THROW_ON_ERROR);
    return array_merge($state, $stored);
}

function storeState(string $path, array $state): void
{
    $state['parameters'] = (object) $state['parameters'];  // {} rather than [] when empty
    $temporary = $path . '.tmp';
    file_put_contents($temporary, json_encode($state, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR));
    rename($temporary, $path);
}

/** The reply to $message: names the message it answers, and carries the customer's name back. */
function replyText(array $message): string
{
    $name = explode('@', $message['senderName'])[0];
    return sprintf("Re %s: thank you, %s! \"We're on it\" ✅\nمع السلامة", $message['id'], $name);
}

/** The reply, with a photo, to a message that shows the customer's photo. */
function photoReplyText(array $message): string
{
    return sprintf("Re %s: here is a photo of your replacement", $message['id']);
}

function waitMs(int $milliseconds): void
{
    usleep($milliseconds * 1000);  // a signal cuts it short, which is what SIGTERM wants
}

$statePath = getenv('E2E_AGENT_STATE');
if ($statePath === false || $statePath === '') {
    fwrite(STDERR, "agent: E2E_AGENT_STATE (the state file) is required\n");
    exit(2);
}
$thinkMs = (int) (getenv('E2E_AGENT_THINK_MS') ?: 300);
$idleMs = (int) (getenv('E2E_AGENT_IDLE_MS') ?: 200);
// Several accounts (scripts/test-hosts): which account each customer wrote to, so the reply goes
// out on it (a task's accountId wins over access accountId, kiamo/README.md).
$photoReply = getenv('E2E_AGENT_PHOTO_REPLY') ?: null;
$accountOf = [];
if (($accountsFile = getenv('E2E_AGENT_ACCOUNT_OF')) !== false && $accountsFile !== '') {
    $accountOf = json_decode((string) file_get_contents($accountsFile), true, 512, JSON_THROW_ON_ERROR);
}

$running = true;
pcntl_async_signals(true);
pcntl_signal(SIGTERM, function () use (&$running) { $running = false; });
pcntl_signal(SIGINT, function () use (&$running) { $running = false; });

$connector = new TwitterQueueConnector(new ConnectorConfiguration());
$state = loadState($statePath);
$state['incarnations']++;
if ($state['sending'] !== null) {
    // The previous process died inside send(): its command may be queued. The message is still
    // pending, so it is answered again; the customer may get that reply twice.
    $state['uncertain'][] = $state['sending'];
    $state['sending'] = null;
}
storeState($statePath, $state);
emit(['event' => 'started', 'pid' => getmypid(), 'incarnation' => $state['incarnations'], 'received' => count($state['received']),
      'pending' => count($state['pending']), 'uncertain' => $state['uncertain']]);

$messagesById = [];
foreach ($state['received'] as $message) $messagesById[$message['id']] = $message;

while ($running) {
    // Answer what was handed over and not answered yet, oldest first.
    while ($running && count($state['pending']) > 0) {
        $message = $messagesById[$state['pending'][0]];
        $withPhoto = $photoReply !== null && strpos($message['content'], '[photo] ') !== false;
        $text = $withPhoto ? photoReplyText($message) : replyText($message);
        $state['sending'] = $message['id'];
        storeState($statePath, $state);
        try {
            $task = ['to' => ['id' => $message['senderId'], 'name' => $message['senderName']], 'content' => $text];
            if ($withPhoto) $task['attachments'] = [['path' => $photoReply]];
            if (isset($accountOf[$message['senderId']])) $task['accountId'] = (string) $accountOf[$message['senderId']];
            $connector->send($task);
        } catch (\Throwable $error) {
            $reason = $error instanceof TwitterQueueException ? $error->getReason() : get_class($error);
            $state['sending'] = null;
            if (in_array($reason, UNKNOWN_OUTCOME, true)) $state['uncertain'][] = $message['id'];
            storeState($statePath, $state);
            emit(['event' => 'send_failed', 'message' => $message['id'], 'reason' => $reason, 'error' => $error->getMessage()]);
            waitMs($idleMs);
            break;  // the reply stays pending; fetch meanwhile, answer again next round
        }
        $command = $connector->_msgManager->lastCommand['id'];
        array_shift($state['pending']);
        $state['sending'] = null;
        $state['replies'][] = ['message' => $message['id'], 'command' => $command, 'to' => $message['senderId'], 'text' => $text];
        storeState($statePath, $state);
        emit(['event' => 'replied', 'message' => $message['id'], 'command' => $command, 'at' => microtime(true)]);
    }
    if (!$running) break;

    $bag = new ParameterBag($connector->getName(), $state['parameters']);
    try {
        $connector->fetch($bag);
    } catch (\Throwable $error) {
        $reason = $error instanceof TwitterQueueException ? $error->getReason() : get_class($error);
        emit(['event' => 'fetch_failed', 'reason' => $reason, 'error' => $error->getMessage()]);
        waitMs($idleMs);
        continue;
    }
    // What Kiamo does with the bag fetch() returned: store its messages and its parameters together.
    $messages = $bag->getMessages();
    $state['parameters'] = $bag->getParameters();
    foreach ($messages as $message) {
        $state['received'][] = $message;
        $state['pending'][] = $message['id'];
        $messagesById[$message['id']] = $message;
    }
    storeState($statePath, $state);
    $fetchedAt = microtime(true);
    foreach ($messages as $message) emit(['event' => 'fetched', 'id' => $message['id'], 'senderId' => $message['senderId'], 'at' => $fetchedAt]);
    waitMs(count($messages) > 0 ? $thinkMs : $idleMs);
}
emit(['event' => 'stopped', 'pending' => count($state['pending'])]);
exit(0);
