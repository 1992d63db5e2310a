<?php
/*
 * TwitterQueueConnector: the Kiamo messaging connector of kiamo-twitter.
 *
 * Kiamo loads this single file from <kiamo>/data/userfiles/class/Messaging/Connector, calls fetch() to
 * collect customers' X (Twitter) Direct Messages and send() to hand over an agent's reply. The file
 * never calls X: it speaks only to RabbitMQ, following the kiamo-twitter README ("Wire contract").
 * The ingest worker publishes Kiamo messages to the queue kiamo.twitter.inbound; send() publishes a
 * send command to the exchange kiamo.twitter, which the dispatch worker posts as a DM.
 *
 * Layout as in the original Kiamo samples: the connector class with its configuration arrays
 * (initConfig), a MessagingManager doing the AMQP work (readMessages, sendMessage, buildMessageRecord),
 * a Logger writing daily files "[YYYYMMDD_HHMMSS][LEVEL][method] text", and the Command Line Tester
 * at the end (php TwitterQueueConnector.php -f --test=NN), which runs only when this file is the
 * script run by the PHP command line.
 *
 * Every fetch() and send() opens its own AMQP connection and closes it before returning: Kiamo calls
 * the connector from short PHP requests, so nothing is held between calls, and a broker restart
 * between two calls costs nothing. Requires PHP 8.0+ and php-amqplib 3.2+.
 */

namespace UserFiles\Messaging\Connector ;

use Kiamo\Admin\Utility\Messaging\ConnectorConfiguration    ;
use Kiamo\Admin\Utility\Messaging\GenericConnectorInterface ;
use Kiamo\Admin\Utility\Messaging\ParameterBag              ;

use PhpAmqpLib\Channel\AMQPChannel                          ;
use PhpAmqpLib\Connection\AbstractConnection                ;
use PhpAmqpLib\Connection\AMQPConnectionConfig              ;
use PhpAmqpLib\Connection\AMQPConnectionFactory             ;
use PhpAmqpLib\Exception\AMQPProtocolChannelException       ;
use PhpAmqpLib\Exception\AMQPTimeoutException               ;
use PhpAmqpLib\Message\AMQPMessage                          ;
use PhpAmqpLib\Wire\AMQPTable                               ;

use \DateTime, \DateTimeZone ;


const TWITTER_QUEUE_CONNECTOR               = 'TwitterQueueConnector' ;
const TWITTER_QUEUE_KIAMO_ROOT              = __DIR__ . '/../../../../../' ;
const TWITTER_QUEUE_KIAMO_MESSAGING_UTILITY = TWITTER_QUEUE_KIAMO_ROOT . 'www/Symfony/src/Kiamo/Admin/Utility/Messaging/' ;


/*
 * Kiamo's ParameterBag, ConnectorConfiguration and GenericConnectorInterface come with Kiamo. Inside
 * Kiamo they are usually loaded already; otherwise they are read from Kiamo's tree, as the original
 * samples did. KIAMO_TWITTER_KIAMO_UTILITY_DIR points elsewhere (the test stand-ins, or the tester
 * run outside a Kiamo installation).
 */
function twitterQueueRequireKiamoClasses() : void
{
  $dir = getenv( 'KIAMO_TWITTER_KIAMO_UTILITY_DIR' ) ;
  if( $dir === false || $dir === '' ) $dir = TWITTER_QUEUE_KIAMO_MESSAGING_UTILITY ;
  foreach( [ 'ParameterBag', 'ConnectorConfiguration', 'GenericConnectorInterface' ] as $name )
  {
    $fqn = 'Kiamo\\Admin\\Utility\\Messaging\\' . $name ;
    if( class_exists( $fqn ) || interface_exists( $fqn ) ) continue ;
    $path = rtrim( $dir, '/\\' ) . DIRECTORY_SEPARATOR . $name . '.php' ;
    if( !is_file( $path ) )
    {
      throw new \RuntimeException( "TwitterQueueConnector: Kiamo's " . $fqn . " was not found (looked for " . $path . "). "
                                 . "Install this file in <kiamo>/data/userfiles/class/Messaging/Connector, "
                                 . "or set KIAMO_TWITTER_KIAMO_UTILITY_DIR to the folder that holds Kiamo's ParameterBag.php." ) ;
    }
    require_once $path ;
  }
}

/** Whether this file is the script the PHP command line runs (the tester), not a file Kiamo or a test includes. */
function twitterQueueIsTheCommandLineScript() : bool
{
  return PHP_SAPI === 'cli' && isset( $_SERVER[ 'SCRIPT_FILENAME' ] ) && realpath( $_SERVER[ 'SCRIPT_FILENAME' ] ) === __FILE__ ;
}

try
{
  twitterQueueRequireKiamoClasses() ;
}
catch( \RuntimeException $e )
{
  // Inside Kiamo the exception reaches Kiamo's own handler; the tester, run outside a Kiamo
  // installation, says what is missing on one KO line, as for every other failure.
  if( !twitterQueueIsTheCommandLineScript() ) throw $e ;
  echo "KO [kiamo_classes_missing] " . $e->getMessage() . "\n" ;
  exit( 1 ) ;
}


// Kiamo Messaging Connector
// ---
class TwitterQueueConnector implements GenericConnectorInterface
{
  const RootPath = __DIR__ ;

  /** Bag parameter holding the ids of the messages handed to Kiamo (space separated, oldest first). */
  const DeliveredIdsParameter   = TWITTER_QUEUE_CONNECTOR . '.deliveredMessageIds' ;
  /** Bag parameter saying when they were handed over: runs "<unix seconds>:<how many ids>", in the ids' order. */
  const DeliveredTimesParameter = TWITTER_QUEUE_CONNECTOR . '.deliveredMessageTimes' ;

  /** Acknowledge each message as soon as the bag holds it (default). */
  const AckAfterAdd  = 'afterAdd'  ;
  /** Leave messages in the queue until the next fetch finds their ids in the bag Kiamo persisted. */
  const AckNextFetch = 'nextFetch' ;

  public    $logger      = null ;
  public    $_msgManager = null ;
  protected $_parameters = null ;
  protected $_classname  = null ;
  protected $selfConf    = [] ;
  protected $runtimeConf = [] ;
  protected $accessConf  = [] ;

  /**
   * Reads the configuration (initConfig, then KIAMO_TWITTER_* environment variables over it) and
   * validates it. Throws TwitterQueueException('configuration') naming the faulty key; opens no
   * connection. $environment replaces getenv() (tests); Kiamo passes only $configuration.
   */
  public function __construct( ConnectorConfiguration $configuration, ?array $environment = null )
  {
    $this->initConfig( $configuration ) ;
    $environment = $environment ?? getenv() ;
    try
    {
      $this->applyLocalConfigFile( $environment ) ;
      $this->applyEnvironment( $environment ) ;
      $this->validateConfig() ;
    }
    catch( TwitterQueueException $e )
    {
      // Best effort: leave the reason in the usual log too, then fail the construction.
      try { $this->newLogger()->log( $e->getMessage(), TwitterQueueLogger::LOG_ERROR, __METHOD__ ) ; } catch( \Throwable $ignored ) {}
      throw $e ;
    }
    $this->logger = $this->newLogger() ;

    $this->log( "------------------------------------------------------------------------------", TwitterQueueLogger::LOG_INFOP, __METHOD__ ) ;
    if( $this->accessConf[ 'amqp' ][ 'tls' ][ 'enabled' ] && !$this->accessConf[ 'amqp' ][ 'tls' ][ 'verifyPeer' ] )
    {
      $this->log( "TLS without peer verification (access amqp.tls.verifyPeer false, KIAMO_TWITTER_AMQP_TLS_VERIFY_PEER): the traffic is encrypted, "
                . "but anyone between Kiamo and the broker can pose as the broker and read the password", TwitterQueueLogger::LOG_WARN, __METHOD__ ) ;
    }
    $this->_msgManager = new TwitterQueueMessagingManager( $this ) ;
    $this->log( "INIT : OK", TwitterQueueLogger::LOG_INFOP, __METHOD__ ) ;
  }

  /* **************************************************************************
     Connector Configuration
  */
  private function initConfig( $configuration ) : void
  {
    $this->_parameters = $configuration ;

    // Connector's configuration
    // ---
    $this->selfConf    = [
      'service'                     => 'Twitter (kiamo-twitter)',         // name shown in Kiamo's administration
      'version'                     => '1.0.0',
    ] ;

    // Runtime configuration
    // ---
    $this->runtimeConf = [
      'logLevel'                    => TwitterQueueLogger::LOG_INFO,      // a LOG_* constant or its name (DEBUG, INFO, ...)
      'logPath'                     => self::RootPath . DIRECTORY_SEPARATOR . 'logs',  // daily files in <logPath>/TwitterQueueConnector/
      'timezone'                    => date_default_timezone_get(),       // of the log lines and file names
      'fetchBatchSize'              => 50,                                // at most this many messages per fetch()
      'ackMode'                     => self::AckAfterAdd,                 // afterAdd | nextFetch (README: "Loss and repeat window")
      'rememberedFor'               => 86400,                             // seconds an id handed to Kiamo is kept in the bag, to drop its repeats
      'rememberedIds'               => 10000,                             // at most this many ids are kept (the oldest go first)
      'maxMessageBytes'             => 131072,                            // a larger inbound message is set aside unread
      'amqpLibAutoload'             => '',                                // php-amqplib's autoload.php, when not found by itself
      'traceContextFile'            => '',                                // each customer's last traceparent, from fetch() to send(); empty: <logPath>/<ClassName>/trace-contexts.json
    ] ;

    // Message broker access configuration
    // ---
    $this->accessConf  = [
      'accountId'                   => '',                                // X account id: send() publishes to send.<accountId>
      'accountIds'                  => [],                                // more X account ids whose messages fetch() accepts (with accountId)
      'amqp'                        => [
        'url'                          => '',                             // amqp[s]://user:password@host:port/vhost (a cluster: @rmq1:5672,rmq2:5672/vhost) ; when set, replaces the next six
        'host'                         => '127.0.0.1',
        'port'                         => 5672,
        'hosts'                        => [],                             // a cluster's nodes, 'host[:port]' each, tried in turn; when set, replaces host and port
        'vhost'                        => '/',
        'user'                         => 'guest',
        'password'                     => 'guest',                        // never logged nor shown
        'tls'                          => [
          'enabled'                       => false,
          'caFile'                        => '',                          // CA bundle; empty = the system's
          'verifyPeer'                    => true,
        ],
        'connectionTimeout'            => 5.0,                            // seconds to open the connection
        'readWriteTimeout'             => 10.0,                           // seconds for any broker answer
        'heartbeat'                    => 0,                              // seconds; 0 = none (each connection lives for one call)
        'confirmTimeout'               => 10.0,                           // seconds to wait for the broker's publisher confirm
        'connectionName'               => 'kiamo-twitter-connector',      // shown in the RabbitMQ management UI
      ],
      'topology'                    => [                                  // declared by the workers or `kiamo-twitter setup`, never here
        'exchange'                     => 'kiamo.twitter',
        'inboundQueue'                 => '',                             // empty: <exchange>.inbound, as the workers name it
      ],
    ] ;
  }

  /** The site's settings file, beside this one unless KIAMO_TWITTER_CONFIG_FILE names another. */
  const LocalConfigFile = 'TwitterQueueConnector.config.php' ;

  /**
   * The site's own settings, kept out of this file so that an upgrade (a new
   * TwitterQueueConnector.php over the old one) keeps them: a PHP file returning
   * [ 'self' => [...], 'runtime' => [...], 'access' => [...] ] with any of initConfig's keys,
   * merged over initConfig and under the environment. Absent is fine; an unknown key, or a file
   * that does not return such an array, fails the construction naming it.
   */
  private function applyLocalConfigFile( array $environment ) : void
  {
    $named = (string)( $environment[ 'KIAMO_TWITTER_CONFIG_FILE' ] ?? '' ) ;
    $file  = $named !== '' ? $named : self::RootPath . DIRECTORY_SEPARATOR . self::LocalConfigFile ;
    if( !is_file( $file ) )
    {
      if( $named !== '' ) throw new TwitterQueueException( 'configuration', "Configuration: KIAMO_TWITTER_CONFIG_FILE names a file that does not exist (" . $file . ")." ) ;
      return ;
    }
    $local = ( static function( string $path ) { return include $path ; } )( $file ) ;
    if( !is_array( $local ) ) throw new TwitterQueueException( 'configuration', "Configuration: " . $file . " must return an array such as [ 'access' => [ 'amqp' => [ 'url' => '...' ] ] ]." ) ;
    $defaults = [ 'self' => $this->selfConf, 'runtime' => $this->runtimeConf, 'access' => $this->accessConf ] ;
    self::checkKnownKeys( $local, $defaults, '', $file ) ;
    $this->selfConf    = array_replace_recursive( $this->selfConf,    $local[ 'self'    ] ?? [] ) ;
    $this->runtimeConf = array_replace_recursive( $this->runtimeConf, $local[ 'runtime' ] ?? [] ) ;
    $this->accessConf  = array_replace_recursive( $this->accessConf,  $local[ 'access'  ] ?? [] ) ;
    if( isset( $local[ 'access' ][ 'accountIds' ] ) ) $this->accessConf[ 'accountIds' ] = $local[ 'access' ][ 'accountIds' ] ;  // a list replaces, never merges by index
    if( isset( $local[ 'access' ][ 'amqp' ][ 'hosts' ] ) ) $this->accessConf[ 'amqp' ][ 'hosts' ] = $local[ 'access' ][ 'amqp' ][ 'hosts' ] ;
  }

  private static function checkKnownKeys( array $local, array $defaults, string $prefix, string $file ) : void
  {
    foreach( $local as $key => $value )
    {
      $path = $prefix === '' ? (string)$key : $prefix . '.' . $key ;
      if( !array_key_exists( $key, $defaults ) ) throw new TwitterQueueException( 'configuration', "Configuration: " . $file . " sets '" . $path . "', which is not a setting (see initConfig)." ) ;
      $default = $defaults[ $key ] ;
      if( is_array( $default ) && $default !== [] && array_keys( $default ) !== range( 0, count( $default ) - 1 ) )  // array_is_list is PHP 8.1
      {
        if( !is_array( $value ) ) throw new TwitterQueueException( 'configuration', "Configuration: " . $file . " sets '" . $path . "' to a single value; it holds settings (" . implode( ', ', array_keys( $default ) ) . ")." ) ;
        self::checkKnownKeys( $value, $default, $path, $file ) ;
      }
    }
  }

