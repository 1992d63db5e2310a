<?php
/*
 * Waiting for something another process does, with a deadline: poll a probe until it gives a
 * value, never sleep a fixed time and hope. The counterpart of the Swift tests' eventually().
 */
namespace KiamoTwitter\Tests\Support;

final class Eventually
{
    /** Pause between two probes: short, since each probe is cheap (a file read, a basic.get). */
    private const INTERVAL_MICROSECONDS = 50000;

    /**
     * Calls $probe until it returns something other than null or false, and returns that. After
     * $seconds it throws, naming $what (a string, or a callable giving one: e.g. the tail of a
     * process's output, read only when the wait failed). Exceptions from $probe go through.
     *
     * @param callable $probe  () => mixed
     * @param string|callable $what
     * @return mixed
     */
    public static function value(callable $probe, float $seconds, $what)
    {
        $deadline = microtime(true) + $seconds;
        while (true) {
            $value = $probe();
            if ($value !== null && $value !== false) {
                return $value;
            }
            if (microtime(true) >= $deadline) {
                $description = is_callable($what) ? $what() : $what;
                throw new \RuntimeException(sprintf('Waited %.1f s for %s', $seconds, $description));
            }
            usleep(self::INTERVAL_MICROSECONDS);
        }
    }
}
