<?php
/*
 * Test stand-in for Kiamo's ParameterBag (the real one comes with Kiamo): the messages fetch() adds
 * and the parameters Kiamo keeps between two fetches (the original kept lastReadMessageId there).
 */
namespace Kiamo\Admin\Utility\Messaging;

class ParameterBag
{
    private $connectorName;
    private $messages = [];
    private $parameters = [];

    public function __construct($connectorName = '', array $parameters = [])
    {
        $this->connectorName = $connectorName;
        $this->parameters = $parameters;
    }

    public function addMessage(array $message)
    {
        $this->messages[] = $message;
    }

    public function getMessages()
    {
        return $this->messages;
    }

    public function getParameters()
    {
        return $this->parameters;
    }

    public function getParameter($key, $default = null)
    {
        return array_key_exists($key, $this->parameters) ? $this->parameters[$key] : $default;
    }

    public function setParameter($key, $value)
    {
        $this->parameters[$key] = $value;
    }
}