  /**
   * Environment variable => [ configuration, key, type ]; applied in this order after initConfig
   * (and after a URL), so a later one wins. One name per meaning, shared with the workers
   * (KIAMO_TWITTER_SERVICE, _USER_ID, _LOG_FILES_FOLDER, _AMQP_EXCHANGE, _AMQP_URL, _LOG_LEVEL,
   * _AMQP_HEARTBEAT): the connector's earlier names are still read, as aliases applied first, so
   * the shared name wins when both are set.
   */
  const EnvironmentOverrides = [
    'KIAMO_TWITTER_SERVICE_NAME'            => [ 'self',    'service',                      'string' ],  // alias
    'KIAMO_TWITTER_SERVICE'                 => [ 'self',    'service',                      'string' ],
    'KIAMO_TWITTER_LOG_LEVEL'               => [ 'runtime', 'logLevel',                     'level'  ],
    'KIAMO_TWITTER_LOG_PATH'                => [ 'runtime', 'logPath',                      'string' ],  // alias
    'KIAMO_TWITTER_LOG_FILES_FOLDER'        => [ 'runtime', 'logPath',                      'string' ],
    'KIAMO_TWITTER_LOG_TIMEZONE'            => [ 'runtime', 'timezone',                     'string' ],
    'KIAMO_TWITTER_FETCH_BATCH_SIZE'        => [ 'runtime', 'fetchBatchSize',               'int'    ],
    'KIAMO_TWITTER_ACK_MODE'                => [ 'runtime', 'ackMode',                      'string' ],
    'KIAMO_TWITTER_REMEMBERED_FOR'          => [ 'runtime', 'rememberedFor',                'int'    ],
    'KIAMO_TWITTER_REMEMBERED_IDS'          => [ 'runtime', 'rememberedIds',                'int'    ],
    'KIAMO_TWITTER_MAX_MESSAGE_BYTES'       => [ 'runtime', 'maxMessageBytes',              'int'    ],
    'KIAMO_TWITTER_AMQPLIB_AUTOLOAD'        => [ 'runtime', 'amqpLibAutoload',              'string' ],
    'KIAMO_TWITTER_TRACE_CONTEXT_FILE'      => [ 'runtime', 'traceContextFile',             'string' ],
    'KIAMO_TWITTER_ACCOUNT_ID'              => [ 'access',  'accountId',                    'string' ],  // alias
    'KIAMO_TWITTER_USER_ID'                 => [ 'access',  'accountId',                    'string' ],
    'KIAMO_TWITTER_USER_IDS'                => [ 'access',  'accountIds',                   'list'   ],
    'KIAMO_TWITTER_AMQP_HOST'               => [ 'access',  'amqp.host',                    'string' ],
    'KIAMO_TWITTER_AMQP_PORT'               => [ 'access',  'amqp.port',                    'int'    ],
    'KIAMO_TWITTER_AMQP_VHOST'              => [ 'access',  'amqp.vhost',                   'string' ],
    'KIAMO_TWITTER_AMQP_USER'               => [ 'access',  'amqp.user',                    'string' ],
    'KIAMO_TWITTER_AMQP_PASSWORD'           => [ 'access',  'amqp.password',                'string' ],
    'KIAMO_TWITTER_AMQP_PASSWORD_FILE'      => [ 'access',  'amqp.password',                'file'   ],
    'KIAMO_TWITTER_AMQP_TLS'                => [ 'access',  'amqp.tls.enabled',             'bool'   ],
    'KIAMO_TWITTER_AMQP_TLS_CA_FILE'        => [ 'access',  'amqp.tls.caFile',              'string' ],
    'KIAMO_TWITTER_AMQP_TLS_VERIFY_PEER'    => [ 'access',  'amqp.tls.verifyPeer',          'bool'   ],
    'KIAMO_TWITTER_AMQP_CONNECTION_TIMEOUT' => [ 'access',  'amqp.connectionTimeout',       'float'  ],
    'KIAMO_TWITTER_AMQP_READ_WRITE_TIMEOUT' => [ 'access',  'amqp.readWriteTimeout',        'float'  ],
    'KIAMO_TWITTER_AMQP_HEARTBEAT'          => [ 'access',  'amqp.heartbeat',               'int'    ],
    'KIAMO_TWITTER_AMQP_CONFIRM_TIMEOUT'    => [ 'access',  'amqp.confirmTimeout',          'float'  ],
    'KIAMO_TWITTER_AMQP_CONNECTION_NAME'    => [ 'access',  'amqp.connectionName',          'string' ],
    'KIAMO_TWITTER_EXCHANGE'                => [ 'access',  'topology.exchange',            'string' ],  // alias
    'KIAMO_TWITTER_AMQP_EXCHANGE'           => [ 'access',  'topology.exchange',            'string' ],
    'KIAMO_TWITTER_INBOUND_QUEUE'           => [ 'access',  'topology.inboundQueue',        'string' ],
  ] ;

  /**
   * KIAMO_TWITTER_AMQP_URL first (it sets host, port, vhost, user, password and TLS), then every other
   * KIAMO_TWITTER_* variable over it. Every readable value is applied before the first unreadable one
   * is thrown (naming its variable), so the error still lands in the configured log folder.
   */
  private function applyEnvironment( array $environment ) : void
  {
    $firstError = null ;
    $url = $environment[ 'KIAMO_TWITTER_AMQP_URL' ] ?? '' ;
    if( $url !== '' ) $this->accessConf[ 'amqp' ][ 'url' ] = $url ;
    if( $this->accessConf[ 'amqp' ][ 'url' ] !== '' )
    {
      try
      {
        $parsed = self::parseAmqpUrl( $this->accessConf[ 'amqp' ][ 'url' ] ) ;
        $tls    = $parsed[ 'tls' ] ;
        unset( $parsed[ 'tls' ] ) ;
        foreach( [ 'caFile', 'verifyPeer' ] as $k )
        {
          if( !array_key_exists( 'tls.' . $k, $parsed ) ) continue ;
          $this->accessConf[ 'amqp' ][ 'tls' ][ $k ] = $parsed[ 'tls.' . $k ] ;
          unset( $parsed[ 'tls.' . $k ] ) ;
        }
        $this->accessConf[ 'amqp' ] = array_merge( $this->accessConf[ 'amqp' ], $parsed ) ;
        $this->accessConf[ 'amqp' ][ 'tls' ][ 'enabled' ] = $tls ;
      }
      catch( TwitterQueueException $e )
      {
        $firstError = $e ;
      }
    }

    foreach( self::EnvironmentOverrides as $variable => [ $confKey, $key, $type ] )
    {
      if( !array_key_exists( $variable, $environment ) || $environment[ $variable ] === '' ) continue ;
      try
      {
        $value = self::convertSetting( (string)$environment[ $variable ], $type, $variable ) ;
      }
      catch( TwitterQueueException $e )
      {
        $firstError = $firstError ?? $e ;
        continue ;
      }
      $conf  = &$this->confRef( $confKey ) ;
      self::setInDict( $conf, $key, $value ) ;
      unset( $conf ) ;
    }
    if( $firstError !== null ) throw $firstError ;
  }

  /** Typed value of an environment variable; the message names the variable, never a password. */
  private static function convertSetting( string $raw, string $type, string $variable )
  {
    $fail = function( string $expected ) use ( $raw, $variable ) {
      $shown = str_contains( $variable, 'PASSWORD' ) ? '***' : "'" . $raw . "'" ;
      return new TwitterQueueException( 'configuration', "Configuration: " . $variable . " must be " . $expected . " (got " . $shown . ")." ) ;
    } ;
    switch( $type )
    {
    case 'string' :
      return $raw ;
    case 'int' :
      if( preg_match( '/^-?\d+$/D', trim( $raw ) ) !== 1 ) throw $fail( 'an integer' ) ;
      return (int)trim( $raw ) ;
    case 'float' :
      if( !is_numeric( trim( $raw ) ) ) throw $fail( 'a number of seconds' ) ;
      return (float)trim( $raw ) ;
    case 'bool' :
      $b = filter_var( trim( $raw ), FILTER_VALIDATE_BOOLEAN, FILTER_NULL_ON_FAILURE ) ;
      if( $b === null ) throw $fail( 'true or false' ) ;
      return $b ;
    case 'level' :
      $level = TwitterQueueLogger::parseLevel( $raw ) ;
      if( $level === null ) throw $fail( 'a log level (' . implode( ', ', array_keys( TwitterQueueLogger::LEVELS ) ) . ')' ) ;
      return $level ;
    case 'list' :  // comma or space separated
      return array_values( array_filter( preg_split( '/[\s,]+/', trim( $raw ) ), function( $v ) { return $v !== '' ; } ) ) ;
    case 'file' :  // the Docker-secrets convention: the value is in a file
      $content = is_readable( $raw ) ? file_get_contents( $raw ) : false ;
      if( $content === false ) throw new TwitterQueueException( 'configuration', "Configuration: " . $variable . " names a file that cannot be read (" . $raw . ")." ) ;
      return rtrim( $content, "\r\n" ) ;
    }
    throw new \LogicException( 'unknown setting type ' . $type ) ;
  }

  /**
   * amqp://user:password@host:port/vhost (amqps:// for TLS): RabbitMQ's URI form. Parts are
   * percent-decoded; an empty path or "/" is the default vhost "/". The query takes the keys the
   * workers read from the same URL, so one URL serves both: heartbeat (seconds), connection_timeout
   * (milliseconds), connection_name, and for amqps cacertfile and verify (verify_peer or
   * verify_none). Throws without echoing the URL, which holds the password.
   *
   * A cluster, as the workers read it: several nodes separated by commas after the last '@'
   * (amqp://user:password@rmq1:5672,rmq2:5672,[::1]:5673/vhost), sharing the scheme, credentials,
   * vhost and query; each node takes its own port or the scheme's default. They come back as
   * 'hosts' ('host:port' each), with 'host' and 'port' those of the first; a single node gives
   * an empty 'hosts'. An empty node, a bad port or a scheme repeated per node is refused, naming
   * the node by its position.
   */
  public static function parseAmqpUrl( string $url ) : array
  {
    $bad = function( string $why ) { return new TwitterQueueException( 'configuration', "Configuration: the AMQP URL (access amqp.url or KIAMO_TWITTER_AMQP_URL): " . $why . "." ) ; } ;
    $hosts = [] ;
    $schemeEnd = strpos( $url, '://' ) ;
    if( $schemeEnd !== false )
    {
      // The user information ends at the last '@', as the workers and their redaction read it.
      $rest     = substr( $url, $schemeEnd + 3 ) ;
      $at       = strrpos( $rest, '@' ) ;
      $userInfo = $at === false ? '' : substr( $rest, 0, $at + 1 ) ;
      $after    = $at === false ? $rest : substr( $rest, $at + 1 ) ;
      if( str_contains( substr( $after, 0, strcspn( $after, '?#' ) ), '://' ) || preg_match( '/@[^@]*,amqps?:\/\//i', $userInfo ) === 1 )
      {
        throw $bad( "one scheme and one user information for every node: write amqp[s]://user:password@host1:port,host2:port/vhost" ) ;
      }
      $listEnd = strcspn( $after, '/?#' ) ;
      $list    = substr( $after, 0, $listEnd ) ;
      if( str_contains( $list, ',' ) )
      {
        $tls     = strtolower( substr( $url, 0, $schemeEnd ) ) === 'amqps' ;
        $entries = explode( ',', $list ) ;
        foreach( $entries as $i => $entry )
        {
          $hosts[] = self::parseNode( $entry, $tls ? 5671 : 5672, function( string $why ) use ( $bad, $i ) { return $bad( "node " . ( $i + 1 ) . " of the list: " . $why ) ; } ) ;
        }
        // The rest is read as the single-node URL of the first node.
        $url = substr( $url, 0, $schemeEnd + 3 ) . $userInfo . $entries[ 0 ] . substr( $after, $listEnd ) ;
      }
    }
    $parts = parse_url( $url ) ;
    if( $parts === false || !isset( $parts[ 'scheme' ], $parts[ 'host' ] ) || !in_array( strtolower( $parts[ 'scheme' ] ), [ 'amqp', 'amqps' ], true ) )
    {
      throw new TwitterQueueException( 'configuration', "Configuration: the AMQP URL (access amqp.url or KIAMO_TWITTER_AMQP_URL) must look like amqp://user:password@host:5672/vhost." ) ;
    }
    $tls   = strtolower( $parts[ 'scheme' ] ) === 'amqps' ;
    $path  = $parts[ 'path' ] ?? '' ;
    $vhost = ( $path === '' || $path === '/' ) ? '/' : rawurldecode( substr( $path, 1 ) ) ;
    $res   = [
      'host'     => rawurldecode( $parts[ 'host' ] ),
      'port'     => $parts[ 'port' ] ?? ( $tls ? 5671 : 5672 ),
      'vhost'    => $vhost,
      'tls'      => $tls,
    ] ;
    if( isset( $parts[ 'user' ] ) ) $res[ 'user'     ] = rawurldecode( $parts[ 'user' ] ) ;
    if( isset( $parts[ 'pass' ] ) ) $res[ 'password' ] = rawurldecode( $parts[ 'pass' ] ) ;
    $res[ 'hosts' ] = array_map( function( array $node ) { return self::nodeLabel( $node ) ; }, $hosts ) ;
    foreach( array_filter( explode( '&', $parts[ 'query' ] ?? '' ) ) as $pair )
    {
      [ $key, $value ] = array_pad( explode( '=', $pair, 2 ), 2, '' ) ;
      $value = rawurldecode( $value ) ;
      switch( $key )
      {
      case 'heartbeat' :
        if( preg_match( '/^\d{1,5}$/D', $value ) !== 1 || (int)$value > 65535 ) throw $bad( "heartbeat must be a number of seconds in 0...65535" ) ;
        $res[ 'heartbeat' ] = (int)$value ;
        break ;
      case 'connection_timeout' :
        if( preg_match( '/^\d{1,9}$/D', $value ) !== 1 || (int)$value === 0 ) throw $bad( "connection_timeout must be a positive number of milliseconds" ) ;
        $res[ 'connectionTimeout' ] = (int)$value / 1000 ;
        break ;
      case 'connection_name' :
        $res[ 'connectionName' ] = $value ;
        break ;
      case 'cacertfile' :
      case 'verify' :
        if( !$tls ) throw $bad( "'" . $key . "' needs the amqps scheme" ) ;
        if( $key === 'cacertfile' ) { $res[ 'tls.caFile' ] = $value ; break ; }
        if( $value !== 'verify_peer' && $value !== 'verify_none' ) throw $bad( "verify must be verify_peer or verify_none" ) ;
        $res[ 'tls.verifyPeer' ] = $value === 'verify_peer' ;
        break ;
      case 'certfile' :
      case 'keyfile' :
        throw $bad( "'" . $key . "': the connector presents no client certificate (the broker checks Kiamo's user and password)" ) ;
      default :
        throw $bad( "unknown query parameter '" . preg_replace( '/[^A-Za-z0-9_.-]/', '?', substr( $key, 0, 40 ) ) . "'" ) ;
      }
    }
    return $res ;
  }

  /**
   * One node of a cluster's list, 'host[:port]' ('[v6]:port' for IPv6), as [ 'host' => , 'port' => ].
   * $fail makes the exception from a reason; the reason never quotes the text (a mis-split URL
   * could put part of a password there).
   */
  public static function parseNode( string $text, int $defaultPort, callable $fail ) : array
  {
    if( $text === '' ) throw $fail( "empty; write host[:port] for every node, separated by commas" ) ;
    $host = $text ;
    $port = null ;
    if( $text[ 0 ] === '[' )
    {
      $close = strpos( $text, ']' ) ;
      if( $close === false ) throw $fail( "unterminated IPv6 address" ) ;
      $host  = substr( $text, 1, $close - 1 ) ;
      $tail  = substr( $text, $close + 1 ) ;
      if( $tail !== '' )
      {
        if( $tail[ 0 ] !== ':' ) throw $fail( "unexpected text after the IPv6 address" ) ;
        $port = substr( $tail, 1 ) ;
      }
    }
    elseif( ( $colon = strrpos( $text, ':' ) ) !== false )
    {
      $host = substr( $text, 0, $colon ) ;
      $port = substr( $text, $colon + 1 ) ;
    }
    $host = rawurldecode( $host ) ;
    if( $host === '' ) throw $fail( "the host is empty" ) ;
    if( $port !== null && ( preg_match( '/^\d{1,5}$/D', $port ) !== 1 || (int)$port < 1 || (int)$port > 65535 ) ) throw $fail( "the port is not a number in 1...65535" ) ;
    return [ 'host' => $host, 'port' => $port === null ? $defaultPort : (int)$port ] ;
  }

  /** 'host:port', an IPv6 address in brackets: how a node is written in 'hosts' and shown. */
  public static function nodeLabel( array $node ) : string
  {
    return ( str_contains( $node[ 'host' ], ':' ) ? '[' . $node[ 'host' ] . ']' : $node[ 'host' ] ) . ':' . $node[ 'port' ] ;
  }

