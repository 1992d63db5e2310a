<?php
/*
 * Test stand-in for Kiamo's ConnectorConfiguration (the real one comes with Kiamo). The connector
 * only keeps it, as the original samples did; its settings come from initConfig and the environment.
 */
namespace Kiamo\Admin\Utility\Messaging;

class ConnectorConfiguration
{
}
