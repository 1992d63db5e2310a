<?php
namespace KiamoTwitter\Tests\Unit;

use Kiamo\Admin\Utility\Messaging\ConnectorConfiguration;
use KiamoTwitter\Tests\Support\TestConnector;
use PHPUnit\Framework\TestCase;
use UserFiles\Messaging\Connector\TwitterQueueConnector;
use UserFiles\Messaging\Connector\TwitterQueueException;
use UserFiles\Messaging\Connector\TwitterQueueLogger;

/** initConfig defaults, KIAMO_TWITTER_* overrides, and refusals that name the faulty setting. */
final class ConfigurationTest extends TestCase
{
    private function connector(array $environment): TwitterQueueConnector
    {
        return new TwitterQueueConnector(new ConnectorConfiguration(), $environment + ['KIAMO_TWITTER_LOG_PATH' => TestConnector::tempDir('conf-logs')]);
    }

    public function testTheDefaultsFollowTheWireContract(): void
    {
        $c = $this->connector([]);
        $this->assertSame('Twitter (kiamo-twitter)', $c->getName());
        $this->assertNull(TwitterQueueConnector::getIcon());
        $this->assertSame('kiamo.twitter', $c->getConf('access', 'topology.exchange'));
        $this->assertSame('kiamo.twitter.inbound', $c->getConf('access', 'topology.inboundQueue'));
        $this->assertSame(['127.0.0.1', 5672, '/'], [$c->getConf('access', 'amqp.host'), $c->getConf('access', 'amqp.port'), $c->getConf('access', 'amqp.vhost')]);
        $this->assertSame(50, $c->getConf('runtime', 'fetchBatchSize'));
        $this->assertSame(TwitterQueueConnector::AckAfterAdd, $c->getConf('runtime', 'ackMode'));
    }

    public function testTheServiceNameComesFromConfiguration(): void
    {
        $this->assertSame('Support X', $this->connector(['KIAMO_TWITTER_SERVICE_NAME' => 'Support X'])->getName());
    }

    public function testAnAmqpUrlSetsHostPortVhostCredentialsAndTls(): void
    {
        $c = $this->connector(['KIAMO_TWITTER_AMQP_URL' => 'amqps://kiamo:p%40ss%2Fword@rabbit.example:5999/prod%2Fx']);
        $a = $c->getConf('access', 'amqp');
        $this->assertSame(['rabbit.example', 5999, 'prod/x', 'kiamo', 'p@ss/word', true],
            [$a['host'], $a['port'], $a['vhost'], $a['user'], $a['password'], $a['tls']['enabled']]);
        $this->assertSame(5671, $this->connector(['KIAMO_TWITTER_AMQP_URL' => 'amqps://h'])->getConf('access', 'amqp.port'));
        $this->assertSame('/', $this->connector(['KIAMO_TWITTER_AMQP_URL' => 'amqp://h:1/'])->getConf('access', 'amqp.vhost'));
    }

    public function testSingleVariablesOverrideTheUrl(): void
    {
        $c = $this->connector([
            'KIAMO_TWITTER_AMQP_URL' => 'amqp://u:p@h:1000/v',
            'KIAMO_TWITTER_AMQP_PORT' => '2000',
            'KIAMO_TWITTER_AMQP_TLS' => 'true',
            'KIAMO_TWITTER_FETCH_BATCH_SIZE' => '7',
            'KIAMO_TWITTER_ACK_MODE' => 'nextFetch',
            'KIAMO_TWITTER_LOG_LEVEL' => 'debug',
            'KIAMO_TWITTER_EXCHANGE' => 'other.exchange',
        ]);
        $this->assertSame(2000, $c->getConf('access', 'amqp.port'));
        // Parsed here; that it makes a real, verified TLS connection is proved on the wire (broker/TlsTest).
        $this->assertTrue($c->getConf('access', 'amqp.tls.enabled'));
        $this->assertTrue($c->getConf('access', 'amqp.tls.verifyPeer'));
        $this->assertSame(7, $c->getConf('runtime', 'fetchBatchSize'));
        $this->assertSame('nextFetch', $c->getConf('runtime', 'ackMode'));
        $this->assertSame(TwitterQueueLogger::LOG_DEBUG, $c->getConf('runtime', 'logLevel'));
        $this->assertSame('other.exchange', $c->getConf('access', 'topology.exchange'));
    }