  /**
   * The broker nodes to try, in order: those of amqp.hosts (a cluster) or else amqp.host and
   * amqp.port. Throws TwitterQueueException('configuration') naming the faulty entry of amqp.hosts.
   */
  public function brokerNodes() : array
  {
    $a = $this->accessConf[ 'amqp' ] ;
    // parse_url keeps an IPv6 host's brackets; a node holds the bare address (nodeLabel adds them).
    if( $a[ 'hosts' ] === [] ) return [ [ 'host' => is_string( $a[ 'host' ] ) ? trim( $a[ 'host' ], '[]' ) : $a[ 'host' ], 'port' => $a[ 'port' ] ] ] ;
    $nodes = [] ;
    foreach( array_values( $a[ 'hosts' ] ) as $i => $entry )
    {
      $fail    = function( string $why ) use ( $i ) { return new TwitterQueueException( 'configuration', "Configuration: access amqp.hosts, node " . ( $i + 1 ) . ": " . $why . "." ) ; } ;
      if( !is_string( $entry ) ) throw $fail( "must be a string 'host[:port]'" ) ;
      $nodes[] = self::parseNode( $entry, $a[ 'tls' ][ 'enabled' ] ? 5671 : 5672, $fail ) ;
    }
    return $nodes ;
  }

  /** One line naming the first faulty key; nothing is checked against the broker here. */
  private function validateConfig() : void
  {
    $bad = function( string $key, string $rule ) { return new TwitterQueueException( 'configuration', "Configuration: " . $key . " " . $rule . "." ) ; } ;
    $a   = $this->accessConf[ 'amqp' ] ;
    $r   = $this->runtimeConf ;

    if( !is_string( $this->selfConf[ 'service' ] ) || trim( $this->selfConf[ 'service' ] ) === '' ) throw $bad( 'self service (KIAMO_TWITTER_SERVICE, or its alias KIAMO_TWITTER_SERVICE_NAME)', 'must be a non-empty name' ) ;
    if( !is_string( $a[ 'host' ] ) || $a[ 'host' ] === '' )                                           throw $bad( 'access amqp.host (KIAMO_TWITTER_AMQP_HOST)', 'must be a host name or address' ) ;
    if( !is_int( $a[ 'port' ] ) || $a[ 'port' ] < 1 || $a[ 'port' ] > 65535 )                         throw $bad( 'access amqp.port (KIAMO_TWITTER_AMQP_PORT)', 'must be an integer between 1 and 65535' ) ;
    if( !is_array( $a[ 'hosts' ] ) || ( $a[ 'hosts' ] !== [] && array_keys( $a[ 'hosts' ] ) !== range( 0, count( $a[ 'hosts' ] ) - 1 ) ) ) throw $bad( 'access amqp.hosts', "must be a list of 'host[:port]'" ) ;
    $this->brokerNodes() ;
    if( !is_string( $a[ 'vhost' ] ) || $a[ 'vhost' ] === '' )                                         throw $bad( 'access amqp.vhost (KIAMO_TWITTER_AMQP_VHOST)', 'must be a virtual host name ("/" by default)' ) ;
    if( !is_string( $a[ 'user' ] ) || $a[ 'user' ] === '' )                                           throw $bad( 'access amqp.user (KIAMO_TWITTER_AMQP_USER)', 'must be a user name' ) ;
    if( !is_string( $a[ 'password' ] ) )                                                              throw $bad( 'access amqp.password (KIAMO_TWITTER_AMQP_PASSWORD)', 'must be a string' ) ;
    foreach( [ 'connectionTimeout' => 'CONNECTION_TIMEOUT', 'readWriteTimeout' => 'READ_WRITE_TIMEOUT', 'confirmTimeout' => 'CONFIRM_TIMEOUT' ] as $k => $env )
    {
      if( !is_numeric( $a[ $k ] ) || $a[ $k ] <= 0 ) throw $bad( 'access amqp.' . $k . ' (KIAMO_TWITTER_AMQP_' . $env . ')', 'must be a positive number of seconds' ) ;
    }
    if( !is_int( $a[ 'heartbeat' ] ) || $a[ 'heartbeat' ] < 0 )                                      throw $bad( 'access amqp.heartbeat (KIAMO_TWITTER_AMQP_HEARTBEAT)', 'must be a whole number of seconds, 0 for none' ) ;
    if( $a[ 'heartbeat' ] > 0 && $a[ 'readWriteTimeout' ] < 2 * $a[ 'heartbeat' ] )                  throw $bad( 'access amqp.readWriteTimeout (KIAMO_TWITTER_AMQP_READ_WRITE_TIMEOUT)', 'must be at least twice amqp.heartbeat' ) ;
    if( !is_bool( $a[ 'tls' ][ 'enabled' ] ) || !is_bool( $a[ 'tls' ][ 'verifyPeer' ] ) )           throw $bad( 'access amqp.tls.enabled / amqp.tls.verifyPeer', 'must be true or false' ) ;
    if( $a[ 'tls' ][ 'caFile' ] !== '' && !is_readable( $a[ 'tls' ][ 'caFile' ] ) )                  throw $bad( 'access amqp.tls.caFile (KIAMO_TWITTER_AMQP_TLS_CA_FILE)', 'names a file that cannot be read (' . $a[ 'tls' ][ 'caFile' ] . ')' ) ;
    // The workers name every queue after the exchange: renaming the exchange alone must move the
    // inbound queue with it, or the connector would read a queue nobody fills.
    if( is_string( $this->accessConf[ 'topology' ][ 'exchange' ] ) && $this->accessConf[ 'topology' ][ 'inboundQueue' ] === '' )
    {
      $this->accessConf[ 'topology' ][ 'inboundQueue' ] = $this->accessConf[ 'topology' ][ 'exchange' ] . '.inbound' ;
    }
    foreach( [ 'exchange' => 'KIAMO_TWITTER_AMQP_EXCHANGE', 'inboundQueue' => 'KIAMO_TWITTER_INBOUND_QUEUE' ] as $k => $env )
    {
      $v = $this->accessConf[ 'topology' ][ $k ] ;
      if( !is_string( $v ) || $v === '' || strlen( $v ) > 255 ) throw $bad( 'access topology.' . $k . ' (' . $env . ')', 'must be a name of 1 to 255 bytes' ) ;
    }
    $account = $this->accessConf[ 'accountId' ] ;
    if( !is_string( $account ) || ( $account !== '' && !TwitterQueueIds::isXId( $account ) ) ) throw $bad( 'access accountId (KIAMO_TWITTER_USER_ID, or its alias KIAMO_TWITTER_ACCOUNT_ID)', "must be the X account's numeric id, or empty" ) ;
    $accounts = $this->accessConf[ 'accountIds' ] ;
    if( !is_array( $accounts ) || count( array_filter( $accounts, function( $id ) { return !TwitterQueueIds::isXId( $id ) ; } ) ) > 0 ) throw $bad( 'access accountIds (KIAMO_TWITTER_USER_IDS)', "must be X accounts' numeric ids, separated by commas" ) ;

    if( TwitterQueueLogger::parseLevel( $r[ 'logLevel' ] ) === null )                                throw $bad( 'runtime logLevel (KIAMO_TWITTER_LOG_LEVEL)', 'must be one of ' . implode( ', ', array_keys( TwitterQueueLogger::LEVELS ) ) ) ;
    if( !is_string( $r[ 'logPath' ] ) || $r[ 'logPath' ] === '' )                                     throw $bad( 'runtime logPath (KIAMO_TWITTER_LOG_FILES_FOLDER, or its alias KIAMO_TWITTER_LOG_PATH)', 'must be a folder' ) ;
    if( !in_array( $r[ 'timezone' ], DateTimeZone::listIdentifiers(), true ) && $r[ 'timezone' ] !== 'UTC' ) throw $bad( 'runtime timezone (KIAMO_TWITTER_LOG_TIMEZONE)', 'must be a time zone such as Europe/Paris' ) ;
    if( !is_int( $r[ 'fetchBatchSize' ] ) || $r[ 'fetchBatchSize' ] < 1 || $r[ 'fetchBatchSize' ] > 1000 ) throw $bad( 'runtime fetchBatchSize (KIAMO_TWITTER_FETCH_BATCH_SIZE)', 'must be an integer between 1 and 1000' ) ;
    if( !in_array( $r[ 'ackMode' ], [ self::AckAfterAdd, self::AckNextFetch ], true ) )              throw $bad( 'runtime ackMode (KIAMO_TWITTER_ACK_MODE)', 'must be ' . self::AckAfterAdd . ' or ' . self::AckNextFetch ) ;
    if( !is_int( $r[ 'maxMessageBytes' ] ) || $r[ 'maxMessageBytes' ] < 4096 || $r[ 'maxMessageBytes' ] > 16777216 ) throw $bad( 'runtime maxMessageBytes (KIAMO_TWITTER_MAX_MESSAGE_BYTES)', 'must be an integer between 4096 and 16777216' ) ;
    if( !is_int( $r[ 'rememberedIds' ] ) || $r[ 'rememberedIds' ] < $r[ 'fetchBatchSize' ] || $r[ 'rememberedIds' ] > 100000 ) throw $bad( 'runtime rememberedIds (KIAMO_TWITTER_REMEMBERED_IDS)', 'must be an integer between fetchBatchSize and 100000' ) ;
    if( !is_int( $r[ 'rememberedFor' ] ) || $r[ 'rememberedFor' ] < 60 || $r[ 'rememberedFor' ] > 30 * 86400 ) throw $bad( 'runtime rememberedFor (KIAMO_TWITTER_REMEMBERED_FOR)', 'must be a number of seconds between 60 and 2592000 (30 days)' ) ;
  }

  private function newLogger() : TwitterQueueLogger
  {
    $level    = TwitterQueueLogger::parseLevel( $this->runtimeConf[ 'logLevel' ] ) ?? TwitterQueueLogger::LOG_INFO ;
    $timezone = in_array( $this->runtimeConf[ 'timezone' ], DateTimeZone::listIdentifiers(), true ) ? $this->runtimeConf[ 'timezone' ] : 'UTC' ;
    return new TwitterQueueLogger( (string)$this->runtimeConf[ 'logPath' ], $this->getClassName(), $level, $timezone ) ;
  }

  public   function getConf( $confKey, $key = null )
  {
    $conf = null ;
    switch( $confKey )
    {
    case "self" :
      $conf = $this->selfConf ;
      break ;
    case "runtime" :
      $conf = $this->runtimeConf ;
      break ;
    case "access" :
      $conf = $this->accessConf ;
      break ;
    }
    return $conf === null ? null : self::getInDict( $conf, $key ) ;
  }

  /** The X accounts whose messages fetch() accepts: accountId and accountIds; empty when none is configured. */
  public function acceptedAccountIds() : array
  {
    return array_values( array_unique( array_filter( array_merge( [ $this->accessConf[ 'accountId' ] ], $this->accessConf[ 'accountIds' ] ), function( $id ) { return $id !== '' ; } ) ) ) ;
  }

  /** The whole configuration with the password and the URL's password masked (tester 00, logs). */
  public function getPublicConf() : array
  {
    $access = $this->accessConf ;
    $access[ 'amqp' ][ 'password' ] = '***' ;
    // The password ends at the last '@' (as the URL is read): a raw '@' in it must not end the mask.
    if( $access[ 'amqp' ][ 'url' ] !== '' ) $access[ 'amqp' ][ 'url' ] = preg_replace( '#^([a-z]+://[^:/@]*):.*@#is', '$1:***@', $access[ 'amqp' ][ 'url' ] ) ;
    return [ 'self' => $this->selfConf, 'runtime' => $this->runtimeConf, 'access' => $access ] ;
  }


  /* **************************************************************************
     GLOBAL Connector
  */

  public function getClassName() : string
  {
    if( !empty( $this->_classname ) ) return $this->_classname ;
    $_array = explode( '\\', get_class( $this ) ) ;
    $this->_classname = end( $_array ) ;
    return $this->_classname ;
  }

  /** The name Kiamo shows: configuration "self.service". */
  public function getName() : string
  {
    return $this->getConf( "self", "service" ) ;
  }

  public static function getIcon() : ?string
  {
    return null ;
  }

  /**
   * Takes up to fetchBatchSize Kiamo messages from the inbound queue and adds each to the bag with
   * the five Kiamo fields. A message leaves the queue only after addMessage() returned (afterAdd),
   * or only once a later fetch finds its id in the bag Kiamo persisted (nextFetch). Messages whose
   * id the bag already remembers are acknowledged and not added again. Invalid messages are logged
   * and dead-lettered. Throws TwitterQueueException only when nothing was added to the bag; once a
   * message is in it, a broker failure is logged and the bag returned, so Kiamo keeps what it holds.
   */
  public function fetch( $parameterBag ) : ParameterBag
  {
    $max      = $this->getConf( 'runtime', 'fetchBatchSize' ) ;
    $ackMode  = $this->getConf( 'runtime', 'ackMode'        ) ;
    $keep     = $this->getConf( 'runtime', 'rememberedIds'  ) ;
    $this->log( "Fetching up to " . $max . " message(s), ackMode=" . $ackMode, TwitterQueueLogger::LOG_INFO, __METHOD__ ) ;

    $params   = $parameterBag->getParameters() ;
    $params   = is_array( $params ) ? $params : [] ;
    $now      = time() ;
    // Ids are kept by age, so a whole backlog the ingest publishes again (a crash between two
    // confirmed chunks) finds every one of its ids still here; the count only bounds the bag.
    // A repeat is acknowledged and never re-added, so repeats cannot push out other ids.
    $known    = self::pruneDeliveredIds( self::decodeDeliveredIds( $params[ self::DeliveredIdsParameter ] ?? '', $params[ self::DeliveredTimesParameter ] ?? null, $now ),
                                         $now - (int)$this->getConf( 'runtime', 'rememberedFor' ), $keep ) ;
    $knownSet = array_flip( array_column( $known, 0 ) ) ;
    $hadIds   = isset( $params[ self::DeliveredIdsParameter ] ) ;  // ids that all expired are cleared too
    $added    = 0 ;
    $traces   = [] ;  // customer id => the trace context of their latest message, for the reply's send()
    $method   = __METHOD__ ;  // closures would log as {closure}

    $deliver  = function( array $record ) use ( $parameterBag, &$known, &$knownSet, &$added, &$traces, $keep, $now, $method ) : bool
    {
      if( isset( $knownSet[ $record[ 'id' ] ] ) ) return false ;  // already handed to Kiamo
      if( isset( $record[ 'trace' ] ) ) $traces[ $record[ 'senderId' ] ] = $record[ 'trace' ] ;
      $inputMsg = [
        'id'         => $record[ 'id'         ],
        'createdAt'  => $record[ 'createdAt'  ],
        'senderId'   => $record[ 'senderId'   ],
        'senderName' => $record[ 'senderName' ],
        'content'    => $record[ 'content'    ],
      ] ;
      $this->log( "=> adding message id=" . $inputMsg[ 'id' ] . ", senderId=" . $inputMsg[ 'senderId' ], TwitterQueueLogger::LOG_INFO, $method ) ;
      $this->log( "=> adding message : " . json_encode( $inputMsg, JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE ), TwitterQueueLogger::LOG_DEBUG, $method ) ;
      $parameterBag->addMessage( $inputMsg ) ;
      $added++ ;
      // The remembered ids travel with the messages (stored in the bag before fetch() returns it,
      // whatever happens): Kiamo persists both from the same bag.
      $known[] = [ $record[ 'id' ], $now ] ;
      $knownSet[ $record[ 'id' ] ] = true ;
      if( count( $known ) > $keep )
      {
        $known    = array_slice( $known, -$keep ) ;
        $knownSet = array_flip( array_column( $known, 0 ) ) ;
      }
      return true ;
    } ;

    try
    {
      $stats = $this->_msgManager->readMessages( $max, $deliver, $ackMode === self::AckAfterAdd ) ;
    }
    catch( \Throwable $e )
    {
      if( $known !== [] || $hadIds ) self::storeDeliveredIds( $parameterBag, $known ) ;
      $this->rememberTraces( $traces, $now ) ;
      if( $added === 0 )
      {
        $this->log( "Fetch failed, nothing taken from the queue : " . $e->getMessage(), TwitterQueueLogger::LOG_ERROR, __METHOD__ ) ;
        throw $e ;
      }
      $this->log( "Fetch interrupted after " . $added . " message(s), which stay in the bag; the rest stays queued : " . $e->getMessage(), TwitterQueueLogger::LOG_ERROR, __METHOD__ ) ;
      return $parameterBag ;
    }

    if( $known !== [] || $hadIds ) self::storeDeliveredIds( $parameterBag, $known ) ;
    $this->rememberTraces( $traces, $now ) ;
    $this->log( "Fetched " . $added . " message(s)"
              . ", " . $stats[ 'known'    ] . " already delivered"
              . ", " . $stats[ 'setAside' ] . " set aside"
              . ", " . $stats[ 'left'     ] . " left in the queue", TwitterQueueLogger::LOG_INFO, __METHOD__ ) ;
    return $parameterBag ;
  }

