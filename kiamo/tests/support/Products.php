<?php
/*
 * The built Swift products the end-to-end tests run (x-emulator, the two workers): the folder
 * `swift build --show-bin-path` prints, given as KIAMO_TEST_PRODUCTS (scripts/test sets it). Missing
 * products fail the test loudly: an end-to-end suite that skips would prove nothing.
 */
namespace KiamoTwitter\Tests\Support;

final class Products
{
    public const EMULATOR = 'x-emulator';
    public const INGEST = 'kiamo-twitter-ingest';
    public const DISPATCH = 'kiamo-twitter-dispatch';

    /** The path of the built executable $name; throws, saying how to build and point at it, when missing. */
    public static function executable(string $name): string
    {
        $folder = getenv('KIAMO_TEST_PRODUCTS');
        if ($folder === false || $folder === '') {
            throw new \RuntimeException('KIAMO_TEST_PRODUCTS is not set: the end-to-end tests run the built Swift products. '
                . 'Build them with `swift build --build-tests`, then run '
                . '`KIAMO_TEST_E2E=1 KIAMO_TEST_PRODUCTS=$(swift build --show-bin-path) kiamo/tests/run` (scripts/test does both).');
        }
        $path = rtrim($folder, '/') . '/' . $name;
        if (!is_file($path) || !is_executable($path)) {
            throw new \RuntimeException("KIAMO_TEST_PRODUCTS=$folder holds no executable $name: build the products with `swift build --build-tests` "
                . 'and point KIAMO_TEST_PRODUCTS at `swift build --show-bin-path`.');
        }
        return $path;
    }

    /**
     * The environment for a child process: this one's, without any KIAMO_TWITTER_* or X_EMULATOR_*
     * variable (a developer's own settings must not leak into the test), plus $variables.
     */
    public static function environment(array $variables): array
    {
        $environment = [];
        foreach (getenv() as $key => $value) {
            if (strpos($key, 'KIAMO_TWITTER_') !== 0 && strpos($key, 'X_EMULATOR_') !== 0) {
                $environment[$key] = $value;
            }
        }
        return array_merge($environment, $variables);
    }
}
