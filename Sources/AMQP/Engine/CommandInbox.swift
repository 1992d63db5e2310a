import DequeModule
import Synchronization

/// The queue between async callers and the connection thread: callers append under a mutex and
/// wake the thread through its wake-up pipe (`WakeSignal`) only when it may be asleep, so a burst of publishes costs
/// one wake-up, not one syscall each.
final class CommandInbox: Sendable {
    private struct State {
        var commands: Deque<Command> = []
        var threadMaySleep = true
        /// Set while no thread runs (before connect, after the end); commands fail with it at once.
        var closedWith: AMQPError? = .connectionClosedByApplication
    }

    private let state = Mutex(State())
    let wake: WakeSignal

    init() throws {
        wake = try WakeSignal()
    }

    /// Queues `command`, or fails it at once when the connection thread is gone.
    func submit(_ command: Command) {
        let outcome: (wake: Bool, closed: AMQPError?) = state.withLock { state in
            if let error = state.closedWith { return (false, error) }
            state.commands.append(command)
            if state.threadMaySleep {
                state.threadMaySleep = false
                return (true, nil)
            }
            return (false, nil)
        }
        if let error = outcome.closed {
            command.fail(error)
        } else if outcome.wake {
            wake.signal()
        }
    }

    /// Everything queued so far, oldest first; the thread calls it each loop turn.
    func takeAll() -> Deque<Command> {
        state.withLock { state in
            let commands = state.commands
            state.commands = []
            state.threadMaySleep = true
            return commands
        }
    }

    /// True when commands wait (the thread skips its poll then).
    var hasPending: Bool {
        state.withLock { !$0.commands.isEmpty }
    }

    /// Refuses further commands with `error` and returns those still queued, for failing.
    func close(with error: AMQPError) -> Deque<Command> {
        state.withLock { state in
            state.closedWith = error
            let commands = state.commands
            state.commands = []
            return commands
        }
    }

    /// Accepts commands again (a new connect after the thread ended).
    func reopen() {
        state.withLock { state in
            state.closedWith = nil
            state.threadMaySleep = true
        }
    }
}