    public function testTheWorkersNamesAreReadAndWinOverTheConnectorsOldNames(): void
    {
        $dir = TestConnector::tempDir('shared-names');
        $c = new TwitterQueueConnector(new ConnectorConfiguration(), [
            'KIAMO_TWITTER_SERVICE' => 'Support X', 'KIAMO_TWITTER_SERVICE_NAME' => 'old name',
            'KIAMO_TWITTER_USER_ID' => '1234', 'KIAMO_TWITTER_ACCOUNT_ID' => '999',
            'KIAMO_TWITTER_LOG_FILES_FOLDER' => $dir, 'KIAMO_TWITTER_LOG_PATH' => $dir . '/old',
            'KIAMO_TWITTER_AMQP_EXCHANGE' => 'acme.x', 'KIAMO_TWITTER_EXCHANGE' => 'old.exchange',
            'KIAMO_TWITTER_LOG_LEVEL' => 'notice',
        ]);
        $this->assertSame('Support X', $c->getName());
        $this->assertSame('1234', $c->getConf('access', 'accountId'));
        $this->assertSame($dir, $c->getConf('runtime', 'logPath'));
        $this->assertSame('acme.x', $c->getConf('access', 'topology.exchange'));
        $this->assertSame(TwitterQueueLogger::LOG_WARN, $c->getConf('runtime', 'logLevel'));
    }

    /** The names the workers define (ConfigurationKey+All.swift) that the connector shares with them. */
    public function testEverySharedNameIsOneTheWorkersDefine(): void
    {
        $swift = file_get_contents(__DIR__ . '/../../../Sources/KiamoTwitter/Configuration/ConfigurationKey+All.swift');
        foreach (['KIAMO_TWITTER_SERVICE', 'KIAMO_TWITTER_USER_ID', 'KIAMO_TWITTER_LOG_LEVEL', 'KIAMO_TWITTER_LOG_FILES_FOLDER',
                  'KIAMO_TWITTER_AMQP_URL', 'KIAMO_TWITTER_AMQP_EXCHANGE', 'KIAMO_TWITTER_AMQP_HEARTBEAT'] as $name) {
            $this->assertStringContainsString('env: "' . $name . '"', $swift, $name . ' is not a workers\' name');
            $this->assertTrue($name === 'KIAMO_TWITTER_AMQP_URL' || array_key_exists($name, TwitterQueueConnector::EnvironmentOverrides), $name . ' is not read by the connector');
        }
    }

    public function testTheUrlQueryTheWorkersReadSetsTlsAndTimeouts(): void
    {
        $ca = TestConnector::tempDir('ca') . '/ca.pem';
        file_put_contents($ca, "not checked here\n");
        $c = $this->connector(['KIAMO_TWITTER_AMQP_URL' => 'amqps://u:p@h/v?cacertfile=' . rawurlencode($ca) . '&verify=verify_none&heartbeat=5&connection_timeout=2500&connection_name=kiamo-a']);
        $a = $c->getConf('access', 'amqp');
        $this->assertSame([true, $ca, false, 5, 2.5, 'kiamo-a'],
            [$a['tls']['enabled'], $a['tls']['caFile'], $a['tls']['verifyPeer'], $a['heartbeat'], $a['connectionTimeout'], $a['connectionName']]);
    }

    public function badUrlQueries(): array
    {
        return [
            'an unknown key' => ['amqp://h/?frame_max=1', "unknown query parameter 'frame_max'"],
            'a CA without amqps' => ['amqp://h/?cacertfile=/x.pem', "'cacertfile' needs the amqps scheme"],
            'a wrong verify' => ['amqps://h/?verify=maybe', 'verify must be verify_peer or verify_none'],
            'a client certificate' => ['amqps://h/?certfile=/c.pem', 'presents no client certificate'],
        ];
    }

    /** @dataProvider badUrlQueries */
    public function testABadUrlQueryIsRefusedNamingTheKey(string $url, string $phrase): void
    {
        try {
            $this->connector(['KIAMO_TWITTER_AMQP_URL' => $url]);
            $this->fail('accepted ' . $url);
        } catch (TwitterQueueException $e) {
            $this->assertSame('configuration', $e->getReason());
            $this->assertStringContainsString($phrase, $e->getMessage());
        }
    }

