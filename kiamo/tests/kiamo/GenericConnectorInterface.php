<?php
/*
 * Test stand-in for Kiamo's GenericConnectorInterface (the real one comes with Kiamo, in
 * <kiamo>/www/Symfony/src/Kiamo/Admin/Utility/Messaging/). It declares the four methods the
 * original samples implement, without types, so it accepts what the real interface accepts.
 */
namespace Kiamo\Admin\Utility\Messaging;

interface GenericConnectorInterface
{
    public function getName();

    public static function getIcon();

    public function fetch($parameterBag);

    public function send(array $messageTask);
}
