import Glibc

/// A self-pipe the connection thread polls beside its socket, so a caller on any thread can
/// wake it without waiting for the poll timeout. Both ends are non-blocking: signalling never
/// blocks a caller, even when the pipe is full (a full pipe is already a pending wake-up).
final class WakeSignal: Sendable {
    /// The end the thread polls.
    let fd: Int32
    private let writeEnd: Int32

    init() throws {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw AMQPError.protocolError("pipe failed: \(String(cString: strerror(errno)))")
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        fd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(fd)
        close(writeEnd)
    }

    func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Clears the signal (the thread calls it after poll reported the pipe readable).
    func drain() {
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &buffer, { read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }
}