  /**
   * Publishes the agent's reply as a send command (fresh id and message_id, persistent, mandatory)
   * to the exchange with routing key send.<accountId>, and returns once the broker confirmed it
   * (then the command is on the broker's disk). An invalid task, an unroutable, refused or
   * unconfirmed publish throws TwitterQueueException; an invalid task never opens a connection.
   */
  public function send( array $messageTask ) : void
  {
    try
    {
      $command = TwitterQueueMessagingManager::buildSendCommand( $messageTask, $this->getConf( 'access', 'accountId' ), TwitterQueueUuids::v4() ) ;
    }
    catch( TwitterQueueException $e )
    {
      $this->log( $e->getMessage(), TwitterQueueLogger::LOG_ERROR, __METHOD__ ) ;
      throw $e ;
    }
    $this->log( "Sending command " . $command[ 'id' ] . " to user id '" . $command[ 'to' ][ 'id' ] . "' (" . mb_strlen( $command[ 'content' ] ) . " characters, "
              . TwitterQueueMessagingManager::describeAttachments( $command ) . ")", TwitterQueueLogger::LOG_INFO, __METHOD__ ) ;
    $trace = null ;
    try
    {
      $trace = $this->traceContexts()->lookup( $command[ 'to' ][ 'id' ], time() ) ;
    }
    catch( \Throwable $e )
    {
      // Tracing never holds a reply back: the command goes without its turn's traceparent.
      $this->log( "Trace context of customer " . $command[ 'to' ][ 'id' ] . " not read : " . $e->getMessage(), TwitterQueueLogger::LOG_WARN, __METHOD__ ) ;
    }
    try
    {
      $this->_msgManager->sendMessage( $command, $trace ) ;
    }
    catch( \Throwable $e )
    {
      $this->log( "Command " . $command[ 'id' ] . " not sent : " . $e->getMessage(), TwitterQueueLogger::LOG_ERROR, __METHOD__ ) ;
      throw $e ;
    }
    $this->log( "==> command " . $command[ 'id' ] . " confirmed by the broker", TwitterQueueLogger::LOG_INFO, __METHOD__ ) ;
  }


  /**
   * Where fetch() leaves each customer's latest traceparent for the reply's send() (Kiamo gives
   * send() the customer, not the message answered): runtime traceContextFile, kept for
   * rememberedFor seconds and at most rememberedIds customers.
   */
  public function traceContexts() : TwitterQueueTraceContexts
  {
    $file = (string)$this->getConf( 'runtime', 'traceContextFile' ) ;
    if( $file === '' ) $file = rtrim( (string)$this->getConf( 'runtime', 'logPath' ), '/\\' ) . DIRECTORY_SEPARATOR . $this->getClassName() . DIRECTORY_SEPARATOR . 'trace-contexts.json' ;
    return new TwitterQueueTraceContexts( $file, (int)$this->getConf( 'runtime', 'rememberedFor' ), (int)$this->getConf( 'runtime', 'rememberedIds' ) ) ;
  }

  /** Remembers the fetched customers' trace contexts; a failure is logged, never thrown (tracing never holds a message back). */
  private function rememberTraces( array $traces, int $now ) : void
  {
    if( $traces === [] ) return ;
    try
    {
      $this->traceContexts()->remember( $traces, $now ) ;
    }
    catch( \Throwable $e )
    {
      $this->log( "Trace contexts of " . count( $traces ) . " customer(s) not kept : " . $e->getMessage(), TwitterQueueLogger::LOG_WARN, __METHOD__ ) ;
    }
  }


  /* **************************************************************************
     Inner Tools
  */

  public   function log( $str, $level = TwitterQueueLogger::LOG_DEBUG, $method = '', $indentLevel = 0 ) : void
  {
    if( $this->logger !== null ) $this->logger->log( $str, $level, $method, $indentLevel ) ;
  }

  /**
   * The remembered ids as [ id, unix seconds handed to Kiamo ] pairs, oldest first, from the two bag
   * parameters. Times that are missing (a bag from a version that kept only ids) or do not match
   * the ids count as $now: an id is then kept longer, never forgotten early.
   */
  public static function decodeDeliveredIds( $ids, $times = null, ?int $now = null ) : array
  {
    $now = $now ?? time() ;
    if( !is_string( $ids ) || trim( $ids ) === '' ) return [] ;
    $list = array_values( array_filter( explode( ' ', $ids ), function( $id ) { return $id !== '' ; } ) ) ;
    $at   = [] ;
    if( is_string( $times ) )
    {
      foreach( array_filter( explode( ' ', $times ) ) as $run )
      {
        if( preg_match( '/^(\d{1,12}):(\d{1,6})$/D', $run, $m ) !== 1 || count( $at ) + (int)$m[ 2 ] > count( $list ) ) { $at = [] ; break ; }
        for( $i = 0, $t = min( (int)$m[ 1 ], $now ) ; $i < (int)$m[ 2 ] ; $i++ ) $at[] = $t ;
      }
    }
    if( count( $at ) !== count( $list ) ) $at = array_fill( 0, count( $list ), $now ) ;
    return array_map( null, $list, $at ) ;
  }

  /** Drops the ids handed over before $since, then the oldest beyond $keep. */
  public static function pruneDeliveredIds( array $known, int $since, int $keep ) : array
  {
    $known = array_values( array_filter( $known, function( $pair ) use ( $since ) { return $pair[ 1 ] >= $since ; } ) ) ;
    return count( $known ) > $keep ? array_slice( $known, -$keep ) : $known ;
  }

  /** Writes the ids and their times ("<unix>:<count>" runs, so a fetch costs one number) into the bag. */
  private static function storeDeliveredIds( $parameterBag, array $known ) : void
  {
    $runs = [] ;
    foreach( $known as [ , $at ] )
    {
      $last = count( $runs ) - 1 ;
      if( $last >= 0 && $runs[ $last ][ 0 ] === $at ) $runs[ $last ][ 1 ]++ ;
      else $runs[] = [ $at, 1 ] ;
    }
    $parameterBag->setParameter( self::DeliveredIdsParameter,   implode( ' ', array_column( $known, 0 ) ) ) ;
    $parameterBag->setParameter( self::DeliveredTimesParameter, implode( ' ', array_map( function( $r ) { return $r[ 0 ] . ':' . $r[ 1 ] ; }, $runs ) ) ) ;
  }

  public static function getInDict( $dict, $key = null )
  {
    if( $key === null ) return $dict ;
    $cur = $dict ;
    foreach( explode( '.', $key ) as $_k )
    {
      if( !is_array( $cur ) || !array_key_exists( $_k, $cur ) ) return null ;
      $cur = $cur[ $_k ] ;
    }
    return $cur ;
  }

  private static function setInDict( array &$dict, string $key, $value ) : void
  {
    $path = explode( '.', $key ) ;
    $last = array_pop( $path ) ;
    $cur  = &$dict ;
    foreach( $path as $_k )
    {
      if( !isset( $cur[ $_k ] ) || !is_array( $cur[ $_k ] ) ) $cur[ $_k ] = [] ;
      $cur = &$cur[ $_k ] ;
    }
    $cur[ $last ] = $value ;
  }

  private function &confRef( string $confKey ) : array
  {
    switch( $confKey )
    {
    case 'self'    : return $this->selfConf    ;
    case 'runtime' : return $this->runtimeConf ;
    default        : return $this->accessConf  ;
    }
  }
}


/* ****************************************************************************
   Messaging Management
   ---
   Purpose : the AMQP side of the connector. One connection per call, opened and closed here.
*/
class TwitterQueueMessagingManager
{
  const AppId          = 'kiamo-twitter-connector' ;
  const SendType       = 'kiamo.send' ;
  const MaxTextLength  = 10000 ;  // X's limit for a DM's text
  const MaxNameLength  = 1000  ;  // a senderName: X's display name (50) and username (15) in a template, with room
  const MaxUrlLength   = 2048  ;  // an attachment's url, as the dispatch worker accepts it
  const MaxPathLength  = 1024  ;  // an attachment's path, as the dispatch worker accepts it
  /**
   * The largest inbound message read by default. A legitimate one holds at most 10,000 characters
   * of text: 40 KB of 4-byte UTF-8, or 60 KB if every character were a JSON \u escape, plus a
   * name and attachment URLs; 128 KiB keeps it whole while a PHP request's memory stays safe.
   */
  const DefaultMaxMessageBytes = 131072 ;

  protected $_parent ;
  /** The last command published and confirmed: [ 'id', 'routingKey', 'body' ] (the tester reads it). */
  public    $lastCommand = null ;
  /** Index of the broker node that answered last: the next connect tries it first. */
  private   $lastNode    = 0 ;

  public    function __construct( $_parent )
  {
    $this->_parent = $_parent ;
    $this->log( "Service : " . $this->getConf( 'self', 'service' ), TwitterQueueLogger::LOG_DEBUG, __METHOD__ ) ;
    $this->log( "Version : " . $this->getConf( 'self', 'version' ), TwitterQueueLogger::LOG_DEBUG, __METHOD__ ) ;
    self::requireAmqpLibrary( $this->getConf( 'runtime', 'amqpLibAutoload' ) ) ;
  }

  /** Loads php-amqplib unless already loadable: the configured autoload, a vendor/ folder beside this file, Debian's. */
  private static function requireAmqpLibrary( string $configured ) : void
  {
    if( class_exists( AMQPConnectionConfig::class ) ) return ;
    $candidates = array_filter( [ $configured, TwitterQueueConnector::RootPath . '/vendor/autoload.php', '/usr/share/php/PhpAmqpLib/autoload.php' ] ) ;
    foreach( $candidates as $candidate )
    {
      if( !is_file( $candidate ) ) continue ;
      require_once $candidate ;
      if( class_exists( AMQPConnectionConfig::class ) ) return ;
    }
    throw new TwitterQueueException( 'amqp_library_missing',
      "php-amqplib 3.2+ was not found (looked in " . implode( ', ', $candidates ) . "): install it (Debian: apt-get install php-amqplib; "
      . "elsewhere: composer require php-amqplib/php-amqplib beside this file) or set runtime amqpLibAutoload (KIAMO_TWITTER_AMQPLIB_AUTOLOAD)." ) ;
  }


  /* -------------------
     Entities management
  */

  /**
   * The five Kiamo fields of an inbound message body, checked against the wire contract: a JSON
   * object of at most $maxBytes with id (string), createdAt (integer Unix seconds), senderId (the
   * sender's numeric X user id), senderName (at most MaxNameLength characters), content (at most
   * X's 10,000 characters) and accountId (one of $accounts, when any is configured). Throws
   * TwitterQueueInvalidMessage with an error code (too_large, invalid_json, missing_field,
   * wrong_type, too_long, foreign_account) and a sentence saying what is wrong, never the content.
   */
  public static function buildMessageRecord( string $body, array $accounts = [], int $maxBytes = self::DefaultMaxMessageBytes ) : array
  {
    if( strlen( $body ) > $maxBytes ) throw self::tooLarge( strlen( $body ), $maxBytes ) ;
    try
    {
      $decoded = json_decode( $body, false, 64, JSON_THROW_ON_ERROR ) ;
    }
    catch( \JsonException $e )
    {
      throw new TwitterQueueInvalidMessage( 'invalid_json', "The body is not JSON (" . $e->getMessage() . ")." ) ;
    }
    if( !( $decoded instanceof \stdClass ) ) throw new TwitterQueueInvalidMessage( 'invalid_json', "The body is JSON but not an object." ) ;
    $data = get_object_vars( $decoded ) ;

    $rules = [
      'id'         => [ 'a string of 1 to 64 letters, digits or . _ : -', function( $v ) { return is_string( $v ) && preg_match( '/^[0-9A-Za-z_.:-]{1,64}$/D', $v ) === 1 ; } ],
      'createdAt'  => [ 'an integer (Unix seconds)',                       function( $v ) { return is_int( $v ) && $v >= 0 ; } ],
      'senderId'   => [ "the sender's numeric X user id (a string of digits)", function( $v ) { return TwitterQueueIds::isXId( $v ) ; } ],
      'senderName' => [ 'a string',                                        function( $v ) { return is_string( $v ) ; } ],
      'content'    => [ 'a string',                                        function( $v ) { return is_string( $v ) ; } ],
      'accountId'  => [ "the X account's numeric id (a string of digits)", function( $v ) { return TwitterQueueIds::isXId( $v ) ; } ],
    ] ;
    $record = [] ;
    foreach( $rules as $field => [ $expected, $check ] )
    {
      if( !array_key_exists( $field, $data ) ) throw new TwitterQueueInvalidMessage( 'missing_field', "The Kiamo message has no '" . $field . "'." ) ;
      if( !$check( $data[ $field ] ) )         throw new TwitterQueueInvalidMessage( 'wrong_type', "The Kiamo message's '" . $field . "' must be " . $expected . ", got " . self::describeValue( $data[ $field ] ) . "." ) ;
      $record[ $field ] = $data[ $field ] ;
    }
    foreach( [ 'content' => self::MaxTextLength, 'senderName' => self::MaxNameLength ] as $field => $limit )
    {
      $length = mb_strlen( $record[ $field ], 'UTF-8' ) ;
      if( $length > $limit ) throw new TwitterQueueInvalidMessage( 'too_long', "The Kiamo message's '" . $field . "' has " . $length . " characters, at most " . $limit . " are accepted." ) ;
    }
    if( $accounts !== [] && !in_array( $record[ 'accountId' ], $accounts, true ) )
    {
      throw new TwitterQueueInvalidMessage( 'foreign_account', "The Kiamo message's accountId '" . $record[ 'accountId' ] . "' is not an account of this connector (" . implode( ', ', $accounts ) . "): "
                                                             . "set access accountId / accountIds (KIAMO_TWITTER_USER_ID / _USER_IDS) if it should be." ) ;
    }
    unset( $record[ 'accountId' ] ) ;  // Kiamo gets its five fields
    return $record ;
  }

  /** A message above the size limit, refused from its AMQP body size before it is read or decoded. */
  public static function tooLarge( int $size, int $maxBytes ) : TwitterQueueInvalidMessage
  {
    return new TwitterQueueInvalidMessage( 'too_large', "The message is " . $size . " bytes, more than the " . $maxBytes . " allowed (runtime maxMessageBytes, KIAMO_TWITTER_MAX_MESSAGE_BYTES); it was not read." ) ;
  }

