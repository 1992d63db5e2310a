import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Files and folders only their owner can read: the state file (it holds OAuth access and
/// refresh tokens in plain text), its `-wal` and `-shm` files, the resource and export files and
/// the daily log files.
///
/// Why not the umask: a process's umask is whatever its launcher left (022 under most shells and
/// service managers, 000 in some containers), so files created with the default mode end up
/// world-readable. Here files are created 0600 and folders 0700, then set to exactly that mode
/// with `fchmod`/`chmod`, so no umask can widen (or narrow) them. Existing files and folders are
/// left as they are: an operator may have chosen to share them on purpose.
///
/// Blocking file-system calls: run them off the cooperative pool (`BlockingIO`).
public enum PrivateFiles {
    /// Mode of the files created here.
    public static let fileMode: mode_t = 0o600
    /// Mode of the folders created here.
    public static let folderMode: mode_t = 0o700

    /// Why a private file or folder could not be made; the path and the system's reason.
    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Creates `path` and any missing parent folders, each new one 0700; existing ones are kept.
    public static func createFolder(_ path: String) throws(Failure) {
        var missing: [String] = []
        var current = (path as NSString).standardizingPath
        var isDirectory: ObjCBool = false
        while !current.isEmpty, current != "/", !FileManager.default.fileExists(atPath: current, isDirectory: &isDirectory) {
            missing.append(current)
            current = (current as NSString).deletingLastPathComponent
        }
        if !current.isEmpty, current != "/", !isDirectory.boolValue {
            throw Failure(path: current, reason: "exists and is not a folder")
        }
        for folder in missing.reversed() {
            if mkdir(folder, folderMode) != 0 {
                let code = errno
                // Another process made it meanwhile: fine, it is theirs to set.
                if code == EEXIST { continue }
                throw Failure(path: folder, reason: String(cString: strerror(code)))
            }
            if chmod(folder, folderMode) != 0 { throw Failure(path: folder, reason: String(cString: strerror(errno))) }
        }
    }

    /// Creates the empty file `path` with mode 0600 unless it exists; returns true when it made it.
    @discardableResult
    public static func createFile(_ path: String) throws(Failure) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else {
            let code = errno
            if code == EEXIST { return false }
            throw Failure(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(descriptor) }
        guard fchmod(descriptor, fileMode) == 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        return true
    }

    /// Replaces `url`'s content with `data` atomically (a 0600 temporary file beside it, then a
    /// rename), so a reader never sees half a file and the file is 0600 whatever it was before.
    public static func write(_ data: Data, to url: URL) throws(Failure) {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp").path
        guard try createFile(temporary) else { throw Failure(path: temporary, reason: "a temporary file of that name exists") }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            unlink(temporary)
            throw Failure(path: temporary, reason: "\(error.localizedDescription)")
        }
        guard rename(temporary, url.path) == 0 else {
            let code = errno
            unlink(temporary)
            throw Failure(path: url.path, reason: String(cString: strerror(code)))
        }
    }
}
