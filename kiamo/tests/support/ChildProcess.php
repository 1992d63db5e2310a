<?php
/*
 * A built product (x-emulator, a worker) run as a child process of the test: started with
 * proc_open (no shell), its standard output and error appended to one file the test reads, and
 * stopped with SIGTERM then, past a deadline, SIGKILL. A file rather than pipes: a chatty child can
 * never block on a full pipe while the test is busy elsewhere.
 */
namespace KiamoTwitter\Tests\Support;

final class ChildProcess
{
    /** @var resource */
    private $process;
    /** @var string */
    private $name;
    /** @var string */
    private $outputFile;
    /** @var int */
    private $pid;
    /** @var array|null proc_get_status() once it was seen exited (its exit code is reported once) */
    private $ended = null;
    /** @var string[] values masked in outputTail() (it goes to failure messages and the test log) */
    private $secrets;

    private function __construct($process, string $name, string $outputFile, array $secrets)
    {
        $this->process = $process;
        $this->name = $name;
        $this->outputFile = $outputFile;
        $this->secrets = array_values(array_filter($secrets, function ($secret) { return is_string($secret) && $secret !== ''; }));
        $this->pid = (int)proc_get_status($process)['pid'];
    }

    /**
     * Starts $command (executable path, then arguments) with exactly $environment, its output
     * appended to $outputFile. Throws when it cannot be started. $secrets (passwords, tokens it was
     * given) are masked wherever its output is shown.
     */
    public static function start(string $name, array $command, array $environment, string $outputFile, array $secrets = []): self
    {
        if (!is_file($command[0]) || !is_executable($command[0])) {
            throw new \RuntimeException("Cannot start $name: {$command[0]} is not an executable file.");
        }
        $descriptors = [
            0 => ['file', '/dev/null', 'r'],
            1 => ['file', $outputFile, 'a'],
            2 => ['file', $outputFile, 'a'],
        ];
        $process = proc_open($command, $descriptors, $pipes, null, $environment);
        if (!is_resource($process)) {
            throw new \RuntimeException("Cannot start $name: proc_open failed for {$command[0]}.");
        }
        $child = new self($process, $name, $outputFile, $secrets);
        self::killOnExit($child);
        return $child;
    }

    /**
     * Whatever ends the test run (a fatal error, exit(), Ctrl-C or SIGTERM to PHPUnit), no child
     * outlives it: a shutdown function kills what tearDown could not stop, and, when pcntl is
     * there, SIGINT and SIGTERM end PHP through exit() so that the shutdown functions run.
     */
    private static function killOnExit(self $child): void
    {
        static $signalsHandled = false;
        register_shutdown_function(static function () use ($child) {
            if ($child->process !== null && $child->isRunning()) {
                proc_terminate($child->process, 9);
            }
        });
        if (!$signalsHandled && function_exists('pcntl_signal') && function_exists('pcntl_async_signals')) {
            $signalsHandled = true;
            pcntl_async_signals(true);
            foreach ([SIGINT, SIGTERM] as $signal) {
                pcntl_signal($signal, static function (int $signal) { exit(128 + $signal); });
            }
        }
    }

    public function name(): string
    {
        return $this->name;
    }

    public function pid(): int
    {
        return $this->pid;
    }

    /** Everything it wrote so far (standard output and error). */
    public function output(): string
    {
        return is_file($this->outputFile) ? (string)file_get_contents($this->outputFile) : '';
    }

    /** The last $bytes of its output, headed by its name, its secrets masked, for a failure message. */
    public function outputTail(int $bytes = 3000): string
    {
        $output = $this->mask($this->output());
        $tail = strlen($output) > $bytes ? '...' . substr($output, -$bytes) : $output;
        $state = $this->isRunning() ? 'running' : 'exited (' . $this->describeExit() . ')';
        return "--- {$this->name} (pid {$this->pid}, $state)\n" . $tail;
    }

    /** $text with every secret of this child replaced by ****. */
    public function mask(string $text): string
    {
        return $this->secrets === [] ? $text : str_replace($this->secrets, '****', $text);
    }

    public function isRunning(): bool
    {
        if ($this->ended !== null || $this->process === null) {
            return false;
        }
        $status = proc_get_status($this->process);
        if ($status['running']) {
            return true;
        }
        $this->ended = $status;
        return false;
    }

    /**
     * The first line of its output containing $needle, waiting up to $seconds. Throws with its
     * output when it exits first or the deadline passes.
     */
    public function waitForLine(string $needle, float $seconds): string
    {
        return Eventually::value(function () use ($needle) {
            foreach (explode("\n", $this->output()) as $line) {
                if (strpos($line, $needle) !== false) {
                    return $line;
                }
            }
            if (!$this->isRunning()) {
                throw new \RuntimeException("{$this->name} exited before writing '$needle'.\n" . $this->outputTail());
            }
            return null;
        }, $seconds, function () use ($needle) { return "$this->name to write '$needle'.\n" . $this->outputTail(); });
    }

    /** Sends SIGTERM and returns at once, so that several children stop together; stop() waits. */
    public function terminate(): void
    {
        if ($this->process !== null && $this->isRunning()) {
            proc_terminate($this->process, 15);
        }
    }

    /**
     * SIGTERM, then SIGKILL if it is still running after $graceSeconds; waits for its end and
     * releases it. Returns how it ended ('exit 0', 'signal 9', ...). Idempotent.
     */
    public function stop(float $graceSeconds = 10.0): string
    {
        if ($this->process === null) {
            return $this->describeExit();
        }
        if ($this->isRunning()) {
            proc_terminate($this->process, 15);
            if (!$this->waitForEnd($graceSeconds)) {
                proc_terminate($this->process, 9);
                $this->waitForEnd(5.0);
            }
        }
        proc_close($this->process);
        $this->process = null;
        return $this->describeExit();
    }

    private function waitForEnd(float $seconds): bool
    {
        try {
            Eventually::value(function () { return !$this->isRunning(); }, $seconds, "{$this->name} to exit");
            return true;
        } catch (\RuntimeException $notYet) {
            return false;
        }
    }

    private function describeExit(): string
    {
        if ($this->ended === null) {
            return 'unknown';
        }
        return $this->ended['signaled'] ? 'signal ' . $this->ended['termsig'] : 'exit ' . $this->ended['exitcode'];
    }
}