  /**
   * The send command for a Kiamo message task: { to: { id, name? }, content, id, accountId, attachments? }.
   * to.id must be the customer's numeric X user id, content a non-blank UTF-8 text of at most
   * 10,000 characters; accountId comes from the task, else $defaultAccountId. The task's optional
   * attachments (see readAttachments) add 'attachments' with its one item, and then content may be
   * missing or blank (sent as ''): X posts a DM with media and no text. Without one the command is
   * what it was before attachments existed. Throws TwitterQueueException('invalid_task') saying
   * which field is wrong; the reply text, an attachment's URL or path are never quoted.
   */
  public static function buildSendCommand( array $messageTask, string $defaultAccountId, string $commandId ) : array
  {
    $invalid = function( string $why ) { return new TwitterQueueException( 'invalid_task', "Message task refused, nothing was sent: " . $why ) ; } ;

    $to = $messageTask[ 'to' ] ?? null ;
    if( !is_array( $to ) || !array_key_exists( 'id', $to ) || $to[ 'id' ] === null || $to[ 'id' ] === '' ) throw $invalid( "it has no to.id (the customer's X user id)." ) ;
    $toId = is_int( $to[ 'id' ] ) && $to[ 'id' ] >= 0 ? (string)$to[ 'id' ] : $to[ 'id' ] ;
    if( !TwitterQueueIds::isXId( $toId ) ) throw $invalid( "to.id must be the customer's numeric X user id, got " . self::describeValue( $to[ 'id' ] ) . "." ) ;

    $attachments = self::readAttachments( $messageTask[ 'attachments' ] ?? null, $invalid ) ;

    // With an attachment the text is optional: X posts the media alone.
    $content = $messageTask[ 'content' ] ?? null ;
    if( $content === null && $attachments !== [] ) $content = '' ;
    if( $content === null )                               throw $invalid( "it has no content." ) ;
    if( !is_string( $content ) )                          throw $invalid( "content must be a string, got " . self::describeValue( $content ) . "." ) ;
    if( !mb_check_encoding( $content, 'UTF-8' ) )          throw $invalid( "content is not valid UTF-8." ) ;
    if( trim( $content ) === '' && $attachments !== [] )   $content = '' ;
    if( trim( $content ) === '' && $attachments === [] )   throw $invalid( "content is empty." ) ;
    if( mb_strlen( $content, 'UTF-8' ) > self::MaxTextLength ) throw $invalid( "content has " . mb_strlen( $content, 'UTF-8' ) . " characters, X accepts at most " . self::MaxTextLength . "." ) ;

    $accountId = $messageTask[ 'accountId' ] ?? $defaultAccountId ;
    if( is_int( $accountId ) && $accountId >= 0 ) $accountId = (string)$accountId ;
    if( !is_string( $accountId ) || $accountId === '' ) throw $invalid( "no X account id for the routing key send.<accountId>: set access accountId (KIAMO_TWITTER_USER_ID, or its alias KIAMO_TWITTER_ACCOUNT_ID) or give the task an accountId." ) ;
    if( !TwitterQueueIds::isXId( $accountId ) ) throw $invalid( "accountId must be the X account's numeric id, got " . self::describeValue( $accountId ) . "." ) ;

    $recipient = [ 'id' => $toId ] ;
    if( isset( $to[ 'name' ] ) && is_string( $to[ 'name' ] ) && mb_check_encoding( $to[ 'name' ], 'UTF-8' ) ) $recipient[ 'name' ] = $to[ 'name' ] ;
    $command = [
      'to'        => $recipient,
      'content'   => $content,
      'id'        => $commandId,
      'accountId' => $accountId,
    ] ;
    if( $attachments !== [] ) $command[ 'attachments' ] = $attachments ;  // absent otherwise: the command stays as before
    return $command ;
  }

  /**
   * The task's attachments as the send command carries them: [] or a list of one item with exactly
   * one of url (http:// or https://, at most MaxUrlLength characters), path (a file in the folder
   * the dispatch worker's operator allows: non-empty, no NUL, at most MaxPathLength characters) or
   * mediaId (a media id the account uploaded, 1 to 19 digits). Missing, null and [] mean none.
   * We do not know how Kiamo hands over a reply's files, so an item may also be a bare URL string
   * (http:// or https://, becomes { url }), a mediaId an integer, and an item's other keys (a
   * type, a file name) or null values are dropped. At most one item: X takes one media per DM.
   * Refusals say which field and why, by length or scheme: a URL or path can hold a token or a
   * customer's name, so it is never quoted.
   */
  private static function readAttachments( $value, callable $invalid ) : array
  {
    if( $value === null || $value === [] ) return [] ;
    if( !is_array( $value ) || array_keys( $value ) !== range( 0, count( $value ) - 1 ) )  // array_is_list is PHP 8.1
    {
      throw $invalid( "attachments must be a list of at most one item, e.g. [{\"url\": \"https://...\"}], got " . ( is_array( $value ) ? "an object" : "a value of type " . get_debug_type( $value ) ) . "." ) ;
    }
    if( count( $value ) > 1 ) throw $invalid( "attachments has " . count( $value ) . " items: X takes one media per DM, so send one reply per file." ) ;

    $item  = $value[ 0 ] ;
    $field = 'attachments[0]' ;
    if( is_string( $item ) )
    {
      // A bare string can only be a URL: a path or a media id must say which it is.
      if( preg_match( '~^https?://~i', $item ) !== 1 ) throw $invalid( $field . " is a string but not an http:// or https:// URL (got " . self::describeUrl( $item ) . "); give a file as {\"path\": ...}, a media id as {\"mediaId\": ...}." ) ;
      $item = [ 'url' => $item ] ;
    }
    if( !is_array( $item ) ) throw $invalid( $field . " must be an object with one of url, path, mediaId (or a URL string), got " . get_debug_type( $item ) . "." ) ;

    $given = array_values( array_filter( [ 'url', 'path', 'mediaId' ], function( $k ) use ( $item ) { return isset( $item[ $k ] ) ; } ) ) ;
    if( count( $given ) !== 1 ) throw $invalid( $field . " must have exactly one of url, path, mediaId, got " . ( $given === [] ? "none" : implode( ', ', $given ) ) . "." ) ;
    $key   = $given[ 0 ] ;
    $v     = $item[ $key ] ;
    $field = $field . '.' . $key ;
    if( $key === 'mediaId' )
    {
      if( is_int( $v ) && $v >= 0 ) $v = (string)$v ;
      if( TwitterQueueIds::isXId( $v ) ) return [ [ 'mediaId' => $v ] ] ;
      // Digits are quoted; any other text only by its length, as it may be a URL put in the wrong field.
      $got = is_string( $v ) ? ( preg_match( '/^\d{0,40}$/D', $v ) === 1 ? "'" . $v . "'" : "a string of " . strlen( $v ) . " bytes that is not digits" ) : self::describeValue( $v ) ;
      throw $invalid( $field . " must be a numeric X media id (a string of 1 to 19 digits), got " . $got . "." ) ;
    }

    if( !is_string( $v ) )                 throw $invalid( $field . " must be a string, got " . get_debug_type( $v ) . "." ) ;
    if( !mb_check_encoding( $v, 'UTF-8' ) ) throw $invalid( $field . " is not valid UTF-8." ) ;
    $length = mb_strlen( $v, 'UTF-8' ) ;
    $limit  = $key === 'url' ? self::MaxUrlLength : self::MaxPathLength ;
    if( $length > $limit )                 throw $invalid( $field . " has " . $length . " characters, at most " . $limit . " are accepted." ) ;
    if( $key === 'path' )
    {
      if( $v === '' )                       throw $invalid( $field . " is empty." ) ;
      if( strpos( $v, "\0" ) !== false )    throw $invalid( $field . " contains a NUL byte (" . $length . " characters)." ) ;
      return [ [ 'path' => $v ] ] ;
    }
    if( preg_match( '~^https?://~i', $v ) !== 1 )   throw $invalid( $field . " must be an http:// or https:// URL (got " . self::describeUrl( $v ) . ")." ) ;
    if( preg_match( '~^https?://[^/?#]~i', $v ) !== 1 ) throw $invalid( $field . " has no host (" . $length . " characters)." ) ;
    if( preg_match( '~[\x00-\x20\x7F]~', $v ) === 1 ) throw $invalid( $field . " contains a space or a control character (" . $length . " characters): encode it (%20)." ) ;
    // Schemes are case-insensitive: HTTPS://... is sent as https://...
    return [ [ 'url' => strtolower( substr( $v, 0, strpos( $v, ':' ) ) ) . substr( $v, strpos( $v, ':' ) ) ] ] ;
  }

  /** A URL said without quoting it: its scheme (when it has a plain one before ://) and its length. */
  private static function describeUrl( string $v ) : string
  {
    $length = mb_check_encoding( $v, 'UTF-8' ) ? mb_strlen( $v, 'UTF-8' ) : strlen( $v ) ;
    // Only a short scheme followed by :// is named: in "user:secret@host" the "scheme" is a user name.
    if( preg_match( '~^([A-Za-z][A-Za-z0-9+.-]{0,15})://~', $v, $m ) === 1 ) return "scheme '" . strtolower( $m[ 1 ] ) . "', " . $length . " characters" ;
    return "no scheme://, " . $length . " characters" ;
  }

  /** What a command's attachments are, for the log: how many and of which kind, never the URL or path. */
  public static function describeAttachments( array $command ) : string
  {
    $items = $command[ 'attachments' ] ?? [] ;
    if( $items === [] ) return "no attachment" ;
    return count( $items ) . ( count( $items ) === 1 ? " attachment: " : " attachments: " ) . implode( ', ', array_map( 'array_key_first', $items ) ) ;
  }

  /** $command for a log line: each attachment's url or path replaced by its scheme or length (a media id is kept). */
  private static function loggable( array $command ) : array
  {
    if( !isset( $command[ 'attachments' ] ) ) return $command ;
    $command[ 'attachments' ] = array_map( function( array $item )
    {
      $key = array_key_first( $item ) ;
      if( $key === 'url'  ) return [ 'url'  => '<' . self::describeUrl( $item[ 'url' ] ) . '>' ] ;
      if( $key === 'path' ) return [ 'path' => '<a path of ' . mb_strlen( $item[ 'path' ], 'UTF-8' ) . ' characters>' ] ;
      return $item ;
    }, $command[ 'attachments' ] ) ;
    return $command ;
  }

  private static function describeValue( $v ) : string
  {
    if( is_string( $v ) ) return "'" . ( mb_strlen( $v ) > 40 ? mb_substr( $v, 0, 40 ) . '...' : $v ) . "'" ;
    if( is_bool( $v ) ) return $v ? 'true' : 'false' ;
    if( $v === null ) return 'null' ;
    if( is_int( $v ) || is_float( $v ) ) return get_debug_type( $v ) . ' ' . var_export( $v, true ) ;
    return get_debug_type( $v ) ;
  }


  /* ----------------------
     Connector entry points
  */

  /**
   * Reads up to $max new messages from the inbound queue with basic.get. Each valid record goes to
   * $deliver (which returns true when it added the record, false when it already knew it); the
   * message is acknowledged only after $deliver returned: at once if $ackAdded, otherwise left
   * unacknowledged so closing the channel puts it back (nextFetch, and the tester's peek). Known
   * messages are acknowledged unless $peek. Invalid ones are logged and rejected without requeue,
   * so the queue's dead-letter exchange sets them aside. An exception from $deliver stops the loop
   * with that message still queued. Returns counts: added, known, setAside, left.
   */
  public   function readMessages( int $max, callable $deliver, bool $ackAdded = true, bool $peek = false ) : array
  {
    $queue    = $this->getConf( 'access', 'topology.inboundQueue' ) ;
    $maxBytes = (int)$this->getConf( 'runtime', 'maxMessageBytes' ) ;
    $accounts = $this->_parent->acceptedAccountIds() ;
    $stats    = [ 'added' => 0, 'known' => 0, 'setAside' => 0, 'left' => 0 ] ;
    $method   = __METHOD__ ;  // closures would log as {closure}
    $this->withChannel( 'fetch', function( AMQPChannel $ch ) use ( $queue, $max, $maxBytes, $accounts, $deliver, $ackAdded, $peek, &$stats, $method )
    {
      $stats[ 'left' ] = $this->checkQueue( $ch, $queue ) ;
      // Bodies above the limit are read frame by frame and dropped, never held in memory: the
      // message comes back truncated with its full size, and is set aside as too_large.
      $ch->setBodySizeLimit( $maxBytes ) ;
      while( $stats[ 'added' ] < $max )
      {
        $msg = $ch->basic_get( $queue, false ) ;
        if( $msg === null ) { $stats[ 'left' ] = 0 ; break ; }
        $stats[ 'left' ] = (int)$msg->getMessageCount() ;
        $tag        = $msg->getDeliveryTag() ;
        $props      = $msg->get_properties() ;
        $propertyId = isset( $props[ 'message_id' ] ) ? (string)$props[ 'message_id' ] : '(none)' ;

        try
        {
          $record = self::recordOf( $msg, $accounts, $maxBytes ) ;
        }
        catch( TwitterQueueInvalidMessage $e )
        {
          $stats[ 'setAside' ]++ ;
          $this->log( "Invalid Kiamo message message_id=" . $propertyId . " routing_key=" . $msg->getRoutingKey() . " [" . $e->getReason() . "] " . $e->getMessage()
                    . ( $peek ? " (peek: left in the queue)" : " ==> set aside to the dead-letter queue" ), TwitterQueueLogger::LOG_ERROR, $method ) ;
          if( !$peek ) $ch->basic_reject( $tag, false ) ;
          continue ;
        }
        $headers = isset( $props[ 'application_headers' ] ) ? $props[ 'application_headers' ]->getNativeData() : [] ;
        $trace   = TwitterQueueTraceContexts::fromHeaders( $headers ) ;
        if( $trace !== null ) $record[ 'trace' ] = $trace ;  // for send(), never handed to Kiamo
        if( $propertyId !== '(none)' && $propertyId !== $record[ 'id' ] )
        {
          $this->log( "message_id=" . $propertyId . " differs from the body's id=" . $record[ 'id' ] . "; the body wins", TwitterQueueLogger::LOG_WARN, $method ) ;
        }

        if( $deliver( $record ) )
        {
          $stats[ 'added' ]++ ;
          if( $ackAdded && !$peek ) $ch->basic_ack( $tag ) ;
        }
        else
        {
          $stats[ 'known' ]++ ;
          $this->log( "Message id=" . $record[ 'id' ] . " was already handed to Kiamo" . ( $peek ? "" : ", acknowledged" ), TwitterQueueLogger::LOG_DEBUG, $method ) ;
          if( !$peek ) $ch->basic_ack( $tag ) ;
        }
      }
    } ) ;
    return $stats ;
  }

  /** buildMessageRecord for a delivery, refused from its AMQP body size first (read on a channel with a body size limit). */
  private static function recordOf( AMQPMessage $msg, array $accounts, int $maxBytes ) : array
  {
    if( $msg->isTruncated() || (int)$msg->getBodySize() > $maxBytes ) throw self::tooLarge( (int)$msg->getBodySize(), $maxBytes ) ;
    return self::buildMessageRecord( $msg->getBody(), $accounts, $maxBytes ) ;
  }