    /** The site's settings in their own file survive an upgrade of TwitterQueueConnector.php; the environment still wins. */
    public function testASettingsFileBesideTheConnectorIsMergedUnderTheEnvironment(): void
    {
        $file = TestConnector::tempDir('site') . '/TwitterQueueConnector.config.php';
        file_put_contents($file, "<?php\nreturn [ 'self' => [ 'service' => 'Support X' ], 'runtime' => [ 'fetchBatchSize' => 20 ],\n"
            . "  'access' => [ 'accountIds' => [ '5678' ], 'amqp' => [ 'url' => 'amqps://kiamo:pw@rabbit.example/prod', 'tls' => [ 'verifyPeer' => true ] ] ] ] ;\n");
        $c = $this->connector(['KIAMO_TWITTER_CONFIG_FILE' => $file, 'KIAMO_TWITTER_FETCH_BATCH_SIZE' => '30']);
        $this->assertSame('Support X', $c->getName());
        $this->assertSame(30, $c->getConf('runtime', 'fetchBatchSize'));
        $this->assertSame(['rabbit.example', 'prod', true], [$c->getConf('access', 'amqp.host'), $c->getConf('access', 'amqp.vhost'), $c->getConf('access', 'amqp.tls.enabled')]);
        $this->assertSame(['5678'], $c->getConf('access', 'accountIds'));
        $this->assertSame('kiamo.twitter', $c->getConf('access', 'topology.exchange'), 'untouched settings keep their defaults');
    }

    public function badSettingsFiles(): array
    {
        return [
            'a misspelt key' => ["<?php return [ 'access' => [ 'amqp' => [ 'hots' => 'x' ] ] ] ;", "sets 'access.amqp.hots', which is not a setting"],
            'a value where settings are' => ["<?php return [ 'access' => [ 'amqp' => 'amqp://h' ] ] ;", "sets 'access.amqp' to a single value"],
            'no array' => ["<?php // nothing returned\n", 'must return an array'],
        ];
    }

    /** @dataProvider badSettingsFiles */
    public function testABadSettingsFileFailsTheConstructionNamingIt(string $content, string $phrase): void
    {
        $file = TestConnector::tempDir('site') . '/TwitterQueueConnector.config.php';
        file_put_contents($file, $content);
        try {
            $this->connector(['KIAMO_TWITTER_CONFIG_FILE' => $file]);
            $this->fail('accepted ' . $content);
        } catch (TwitterQueueException $e) {
            $this->assertSame('configuration', $e->getReason());
            $this->assertStringContainsString($phrase, $e->getMessage());
        }
        try {
            $this->connector(['KIAMO_TWITTER_CONFIG_FILE' => $file . '.absent']);
            $this->fail('accepted a settings file that does not exist');
        } catch (TwitterQueueException $e) {
            $this->assertStringContainsString('KIAMO_TWITTER_CONFIG_FILE names a file that does not exist', $e->getMessage());
        }
    }

    public function testTlsWithoutPeerVerificationIsWarnedAtStart(): void
    {
        $unverified = $this->connector(['KIAMO_TWITTER_AMQP_URL' => 'amqps://h', 'KIAMO_TWITTER_AMQP_TLS_VERIFY_PEER' => 'false']);
        $this->assertMatchesRegularExpression('/\[WARNG\].*TLS without peer verification/', TestConnector::logOf($unverified));
        $verified = $this->connector(['KIAMO_TWITTER_AMQP_URL' => 'amqps://h']);
        $this->assertStringNotContainsString('without peer verification', TestConnector::logOf($verified));
    }