  /**
   * The messages set aside in <inbound queue>.dead, at most $limit, each with why: a reject
   * carries no reason, so each is judged again with today's settings (a message an added account
   * now accepts says so). Nothing is taken: the channel closes with every message unacknowledged,
   * so the broker puts them back, marked redelivered. Returns [ messageId, routingKey, setAsideAt, code, reason ] rows.
   */
  public   function peekSetAside( int $limit ) : array
  {
    $queue    = $this->getConf( 'access', 'topology.inboundQueue' ) . '.dead' ;
    $maxBytes = (int)$this->getConf( 'runtime', 'maxMessageBytes' ) ;
    $accounts = $this->_parent->acceptedAccountIds() ;
    $rows     = [] ;
    $this->withChannel( 'peek at the set-aside messages', function( AMQPChannel $ch ) use ( $queue, $limit, $maxBytes, $accounts, &$rows )
    {
      $this->checkQueue( $ch, $queue ) ;
      $ch->setBodySizeLimit( $maxBytes ) ;
      while( count( $rows ) < $limit && ( $msg = $ch->basic_get( $queue, false ) ) !== null )
      {
        $props   = $msg->get_properties() ;
        $headers = isset( $props[ 'application_headers' ] ) ? $props[ 'application_headers' ]->getNativeData() : [] ;
        $death   = $headers[ 'x-death' ][ 0 ][ 'time' ] ?? null ;
        try
        {
          self::recordOf( $msg, $accounts, $maxBytes ) ;
          [ $code, $reason ] = [ 'valid_now', "Valid with today's settings: it can be moved back to " . $this->getConf( 'access', 'topology.inboundQueue' ) . "." ] ;
        }
        catch( TwitterQueueInvalidMessage $e )
        {
          [ $code, $reason ] = [ $e->getReason(), $e->getMessage() ] ;
        }
        $rows[] = [ isset( $props[ 'message_id' ] ) ? (string)$props[ 'message_id' ] : '(none)', $msg->getRoutingKey(),
                    $death instanceof \DateTimeInterface ? $death->format( 'Y-m-d H:i:s T' ) : ( is_int( $death ) ? gmdate( 'Y-m-d H:i:s', $death ) . ' UTC' : '?' ), $code, $reason ] ;
      }
    } ) ;
    return $rows ;
  }

  /**
   * Publishes $command (see buildSendCommand) persistent and mandatory, and waits for the broker's
   * confirm. Returns once confirmed; a return (no queue bound), a nack or no answer within
   * confirmTimeout throws TwitterQueueException.
   */
  public   function sendMessage( array $command, ?array $trace = null ) : void
  {
    $exchange   = $this->getConf( 'access', 'topology.exchange' ) ;
    $routingKey = 'send.' . $command[ 'accountId' ] ;
    try
    {
      $body = json_encode( $command, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR ) ;
    }
    catch( \JsonException $e )
    {
      throw new TwitterQueueException( 'invalid_task', "Message task refused, nothing was sent: it cannot be encoded as JSON (" . $e->getMessage() . ")." ) ;
    }

    $this->withChannel( 'send', function( AMQPChannel $ch ) use ( $exchange, $routingKey, $command, $body, $trace )
    {
      $this->checkExchange( $ch, $exchange ) ;
      $outcome = [ 'acked' => false, 'nacked' => false, 'returned' => null ] ;
      $ch->set_ack_handler(     function() use ( &$outcome ) { $outcome[ 'acked'  ] = true ; } ) ;
      $ch->set_nack_handler(    function() use ( &$outcome ) { $outcome[ 'nacked' ] = true ; } ) ;
      $ch->set_return_listener( function( $replyCode, $replyText ) use ( &$outcome ) { $outcome[ 'returned' ] = $replyCode . ' ' . $replyText ; } ) ;
      $ch->confirm_select() ;

      $msg = new AMQPMessage( $body, [
        'content_type'        => 'application/json',
        'delivery_mode'       => AMQPMessage::DELIVERY_MODE_PERSISTENT,
        'message_id'          => $command[ 'id' ],
        'timestamp'           => time(),
        'type'                => self::SendType,
        'app_id'              => self::AppId,
        'application_headers' => new AMQPTable( [ 'x-account-id' => $command[ 'accountId' ] ] + TwitterQueueTraceContexts::toHeaders( $trace ) ),
      ] ) ;
      $ch->basic_publish( $msg, $exchange, $routingKey, true ) ;

      $timeout = (float)$this->getConf( 'access', 'amqp.confirmTimeout' ) ;
      try
      {
        $ch->wait_for_pending_acks_returns( $timeout ) ;
      }
      catch( AMQPTimeoutException $e )
      {
        throw new TwitterQueueException( 'confirm_timeout', "The broker did not confirm command " . $command[ 'id' ] . " within " . $timeout . " s: it may or may not be queued. "
                                                          . "Check the broker (memory or disk alarm?) before sending again." ) ;
      }
      if( $outcome[ 'returned' ] !== null )
      {
        throw new TwitterQueueException( 'unroutable', "No queue is bound to routing key " . $routingKey . " on exchange " . $exchange . " (" . $outcome[ 'returned' ] . "), "
                                                     . "so command " . $command[ 'id' ] . " was not queued: run `kiamo-twitter setup` or start the workers, which declare the topology." ) ;
      }
      if( $outcome[ 'nacked' ] || !$outcome[ 'acked' ] )
      {
        throw new TwitterQueueException( 'nacked', "The broker refused command " . $command[ 'id' ] . " (negative confirm: a full queue or an internal error); it was not queued. Try again later." ) ;
      }
    } ) ;
    $this->lastCommand = [ 'id' => $command[ 'id' ], 'routingKey' => $routingKey, 'body' => $body ] ;
    $shown = isset( $command[ 'attachments' ] ) ? json_encode( self::loggable( $command ), JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES ) : $body ;
    $this->log( "==> command " . $command[ 'id' ] . " published to " . $exchange . " / " . $routingKey . " : " . $shown, TwitterQueueLogger::LOG_DEBUG, __METHOD__ ) ;
  }

  /** Opens a connection, checks the exchange and the inbound queue passively; returns their state. */
  public   function checkConnection() : array
  {
    $res = [] ;
    $this->withChannel( 'check', function( AMQPChannel $ch ) use ( &$res )
    {
      $a = $this->getConf( 'access', 'amqp' ) ;
      $res[ 'broker'       ] = $this->brokerLabel() ;
      $res[ 'user'         ] = $a[ 'user' ] ;
      $res[ 'exchange'     ] = $this->checkExchange( $ch, $this->getConf( 'access', 'topology.exchange' ) ) ;
      $queue                 = $this->getConf( 'access', 'topology.inboundQueue' ) ;
      $res[ 'inboundQueue' ] = $queue ;
      $res[ 'waiting'      ] = $this->checkQueue( $ch, $queue ) ;
    } ) ;
    return $res ;
  }


  /* --------------------
     Broker access tools
  */

  /**
   * Runs $work on a fresh channel of a fresh connection and closes both, whatever happens. Broker
   * failures become TwitterQueueException with a reason a person can act on; exceptions thrown by
   * $work itself (ours, or from Kiamo's bag) pass through unchanged.
   */
  public   function withChannel( string $operation, callable $work )
  {
    $connection = $this->connect() ;
    $channel    = null ;
    try
    {
      $channel = $connection->channel() ;
      return $work( $channel, $connection ) ;
    }
    catch( TwitterQueueException $e )
    {
      throw $e ;
    }
    catch( \PhpAmqpLib\Exception\AMQPExceptionInterface $e )
    {
      throw $this->describeBrokerFailure( $operation, $e ) ;
    }
    finally
    {
      // A clean close also makes sure the broker has processed every ack sent on the channel.
      if( $channel !== null ) { try { $channel->close() ; } catch( \Throwable $ignored ) {} }
      try { $connection->close() ; } catch( \Throwable $ignored ) {}
    }
  }

  /**
   * A new connection from the configuration; failures become TwitterQueueException (never with the
   * password). With a cluster's node list it tries the nodes in turn, as php-amqplib's
   * AbstractConnection::create_connection does, starting at the node that answered last, so a
   * dead node costs one refused connect only until a live one answers; each call (fetch, send)
   * opens its own connection, so a connection lost in one call is made again through the list by
   * the next. create_connection itself is not used: it takes options, not AMQPConnectionConfig,
   * and would lose the TLS settings below.
   */
  public   function connect() : AbstractConnection
  {
    $nodes    = $this->_parent->brokerNodes() ;
    $count    = count( $nodes ) ;
    $failures = [] ;
    for( $i = 0 ; $i < $count ; $i++ )
    {
      $index = ( $this->lastNode + $i ) % $count ;
      try
      {
        $connection = AMQPConnectionFactory::create( $this->connectionConfig( $nodes[ $index ] ) ) ;
      }
      catch( \Throwable $e )
      {
        $failures[] = [ $nodes[ $index ], $e ] ;
        if( $count > 1 ) $this->log( "Broker node " . TwitterQueueConnector::nodeLabel( $nodes[ $index ] ) . " refused or unreachable: " . $this->scrub( $e->getMessage() ), TwitterQueueLogger::LOG_WARN, __METHOD__ ) ;
        continue ;
      }
      if( $count > 1 && $index !== $this->lastNode ) $this->log( "Connected to broker node " . TwitterQueueConnector::nodeLabel( $nodes[ $index ] ), TwitterQueueLogger::LOG_INFO, __METHOD__ ) ;
      $this->lastNode = $index ;
      return $connection ;
    }
    throw $this->describeConnectFailures( $failures ) ;
  }

  /** The connection settings for one node. */
  private  function connectionConfig( array $node ) : AMQPConnectionConfig
  {
    $a   = $this->getConf( 'access', 'amqp' ) ;
    $cfg = new AMQPConnectionConfig() ;
    $cfg->setHost(              str_contains( $node[ 'host' ], ':' ) ? '[' . $node[ 'host' ] . ']' : $node[ 'host' ] ) ;  // tcp://[v6]:port
    $cfg->setPort(              $node[ 'port' ] ) ;
    $cfg->setVhost(             $a[ 'vhost'    ] ) ;
    $cfg->setUser(              $a[ 'user'     ] ) ;
    $cfg->setPassword(          $a[ 'password' ] ) ;
    $cfg->setLoginMethod(       AMQPConnectionConfig::AUTH_PLAIN ) ;
    $cfg->setConnectionTimeout( (float)$a[ 'connectionTimeout' ] ) ;
    $cfg->setReadTimeout(       (float)$a[ 'readWriteTimeout'  ] ) ;
    $cfg->setWriteTimeout(      (float)$a[ 'readWriteTimeout'  ] ) ;
    $cfg->setChannelRPCTimeout( (float)$a[ 'readWriteTimeout'  ] ) ;
    $cfg->setHeartbeat(         (int)$a[ 'heartbeat' ] ) ;
    $cfg->setConnectionName(    $a[ 'connectionName' ] ) ;
    if( $a[ 'tls' ][ 'enabled' ] )
    {
      // isSecure alone picks php-amqplib's SSL connection class but keeps the network protocol
      // "tcp": the stream opens in clear and the password goes out unencrypted. "ssl" makes PHP's
      // stream layer negotiate TLS (1.2 or 1.3 with today's OpenSSL) before the first AMQP byte.
      $cfg->setIsSecure( true ) ;
      $cfg->setNetworkProtocol( 'ssl' ) ;
      $cfg->setSslVerify(     $a[ 'tls' ][ 'verifyPeer' ] ) ;
      $cfg->setSslVerifyName( $a[ 'tls' ][ 'verifyPeer' ] ) ;
      if( $a[ 'tls' ][ 'caFile' ] !== '' ) $cfg->setSslCaCert( $a[ 'tls' ][ 'caFile' ] ) ;
    }
    return $cfg ;
  }

  /**
   * Every node failed: a refusal of the user or the vhost if a node gave one (they are the
   * cluster's, no other node accepts them), else the last node's failure, with what the nodes
   * before it said.
   */
  private  function describeConnectFailures( array $failures ) : TwitterQueueException
  {
    foreach( $failures as [ $node, $e ] )
    {
      $failure = $this->describeConnectFailure( $e, $node ) ;
      if( $failure->getReason() === 'access_refused' ) return $failure ;
    }
    [ $node, $e ] = end( $failures ) ;
    $before = array_map( function( array $f ) { return TwitterQueueConnector::nodeLabel( $f[ 0 ] ) . ": " . $this->scrub( $f[ 1 ]->getMessage() ) ; }, array_slice( $failures, 0, -1 ) ) ;
    return $this->describeConnectFailure( $e, $node, $before === [] ? '' : "; the nodes tried before it failed too (" . implode( '; ', $before ) . ")" ) ;
  }

  private  function describeConnectFailure( \Throwable $e, array $node, string $others = '' ) : TwitterQueueException
  {
    $a      = $this->getConf( 'access', 'amqp' ) ;
    $where  = $this->brokerLabel() ;
    $detail = $this->scrub( $e->getMessage() ) . $others ;
    $code   = (int)$e->getCode() ;
    if( $code === 403 || str_contains( $detail, 'ACCESS_REFUSED' ) )
    {
      return new TwitterQueueException( 'access_refused', "The broker at " . $where . " refused user '" . $a[ 'user' ] . "' (" . $detail . "). "
                                                        . "Check the user and password (access amqp.user / amqp.password, KIAMO_TWITTER_AMQP_USER / KIAMO_TWITTER_AMQP_PASSWORD or the URL)." ) ;
    }
    if( $code === 530 || str_contains( $detail, 'NOT_ALLOWED' ) )
    {
      return new TwitterQueueException( 'access_refused', "The broker at " . $where . " refused virtual host '" . $a[ 'vhost' ] . "' to user '" . $a[ 'user' ] . "' (" . $detail . "). "
                                                        . "Check access amqp.vhost (KIAMO_TWITTER_AMQP_VHOST) and the user's permissions." ) ;
    }
    if( $a[ 'tls' ][ 'enabled' ] && !self::isPlainNetworkFailure( $detail ) )
    {
      $tlsFailure = $this->describeTlsFailure( $detail, $node ) ;
      if( $tlsFailure !== null ) return $tlsFailure ;
    }
    if( $e instanceof AMQPTimeoutException )
    {
      return new TwitterQueueException( 'broker_timeout', "The broker at " . $where . " did not answer in time (" . $detail . "). Check that RabbitMQ runs there and the network lets AMQP through." ) ;
    }
    return new TwitterQueueException( 'broker_unreachable', "Cannot connect to the broker at " . $where . " (" . $detail . "). "
                                                          . "Check access amqp.host / amqp.port (KIAMO_TWITTER_AMQP_HOST / _PORT or KIAMO_TWITTER_AMQP_URL) and that RabbitMQ is running." ) ;
  }

  /** A failure before any TLS byte: nothing listens, no route, no such host, or no answer at all. */
  private static function isPlainNetworkFailure( string $detail ) : bool
  {
    return preg_match( '/Connection refused|No route to host|Network is unreachable|getaddrinfo|Name or service not known|php_network_getaddresses|timed out/i', $detail ) === 1 ;
  }

  /**
   * A TLS connection that failed after TCP connected. PHP reports the handshake's cause (OpenSSL's
   * "certificate verify failed", "wrong version number") in an earlier warning than the one
   * php-amqplib keeps ("Unable to connect ... (Unknown error)"), so one more TLS-only connection,
   * with the same settings and no AMQP, records every warning to say why. Never sends the password.
   * Null when that connection's handshake succeeds: the failure was not TLS's.
   */
  private  function describeTlsFailure( string $detail, array $node ) : ?TwitterQueueException
  {
    $a     = $this->getConf( 'access', 'amqp' ) ;
    $where = $this->brokerLabel() ;
    $ca    = $a[ 'tls' ][ 'caFile' ] !== '' ? "the CA file " . $a[ 'tls' ][ 'caFile' ] . " (access amqp.tls.caFile, KIAMO_TWITTER_AMQP_TLS_CA_FILE)"
                                             : "the system's CA store (set access amqp.tls.caFile, KIAMO_TWITTER_AMQP_TLS_CA_FILE, for a private CA)" ;
    $why   = $this->probeTls( $node ) ;
    if( $why === null ) return null ;
    if( !self::isPlainNetworkFailure( $why ) ) $detail = $this->scrub( $why ) ;
    if( stripos( $detail, 'certificate verify failed' ) !== false )
    {
      return new TwitterQueueException( 'tls_failed', "TLS to the broker at " . $where . " refused: its certificate is not signed by a CA in " . $ca . " (" . $detail . "). "
                                                    . "Nothing was sent, the password included." ) ;
    }
    if( preg_match( '/did not match expected|peer_name|hostname mismatch/i', $detail ) === 1 )
    {
      return new TwitterQueueException( 'tls_failed', "TLS to the broker at " . $where . " refused: its certificate does not name host '" . $node[ 'host' ] . "' (" . $detail . "). "
                                                    . "Connect with the host name the certificate was made for. Nothing was sent, the password included." ) ;
    }
    if( preg_match( '/wrong version number|packet length too long|record layer failure|unexpected eof|http request|Broken pipe|closed connection/i', $detail ) === 1 )
    {
      return new TwitterQueueException( 'tls_failed', "TLS to the broker at " . $where . " failed: the port did not answer in TLS; is it a TLS listener? "
                                                    . "(RabbitMQ's usual TLS port is 5671, its plain port 5672; " . $detail . "). Nothing was sent, the password included." ) ;
    }
    return new TwitterQueueException( 'tls_failed', "TLS to the broker at " . $where . " failed (" . $detail . "): check that the port is a TLS listener and that its certificate is signed by a CA in " . $ca . "." ) ;
  }

  /** The OpenSSL reasons of a TLS-only connection made with the connector's TLS settings; null when its handshake succeeded. */
  private  function probeTls( array $node ) : ?string
  {
    $a       = $this->getConf( 'access', 'amqp' ) ;
    $options = [ 'verify_peer' => $a[ 'tls' ][ 'verifyPeer' ], 'verify_peer_name' => $a[ 'tls' ][ 'verifyPeer' ] ] ;
    if( $a[ 'tls' ][ 'caFile' ] !== '' ) $options[ 'cafile' ] = $a[ 'tls' ][ 'caFile' ] ;
    $warnings = [] ;
    set_error_handler( function( $no, $text ) use ( &$warnings ) { $warnings[] = $text ; return true ; } ) ;
    try
    {
      $stream = stream_socket_client( 'ssl://' . TwitterQueueConnector::nodeLabel( $node ), $errno, $errstr, (float)$a[ 'connectionTimeout' ], STREAM_CLIENT_CONNECT, stream_context_create( [ 'ssl' => $options ] ) ) ;
    }
    finally
    {
      restore_error_handler() ;
    }
    if( $stream !== false ) { fclose( $stream ) ; return null ; }
    $reasons = [] ;
    foreach( $warnings as $w )
    {
      if( preg_match_all( '/error:[0-9A-F]+:[^:]*:[^:]*:([^\n]+)/', $w, $m ) ) foreach( $m[ 1 ] as $r ) $reasons[] = trim( $r ) ;
      elseif( preg_match( '/Peer certificate .*|Unable to connect .*/', $w, $m ) && !str_contains( $w, 'Unknown error' ) ) $reasons[] = trim( $m[ 0 ] ) ;
    }
    return $reasons === [] ? ( $warnings === [] ? null : str_replace( 'stream_socket_client(): ', '', end( $warnings ) ) ) : implode( '; ', array_unique( $reasons ) ) ;
  }

  private  function describeBrokerFailure( string $operation, \Throwable $e ) : TwitterQueueException
  {
    $detail = $this->scrub( $e->getMessage() ) ;
    if( $e instanceof AMQPTimeoutException ) return new TwitterQueueException( 'broker_timeout', "The broker at " . $this->brokerLabel() . " stopped answering during " . $operation . " (" . $detail . ")." ) ;
    if( (int)$e->getCode() === 403 )         return new TwitterQueueException( 'access_refused', "User '" . $this->getConf( 'access', 'amqp.user' ) . "' may not do " . $operation . " on the broker (" . $detail . "): check its permissions on the virtual host." ) ;
    return new TwitterQueueException( 'broker_error', "The broker connection failed during " . $operation . " (" . $detail . ")." ) ;
  }

  /** Passive declare: the queue's message count, or a clear error when the topology is missing. */
  private  function checkQueue( AMQPChannel $ch, string $queue ) : int
  {
    try
    {
      [ , $messageCount, ] = $ch->queue_declare( $queue, true ) ;
      return (int)$messageCount ;
    }
    catch( AMQPProtocolChannelException $e )
    {
      if( (int)$e->getCode() !== 404 ) throw $e ;
      throw new TwitterQueueException( 'topology_missing', "Queue '" . $queue . "' does not exist on " . $this->brokerLabel() . ": run `kiamo-twitter setup` or start the workers, which declare the topology." ) ;
    }
  }

  private  function checkExchange( AMQPChannel $ch, string $exchange ) : string
  {
    try
    {
      $ch->exchange_declare( $exchange, 'topic', true ) ;
      return $exchange ;
    }
    catch( AMQPProtocolChannelException $e )
    {
      if( (int)$e->getCode() !== 404 ) throw $e ;
      throw new TwitterQueueException( 'topology_missing', "Exchange '" . $exchange . "' does not exist on " . $this->brokerLabel() . ": run `kiamo-twitter setup` or start the workers, which declare the topology." ) ;
    }
  }

  /** amqp[s]://host:port/vhost (every node of a cluster's list), without credentials. */
  public   function brokerLabel() : string
  {
    $a     = $this->getConf( 'access', 'amqp' ) ;
    $nodes = array_map( [ TwitterQueueConnector::class, 'nodeLabel' ], $this->_parent->brokerNodes() ) ;
    return ( $a[ 'tls' ][ 'enabled' ] ? 'amqps' : 'amqp' ) . '://' . implode( ',', $nodes ) . ' vhost ' . $a[ 'vhost' ] ;
  }

  private  function scrub( string $text ) : string
  {
    $password = (string)$this->getConf( 'access', 'amqp.password' ) ;
    $text     = $password === '' ? $text : str_replace( [ $password, rawurlencode( $password ) ], '***', $text ) ;
    return rtrim( $text, ". " ) ;
  }


  /* **************************************************************************
     Inner Tools
  */

  public function getClassName()
  {
    return $this->_parent->getClassName() ;
  }
  private  function log( $str, $level = TwitterQueueLogger::LOG_DEBUG, $method = '', $indentLevel = 0 )
  {
    $this->_parent->log( $str, $level, $method, $indentLevel ) ;
  }
  private  function getConf( $confKey, $key = null )
  {
    return $this->_parent->getConf( $confKey, $key ) ;
  }
}


/* ****************************************************************************
   Errors
   ---
   getReason() is a stable code (configuration, broker_unreachable, access_refused, broker_timeout,
   broker_error, tls_failed, topology_missing, invalid_task, unroutable, nacked, confirm_timeout,
   amqp_library_missing); getMessage() a sentence saying what failed and what to do. Neither ever
   holds the broker password.
*/
class TwitterQueueException extends \RuntimeException
{
  private $reason ;

  public function __construct( string $reason, string $message, ?\Throwable $previous = null )
  {
    parent::__construct( $message, 0, $previous ) ;
    $this->reason = $reason ;
  }

  public function getReason() : string
  {
    return $this->reason ;
  }
}

/** An inbound message that is not a valid Kiamo message (reason: too_large, invalid_json, missing_field, wrong_type, too_long, foreign_account). */
class TwitterQueueInvalidMessage extends TwitterQueueException
{
}


/* ****************************************************************************
   Logger Helper
   ---
   Daily files <logPath>/<ClassName>/<YYYYMMDD>.log, one line per entry:
   [YYYYMMDD_HHMMSS][LEVEL][Class::method (padded)] text
   A log that cannot be written never breaks a fetch or a send.
*/
class TwitterQueueLogger
{
  const LOG_ALL                    =  0 ;
  const LOG_VERBOSE                =  1 ;
  const LOG_VERBOZE                =  1 ;
  const LOG_TRACE                  =  2 ;
  const LOG_DEBUG                  =  3 ;
  const LOG_INFOP                  =  4 ;
  const LOG_INFO                   =  5 ;
  const LOG_WARN                   =  6 ;
  const LOG_WARNING                =  6 ;
  const LOG_ERR                    =  7 ;
  const LOG_ERROR                  =  7 ;
  const LOG_CRITICAL               =  8 ;
  const LOG_NONE                   =  9 ;

  /** Names, the workers' included (trace ... critical; their notice, between info and warning, shows warnings up). */
  const LEVELS = [ 'ALL' => 0, 'VERBOSE' => 1, 'TRACE' => 2, 'DEBUG' => 3, 'INFOP' => 4, 'INFO' => 5, 'NOTICE' => 6, 'WARN' => 6, 'WARNING' => 6, 'ERROR' => 7, 'CRITICAL' => 8, 'NONE' => 9 ] ;

  private $logsPath ;
  private $maxLogLevel ;
  private $timezone ;
  private $adjustMethodLen = 50 ;
  private $warned          = false ;
  private $clock ;

  /** $clock returns the time in Unix seconds (time() by default): a test passes its own. */
  public    function __construct( string $logPath, string $className, int $maxLogLevel, string $timezone, ?callable $clock = null )
  {
    $this->logsPath    = rtrim( $logPath, '/\\' ) . DIRECTORY_SEPARATOR . $className . DIRECTORY_SEPARATOR ;
    $this->maxLogLevel = $maxLogLevel ;
    $this->timezone    = new DateTimeZone( $timezone ) ;
    $this->clock       = $clock ?? function() { return time() ; } ;
  }

  private  function now() : DateTime
  {
    return ( new DateTime( '@' . (int)( $this->clock )() ) )->setTimezone( $this->timezone ) ;
  }

  /** A LOG_* number or a level name (case-insensitive); null when it is neither. */
  public static function parseLevel( $value ) : ?int
  {
    if( is_int( $value ) ) return ( $value >= self::LOG_ALL && $value <= self::LOG_NONE ) ? $value : null ;
    if( !is_string( $value ) ) return null ;
    $v = strtoupper( trim( $value ) ) ;
    if( preg_match( '/^\d$/D', $v ) === 1 ) return (int)$v ;
    return self::LEVELS[ $v ] ?? null ;
  }

  public   function getLogFile() : string
  {
    return $this->logFileAt( $this->now() ) ;
  }

  private  function logFileAt( DateTime $at ) : string
  {
    return $this->logsPath . $at->format( 'Ymd' ) . ".log" ;
  }

  public   function log( $str, $level = self::LOG_DEBUG, $method = '', $indentLevel = 0 ) : void
  {
    if( $level < $this->maxLogLevel ) return ;

    // One entry per line, whatever the text holds.
    $text      = str_replace( [ "\r\n", "\r", "\n" ], ' | ', (string)$str ) ;
    $methodStr = self::bracket( $this->adjustMethod( self::shortMethod( (string)$method ) ) ) ;
    $indentStr = str_repeat( ' ', $indentLevel * 2 + 1 ) ;
    $at        = $this->now() ;  // one reading: the line's time and its file's day agree
    $line      = self::bracket( $at->format( 'Ymd_His' ) ) . self::getLogLevelStr( $level ) . $methodStr . $indentStr . $text . "\r\n" ;

    if( !is_dir( $this->logsPath ) && !@mkdir( $this->logsPath, 0775, true ) && !is_dir( $this->logsPath ) )
    {
      $this->warnOnce( "cannot create the log folder " . $this->logsPath ) ;
      return ;
    }
    // Blocking lock: concurrent Kiamo workers take turns instead of dropping lines.
    $file = $this->logFileAt( $at ) ;
    $fp   = @fopen( $file, 'a' ) ;
    if( $fp === false ) { $this->warnOnce( "cannot write " . $file ) ; return ; }
    if( flock( $fp, LOCK_EX ) )
    {
      fwrite( $fp, $line ) ;
      fflush( $fp ) ;
      flock( $fp, LOCK_UN ) ;
    }
    fclose( $fp ) ;
  }

  public static function getLogLevelStr( $level ) : string
  {
    switch( $level )
    {
    case self::LOG_VERBOSE  : return "[VERBZ]" ;
    case self::LOG_TRACE    : return "[TRACE]" ;
    case self::LOG_DEBUG    : return "[DEBUG]" ;
    case self::LOG_INFO     : return "[INFO ]" ;
    case self::LOG_INFOP    : return "[INFOP]" ;
    case self::LOG_WARN     : return "[WARNG]" ;
    case self::LOG_ERROR    : return "[ERROR]" ;
    case self::LOG_CRITICAL : return "[CRITK]" ;
    default                 : return "[     ]" ;
    }
  }

  private static function bracket( $sstr ) : string
  {
    return '[' . $sstr . ']' ;
  }

  private static function shortMethod( string $method ) : string
  {
    $parts = explode( '\\', $method ) ;
    return end( $parts ) ;
  }

  private  function adjustMethod( string $methodName ) : string
  {
    return strlen( $methodName ) > $this->adjustMethodLen ? substr( $methodName, 0, $this->adjustMethodLen ) : str_pad( $methodName, $this->adjustMethodLen ) ;
  }

  private  function warnOnce( string $what ) : void
  {
    if( $this->warned ) return ;
    $this->warned = true ;
    error_log( "TwitterQueueConnector: " . $what . "; its log lines are dropped." ) ;
  }
}


/* ****************************************************************************
   Trace Contexts
   ---
   W3C trace context (traceparent, tracestate) from the Kiamo message to the reply's send command,
   so one trace follows a customer's DM through ingest, Kiamo and dispatch. No tracing library: the
   connector copies the two headers, keyed by customer, in a small JSON file under a lock.
*/
class TwitterQueueTraceContexts
{
  const TraceParentPattern = '/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/D' ;  // D: no newline before the end
  const MaxTraceStateLength = 512 ;

  private $file ;
  private $keepFor ;
  private $keep ;

  public    function __construct( string $file, int $keepFor, int $keep )
  {
    $this->file    = $file ;
    $this->keepFor = max( 1, $keepFor ) ;
    $this->keep    = max( 1, $keep ) ;
  }

  /** [ traceparent, tracestate or null ] from a message's application headers; null when absent or malformed (W3C: then none). */
  public static function fromHeaders( array $headers ) : ?array
  {
    $parent = $headers[ 'traceparent' ] ?? null ;
    if( !is_string( $parent ) || preg_match( self::TraceParentPattern, $parent ) !== 1 ) return null ;
    $state  = $headers[ 'tracestate' ] ?? null ;
    $state  = is_string( $state ) && $state !== '' && strlen( $state ) <= self::MaxTraceStateLength && preg_match( '/^[\x20-\x7e]+$/D', $state ) === 1 ? $state : null ;
    return [ $parent, $state ] ;
  }

  /** The application headers that carry $trace (none for null). */
  public static function toHeaders( ?array $trace ) : array
  {
    if( $trace === null ) return [] ;
    $headers = [ 'traceparent' => $trace[ 0 ] ] ;
    if( isset( $trace[ 1 ] ) ) $headers[ 'tracestate' ] = $trace[ 1 ] ;
    return $headers ;
  }