    public function testTheInboundQueueFollowsTheExchangeAsTheWorkersNameIt(): void
    {
        $renamed = $this->connector(['KIAMO_TWITTER_EXCHANGE' => 'acme.x']);
        $this->assertSame('acme.x.inbound', $renamed->getConf('access', 'topology.inboundQueue'));
        $workersName = $this->connector(['KIAMO_TWITTER_AMQP_EXCHANGE' => 'acme.y']);
        $this->assertSame('acme.y', $workersName->getConf('access', 'topology.exchange'));
        $this->assertSame('acme.y.inbound', $workersName->getConf('access', 'topology.inboundQueue'));
        $explicit = $this->connector(['KIAMO_TWITTER_EXCHANGE' => 'acme.x', 'KIAMO_TWITTER_INBOUND_QUEUE' => 'kiamo.custom']);
        $this->assertSame('kiamo.custom', $explicit->getConf('access', 'topology.inboundQueue'));
    }

    public function testThePasswordCanComeFromAFile(): void
    {
        $file = TestConnector::tempDir('secret') . '/amqp-password';
        file_put_contents($file, "s3cret-from-file\n");
        $this->assertSame('s3cret-from-file', $this->connector(['KIAMO_TWITTER_AMQP_PASSWORD_FILE' => $file])->getConf('access', 'amqp.password'));
    }

    /** @dataProvider badSettings */
    public function testABadSettingFailsAtConstructionNamingIt(array $environment, string $phrase): void
    {
        try {
            $this->connector($environment);
            $this->fail('accepted a bad setting');
        } catch (TwitterQueueException $e) {
            $this->assertSame('configuration', $e->getReason());
            $this->assertStringContainsString($phrase, $e->getMessage());
            $this->assertStringNotContainsString('hunter2', (string)$e);
        }
    }

    public function badSettings(): array
    {
        return [
            'port not a number' => [['KIAMO_TWITTER_AMQP_PORT' => 'five'], 'KIAMO_TWITTER_AMQP_PORT must be an integer'],
            'port out of range' => [['KIAMO_TWITTER_AMQP_PORT' => '70000'], 'amqp.port (KIAMO_TWITTER_AMQP_PORT) must be an integer between 1 and 65535'],
            'batch size zero' => [['KIAMO_TWITTER_FETCH_BATCH_SIZE' => '0'], 'KIAMO_TWITTER_FETCH_BATCH_SIZE'],
            'unknown ack mode' => [['KIAMO_TWITTER_ACK_MODE' => 'never'], 'KIAMO_TWITTER_ACK_MODE'],
            'unknown log level' => [['KIAMO_TWITTER_LOG_LEVEL' => 'LOUD'], 'KIAMO_TWITTER_LOG_LEVEL must be a log level'],
            'heartbeat too long for the timeout' => [['KIAMO_TWITTER_AMQP_HEARTBEAT' => '10', 'KIAMO_TWITTER_AMQP_READ_WRITE_TIMEOUT' => '10'], 'at least twice amqp.heartbeat'],
            'negative confirm timeout' => [['KIAMO_TWITTER_AMQP_CONFIRM_TIMEOUT' => '-1'], 'KIAMO_TWITTER_AMQP_CONFIRM_TIMEOUT'],
            'non-numeric account' => [['KIAMO_TWITTER_ACCOUNT_ID' => '@acme'], 'KIAMO_TWITTER_ACCOUNT_ID'],
            'non-numeric account, shared name' => [['KIAMO_TWITTER_USER_ID' => '@acme'], 'KIAMO_TWITTER_USER_ID'],
            'remembered ids below the batch' => [['KIAMO_TWITTER_FETCH_BATCH_SIZE' => '100', 'KIAMO_TWITTER_REMEMBERED_IDS' => '50'], 'KIAMO_TWITTER_REMEMBERED_IDS'],
            'not an AMQP URL' => [['KIAMO_TWITTER_AMQP_URL' => 'http://guest:hunter2@host/'], 'must look like amqp://'],
            'unreadable password file' => [['KIAMO_TWITTER_AMQP_PASSWORD_FILE' => '/nonexistent/secret'], 'KIAMO_TWITTER_AMQP_PASSWORD_FILE names a file that cannot be read'],
            'bad TLS flag' => [['KIAMO_TWITTER_AMQP_TLS' => 'maybe'], 'KIAMO_TWITTER_AMQP_TLS must be true or false'],
        ];
    }