  /** Keeps $byCustomer (customer id => [ traceparent, tracestate ]) as each one's latest, dropping what is older than keepFor and the oldest past keep. */
  public   function remember( array $byCustomer, int $now ) : void
  {
    $folder = dirname( $this->file ) ;
    if( !is_dir( $folder ) && !@mkdir( $folder, 0770, true ) && !is_dir( $folder ) ) throw new \RuntimeException( "cannot create the folder " . $folder ) ;
    $handle = @fopen( $this->file, 'c+' ) ;
    if( $handle === false ) throw new \RuntimeException( "cannot open " . $this->file ) ;
    try
    {
      if( !flock( $handle, LOCK_EX ) ) throw new \RuntimeException( "cannot lock " . $this->file ) ;
      $known = self::decode( stream_get_contents( $handle ) ) ;
      foreach( $byCustomer as $customer => $trace ) $known[ (string)$customer ] = [ $trace[ 0 ], $trace[ 1 ] ?? null, $now ] ;
      $known = array_filter( $known, function( $entry ) use ( $now ) { return $entry[ 2 ] >= $now - $this->keepFor ; } ) ;
      uasort( $known, function( $a, $b ) { return $a[ 2 ] <=> $b[ 2 ] ; } ) ;
      if( count( $known ) > $this->keep ) $known = array_slice( $known, -$this->keep, null, true ) ;
      ftruncate( $handle, 0 ) ;
      rewind( $handle ) ;
      fwrite( $handle, json_encode( $known, JSON_UNESCAPED_SLASHES | JSON_FORCE_OBJECT ) ) ;
      fflush( $handle ) ;
    }
    finally
    {
      flock( $handle, LOCK_UN ) ;
      fclose( $handle ) ;
    }
  }

  /** The customer's latest [ traceparent, tracestate ] within keepFor, or null. */
  public   function lookup( string $customer, int $now ) : ?array
  {
    if( !is_file( $this->file ) ) return null ;
    $handle = @fopen( $this->file, 'r' ) ;
    if( $handle === false ) throw new \RuntimeException( "cannot open " . $this->file ) ;
    try
    {
      flock( $handle, LOCK_SH ) ;
      $known = self::decode( stream_get_contents( $handle ) ) ;
    }
    finally
    {
      flock( $handle, LOCK_UN ) ;
      fclose( $handle ) ;
    }
    $entry = $known[ $customer ] ?? null ;
    if( $entry === null || $entry[ 2 ] < $now - $this->keepFor ) return null ;
    return [ $entry[ 0 ], $entry[ 1 ] ] ;
  }

  /** The stored map, keeping only well-formed entries (a damaged file is a fresh start, not an error). */
  private static function decode( $text ) : array
  {
    $decoded = is_string( $text ) && $text !== '' ? json_decode( $text, true ) : [] ;
    if( !is_array( $decoded ) ) return [] ;
    $known = [] ;
    foreach( $decoded as $customer => $entry )
    {
      if( is_array( $entry ) && count( $entry ) === 3 && is_string( $entry[ 0 ] ) && preg_match( self::TraceParentPattern, $entry[ 0 ] ) === 1
          && ( $entry[ 1 ] === null || is_string( $entry[ 1 ] ) ) && is_int( $entry[ 2 ] ) )
      {
        $known[ (string)$customer ] = $entry ;
      }
    }
    return $known ;
  }
}


/* ****************************************************************************
   X Id Helper
   ---
   Purpose : X's id rule, as the workers apply it (Swift's XID): 1 to 19 digits of a value from
             1 to 9223372036854775807 (a positive signed 64-bit integer). Leading zeros are
             allowed, as X's schema allows them. Compared as text, so it holds on 32-bit PHP.
*/
class TwitterQueueIds
{
  const MaxValue = '9223372036854775807' ;

  /** Whether $value is an X id (a user id, an account id, a DM event id). */
  public static function isXId( $value ) : bool
  {
    if( !is_string( $value ) || preg_match( '/^\d{1,19}$/D', $value ) !== 1 ) return false ;
    $digits = ltrim( $value, '0' ) ;
    if( $digits === '' ) return false ;
    return strlen( $digits ) < 19 || strcmp( $digits, self::MaxValue ) <= 0 ;
  }
}


/* ****************************************************************************
   UUID Generator Helper
*/
class TwitterQueueUuids
{
  /** A random (version 4) UUID, e.g. 0b6f4c1e-8d2a-4c57-9a43-2f1e7d9c6b10. */
  public static function v4() : string
  {
    $b    = random_bytes( 16 ) ;
    $b[6] = chr( ( ord( $b[6] ) & 0x0f ) | 0x40 ) ;
    $b[8] = chr( ( ord( $b[8] ) & 0x3f ) | 0x80 ) ;
    return vsprintf( '%s%s-%s-%s-%s-%s%s%s', str_split( bin2hex( $b ), 4 ) ) ;
  }
}


/* ****************************************************************************
   Command Line Tester
   ---
   > php TwitterQueueConnector.php -f --test=NN [options]     (--list shows the tests)
   Exit code 0 when the test passed, 1 otherwise.
*/
class TwitterQueueCommandLineTester
{
  const Verb = 'test' ;

  public    $connector     = null ;
  private   $args          = [] ;
  private   $testFunctions = [] ;

  public    function __construct( array $argv )
  {
    foreach( array_slice( $argv, 1 ) as $arg )
    {
      if( strncmp( $arg, '--', 2 ) !== 0 ) continue ;  // "-f" and stray words are ignored, as the original did
      $pair = explode( '=', substr( $arg, 2 ), 2 ) ;
      $this->args[ $pair[ 0 ] ] = $pair[ 1 ] ?? true ;
    }
    $this->defineTestFunctions() ;
  }

  /** Runs the requested test and returns the process exit code. */
  public    function run() : int
  {
    if( isset( $this->args[ 'list' ] ) ) { $this->listTests() ; return 0 ; }
    if( !isset( $this->args[ self::Verb ] ) || $this->args[ self::Verb ] === true ) { $this->usage() ; return 1 ; }

    $testId = (string)$this->args[ self::Verb ] ;
    if( strlen( $testId ) === 1 ) $testId = '0' . $testId ;
    $name   = self::Verb . $testId ;
    if( !array_key_exists( $name, $this->testFunctions ) )
    {
      echo "\nERROR : no such test '" . $name . "' (tests: " . implode( ', ', array_map( function( $k ) { return substr( $k, 4 ) ; }, array_keys( $this->testFunctions ) ) ) . ").\n==> Exit.\n" ;
      return 1 ;
    }

    echo "\nTest #" . $testId . " : '" . $this->testFunctions[ $name ][ 'purpose' ] . "'\n---\n" ;
    try
    {
      $this->connector = new TwitterQueueConnector( new ConnectorConfiguration() ) ;
      $ok = call_user_func( $this->testFunctions[ $name ][ 'function' ] ) ;
    }
    catch( \Throwable $e )
    {
      $reason = $e instanceof TwitterQueueException ? $e->getReason() : get_class( $e ) ;
      echo "KO [" . $reason . "] " . $e->getMessage() . "\n" ;
      return 1 ;
    }
    echo ( $ok === false ? "KO\n" : "OK\n" ) ;
    return $ok === false ? 1 : 0 ;
  }

  private  function usage() : void
  {
    echo "\n" ;
    echo "Usage\n" ;
    echo "-----\n" ;
    echo '> php TwitterQueueConnector.php -f --test=<testId> [--option=value ...]' . "\n" ;
    echo '> php TwitterQueueConnector.php -f --list' . "\n" ;
    $this->listTests() ;
  }

  private  function listTests() : void
  {
    foreach( $this->testFunctions as $name => $test ) echo "  " . substr( $name, 4 ) . "  " . $test[ 'purpose' ] . ( isset( $test[ 'options' ] ) ? "  " . $test[ 'options' ] : '' ) . "\n" ;
  }

  private  function arg( string $key, $default = null )
  {
    $v = $this->args[ $key ] ?? $default ;
    return $v === true ? $default : $v ;
  }

  private  function newBag() : ParameterBag
  {
    return new ParameterBag( TWITTER_QUEUE_CONNECTOR ) ;
  }

  private  function printJson( string $title, $value ) : void
  {
    echo $title . " :\n" . json_encode( $value, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE ) . "\n" ;
  }

  private  function messageTaskFromArgs() : ?array
  {
    $to = $this->arg( 'to' ) ;
    if( $to === null ) { echo "KO : --to=<the customer's X user id> is required\n" ; return null ; }
    $task = [
      'to'      => [ 'id' => (string)$to ],
      'content' => (string)$this->arg( 'text', 'kiamo-twitter connector test ' . date( 'Y-m-d H:i:s' ) ),
    ] ;
    if( $this->arg( 'name' ) !== null ) $task[ 'to' ][ 'name' ] = (string)$this->arg( 'name' ) ;
    if( $this->arg( 'account' ) !== null ) $task[ 'accountId' ] = (string)$this->arg( 'account' ) ;
    // --attach: an http(s) URL the dispatch worker downloads, anything else a path in its attachments folder.
    $attach = $this->arg( 'attach' ) ;
    if( $attach !== null ) $task[ 'attachments' ] = [ [ preg_match( '~^https?://~i', (string)$attach ) === 1 ? 'url' : 'path' => (string)$attach ] ] ;
    return $task ;
  }


  // Test Functions
  // ---
  private  function defineTestFunctions() : void
  {
    $this->testFunctions = [] ;

    $this->testFunctions[ 'test00' ] = [
      'purpose'  => 'Void execution : configuration (no secrets)',
      'function' => function()
      {
        $this->printJson( "Configuration", $this->connector->getPublicConf() ) ;
        echo "Name : " . $this->connector->getName() . "\n" ;
        if( $this->connector->getConf( 'access', 'accountId' ) === '' ) echo "Warning : access accountId is empty, send() needs an accountId in each task\n" ;
        return true ;
      }
    ] ;

    $this->testFunctions[ 'test01' ] = [
      'purpose'  => 'Connection check (connect, passive declares)',
      'function' => function()
      {
        $res = $this->connector->_msgManager->checkConnection() ;
        echo "Broker        : " . $res[ 'broker' ] . " as '" . $res[ 'user' ] . "'\n" ;
        echo "Exchange      : " . $res[ 'exchange' ] . " exists\n" ;
        echo "Inbound queue : " . $res[ 'inboundQueue' ] . " exists, " . $res[ 'waiting' ] . " message(s) waiting\n" ;
        return true ;
      }
    ] ;

    $this->testFunctions[ 'test02' ] = [
      'purpose'  => 'Fetch and print',
      'options'  => '[--consume] (without it, a peek: every message stays in the queue)',
      'function' => function()
      {
        $bag = $this->newBag() ;
        if( isset( $this->args[ 'consume' ] ) )
        {
          echo "Consuming : the messages below leave the queue (Kiamo will not get them)\n" ;
          $this->connector->fetch( $bag ) ;
          $this->printJson( "Messages", $bag->getMessages() ) ;
          $this->printJson( "Parameters", $bag->getParameters() ) ;
          return true ;
        }
        $messages = [] ;
        $stats = $this->connector->_msgManager->readMessages( (int)$this->connector->getConf( 'runtime', 'fetchBatchSize' ), function( array $record ) use ( &$messages ) {
          $messages[] = $record ;
          return true ;
        }, false, true ) ;
        $this->printJson( "Messages (peek, left in the queue)", $messages ) ;
        echo "Invalid : " . $stats[ 'setAside' ] . " (see the log)\n" ;
        return true ;
      }
    ] ;

    $this->testFunctions[ 'test03' ] = [
      'purpose'  => 'Send a message',
      'options'  => '--to=<X user id> [--text=...] [--name=...] [--account=<X account id>] [--attach=<http(s) URL or path>]',
      'function' => function()
      {
        $task = $this->messageTaskFromArgs() ;
        if( $task === null ) return false ;
        $this->connector->send( $task ) ;
        $last = $this->connector->_msgManager->lastCommand ;
        echo "Command " . $last[ 'id' ] . " confirmed on " . $last[ 'routingKey' ] . " : " . $last[ 'body' ] . "\n" ;
        return true ;
      }
    ] ;

    $this->testFunctions[ 'test04' ] = [
      'purpose'  => 'Round trip : send, see the command routed, wait for a delivery report',
      'options'  => '--to=<X user id> [--text=...] [--account=...] [--attach=<http(s) URL or path>] [--wait=<seconds for a report, default 10>]',
      'function' => function()
      {
        $task = $this->messageTaskFromArgs() ;
        if( $task === null ) return false ;
        $accountId = $task[ 'accountId' ] ?? $this->connector->getConf( 'access', 'accountId' ) ;
        $exchange  = $this->connector->getConf( 'access', 'topology.exchange' ) ;
        $wait      = (float)$this->arg( 'wait', 10 ) ;

        return $this->connector->_msgManager->withChannel( 'round trip', function( AMQPChannel $ch ) use ( $task, $accountId, $exchange, $wait )
        {
          // Private, self-deleting queues receive a copy of the command and the reports: the
          // workers' queues are only read, never declared nor drained.
          [ $copies, , ]  = $ch->queue_declare( '', false, false, true, true ) ;
          [ $reports, , ] = $ch->queue_declare( '', false, false, true, true ) ;
          $ch->queue_bind( $copies,  $exchange, 'send.' . $accountId ) ;
          $ch->queue_bind( $reports, $exchange, 'report.' . $accountId . '.*' ) ;

          $this->connector->send( $task ) ;
          $id = $this->connector->_msgManager->lastCommand[ 'id' ] ;
          echo "Command " . $id . " confirmed by the broker\n" ;

          $copy = $this->pollFor( $ch, $copies, $id, 'message_id', 5.0 ) ;
          if( $copy === null ) { echo "The command was not seen on routing key send." . $accountId . "\n" ; return false ; }
          echo "Command routed on " . $copy->getRoutingKey() . " (the send queue received it too) : " . $copy->getBody() . "\n" ;

          echo "Waiting up to " . $wait . " s for a delivery report...\n" ;
          $report = $this->pollFor( $ch, $reports, $id, 'correlation_id', $wait ) ;
          if( $report === null ) { echo "No delivery report within " . $wait . " s : are the workers running? (the command waits in the send queue)\n" ; return true ; }
          echo "Delivery report on " . $report->getRoutingKey() . " : " . $report->getBody() . "\n" ;
          return true ;
        } ) ;
      }
    ] ;

    $this->testFunctions[ 'test05' ] = [
      'purpose'  => 'Set-aside messages : what waits in the inbound dead-letter queue, and why (a peek)',
      'options'  => '[--limit=<at most this many, default 20>]',
      'function' => function()
      {
        $rows = $this->connector->_msgManager->peekSetAside( max( 1, (int)$this->arg( 'limit', 20 ) ) ) ;
        foreach( $rows as [ $id, $routingKey, $at, $code, $reason ] ) echo "message_id=" . $id . " routing_key=" . $routingKey . " set aside " . $at . " [" . $code . "] " . $reason . "\n" ;
        echo count( $rows ) . " message(s) shown, all left in the queue\n" ;
        return true ;
      }
    ] ;
  }

  /** Polls $queue (basic.get, no ack needed: the queue is ours) until a message whose $property is $id arrives or $seconds pass. */
  private  function pollFor( AMQPChannel $ch, string $queue, string $id, string $property, float $seconds ) : ?AMQPMessage
  {
    $deadline = microtime( true ) + $seconds ;
    do
    {
      while( ( $msg = $ch->basic_get( $queue, true ) ) !== null )
      {
        if( $msg->has( $property ) && (string)$msg->get( $property ) === $id ) return $msg ;
      }
      usleep( 100000 ) ;
    }
    while( microtime( true ) < $deadline ) ;
    return null ;
  }
}


// Enable the command line tester only when this file is the script run by the PHP command line
// (never when Kiamo, a test or another script includes it).
if( twitterQueueIsTheCommandLineScript() )
{
  // Usage example :
  // > php TwitterQueueConnector.php -f --test=00
  exit( ( new TwitterQueueCommandLineTester( $_SERVER[ 'argv' ] ?? [] ) )->run() ) ;
}