    public function testAConfigurationErrorIsLoggedInTheConfiguredLogFolder(): void
    {
        $dir = TestConnector::tempDir('conf-error-logs');
        try {
            new TwitterQueueConnector(new ConnectorConfiguration(), ['KIAMO_TWITTER_AMQP_PORT' => 'five', 'KIAMO_TWITTER_LOG_PATH' => $dir]);
            $this->fail('accepted a bad port');
        } catch (TwitterQueueException $e) {
            $files = glob($dir . '/TwitterQueueConnector/*.log');
            $this->assertCount(1, $files);
            $this->assertMatchesRegularExpression('/\[ERROR\]\[TwitterQueueConnector::__construct +\] Configuration: KIAMO_TWITTER_AMQP_PORT must be an integer/', file_get_contents($files[0]));
        }
    }

    public function testThePublicConfigurationMasksThePasswordEverywhere(): void
    {
        $c = $this->connector(['KIAMO_TWITTER_AMQP_URL' => 'amqp://kiamo:hunter2@h:5672/', 'KIAMO_TWITTER_LOG_LEVEL' => 'ALL']);
        $dump = json_encode($c->getPublicConf());
        $this->assertStringNotContainsString('hunter2', $dump);
        $this->assertStringContainsString('amqp://kiamo:***@h:5672/', $c->getPublicConf()['access']['amqp']['url']);
        // The password ends at the last '@', as the workers read it: an '@' written raw stays masked.
        $raw = $this->connector(['KIAMO_TWITTER_AMQP_URL' => 'amqp://kiamo:hun@ter2@rmq1:5672,rmq2:5672/']);
        $this->assertSame('amqp://kiamo:***@rmq1:5672,rmq2:5672/', $raw->getPublicConf()['access']['amqp']['url']);
        $this->assertSame('***', $c->getPublicConf()['access']['amqp']['password']);
        $this->assertStringNotContainsString('hunter2', TestConnector::logOf($c));
    }

    /** A cluster's node list, in the form the workers read: one scheme, credentials, vhost and query for every node. */
    public function testANodeListUrlSetsEveryNodeAndTheFirstAsHostAndPort(): void
    {
        $c = $this->connector(['KIAMO_TWITTER_AMQP_URL' => 'amqp://kiamo:s3cret@rmq1:5672,rmq2:5673,rmq3,[fd00::4]:5674/prod?heartbeat=5']);
        $a = $c->getConf('access', 'amqp');
        $this->assertSame(['rmq1:5672', 'rmq2:5673', 'rmq3:5672', '[fd00::4]:5674'], $a['hosts']);
        $this->assertSame(['rmq1', 5672, 'prod', 'kiamo', 's3cret', 5], [$a['host'], $a['port'], $a['vhost'], $a['user'], $a['password'], $a['heartbeat']]);
        $this->assertSame([['host' => 'rmq1', 'port' => 5672], ['host' => 'rmq2', 'port' => 5673], ['host' => 'rmq3', 'port' => 5672], ['host' => 'fd00::4', 'port' => 5674]], $c->brokerNodes());
        $this->assertSame('amqp://rmq1:5672,rmq2:5673,rmq3:5672,[fd00::4]:5674 vhost prod', $c->_msgManager->brokerLabel());

        $tls = $this->connector(['KIAMO_TWITTER_AMQP_URL' => 'amqps://kiamo:s3cret@rmq1,rmq2:5680/']);
        $this->assertSame(['rmq1:5671', 'rmq2:5680'], $tls->getConf('access', 'amqp.hosts'));
        $this->assertTrue($tls->getConf('access', 'amqp.tls.enabled'));

        $single = $this->connector(['KIAMO_TWITTER_AMQP_URL' => 'amqp://kiamo:s3cret@rmq1:5999/']);
        $this->assertSame([], $single->getConf('access', 'amqp.hosts'));
        $this->assertSame([['host' => 'rmq1', 'port' => 5999]], $single->brokerNodes());
        $v6 = $this->connector(['KIAMO_TWITTER_AMQP_URL' => 'amqp://kiamo:s3cret@[::1]:5680/']);
        $this->assertSame([['host' => '::1', 'port' => 5680]], $v6->brokerNodes());
        $this->assertSame('amqp://[::1]:5680 vhost /', $v6->_msgManager->brokerLabel());
    }

    public function passwordsWithCommasAndAtSigns(): array
    {
        return ['raw comma' => ['Qz,ss', 'Qz,ss'], 'encoded comma' => ['Qz%2Css', 'Qz,ss'], 'encoded at' => ['Qz%40ss', 'Qz@ss'], 'comma and encoded at' => ['Qz,b%40c', 'Qz,b@c']];
    }

    /** @dataProvider passwordsWithCommasAndAtSigns */
    public function testAPasswordWithCommasOrAtSignsStaysWholeInANodeList(string $written, string $password): void
    {
        $c = $this->connector(['KIAMO_TWITTER_AMQP_URL' => 'amqp://kiamo:' . $written . '@rmq1:5672,rmq2:5672/v']);
        $this->assertSame($password, $c->getConf('access', 'amqp.password'));
        $this->assertSame(['rmq1:5672', 'rmq2:5672'], $c->getConf('access', 'amqp.hosts'));
        $this->assertStringNotContainsString('Qz', json_encode($c->getPublicConf()['access']['amqp']));
    }

    public function badNodeLists(): array
    {
        return [
            'an empty node' => ['amqp://u:Qzv-secret@rmq1,,rmq3/', 'node 2 of the list: empty'],
            'a trailing comma' => ['amqp://u:Qzv-secret@rmq1,rmq2,/', 'node 3 of the list: empty'],
            'a bad port' => ['amqp://u:Qzv-secret@rmq1:5672,rmq2:99999/', 'node 2 of the list: the port is not a number in 1...65535'],
            'a port that is no number' => ['amqp://u:Qzv-secret@rmq1:5672,rmq2:x/', 'node 2 of the list: the port is not a number'],
            'an unterminated IPv6 address' => ['amqp://u:Qzv-secret@rmq1,[::1/', 'node 2 of the list: unterminated IPv6 address'],
            'mixed schemes' => ['amqp://u:Qzv-secret@rmq1,amqps://rmq2/', 'one scheme and one user information for every node'],
            'a whole URL per node' => ['amqp://u:Qzv-secret@rmq1,amqp://u:Qzv-secret@rmq2/', 'one scheme and one user information for every node'],
        ];
    }

    /** @dataProvider badNodeLists */
    public function testABadNodeListIsRefusedNamingTheNodeNeverThePassword(string $url, string $phrase): void
    {
        try {
            $this->connector(['KIAMO_TWITTER_AMQP_URL' => $url]);
            $this->fail('accepted ' . $url);
        } catch (TwitterQueueException $e) {
            $this->assertSame('configuration', $e->getReason());
            $this->assertStringContainsString($phrase, $e->getMessage());
            $this->assertStringNotContainsString('Qzv', (string)$e);
        }
    }

    /** The settings file's list form: access amqp.hosts, replacing host and port (not merged by index). */
    public function testASettingsFileCanListTheNodes(): void
    {
        $file = TestConnector::tempDir('site-nodes') . '/TwitterQueueConnector.config.php';
        file_put_contents($file, "<?php\nreturn [ 'access' => [ 'amqp' => [ 'hosts' => [ 'rmq1', 'rmq2:5673', '[::1]' ], 'user' => 'kiamo' ] ] ] ;\n");
        $c = new TwitterQueueConnector(new ConnectorConfiguration(), ['KIAMO_TWITTER_CONFIG_FILE' => $file, 'KIAMO_TWITTER_LOG_PATH' => TestConnector::tempDir('conf-logs')]);
        $this->assertSame([['host' => 'rmq1', 'port' => 5672], ['host' => 'rmq2', 'port' => 5673], ['host' => '::1', 'port' => 5672]], $c->brokerNodes());

        file_put_contents($file, "<?php\nreturn [ 'access' => [ 'amqp' => [ 'hosts' => [ 'rmq1', 'rmq2:0' ] ] ] ] ;\n");
        try {
            new TwitterQueueConnector(new ConnectorConfiguration(), ['KIAMO_TWITTER_CONFIG_FILE' => $file, 'KIAMO_TWITTER_LOG_PATH' => TestConnector::tempDir('conf-logs')]);
            $this->fail('accepted port 0');
        } catch (TwitterQueueException $e) {
            $this->assertStringContainsString('access amqp.hosts, node 2: the port is not a number in 1...65535', $e->getMessage());
        }
    }
}
