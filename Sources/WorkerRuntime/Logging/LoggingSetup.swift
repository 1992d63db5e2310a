import KiamoTwitter
import Logging

/// Bootstraps swift-log once per process from the configuration: standard output (text or JSON
/// lines, `logFormat`), plus the original's daily files when `logFiles.enabled`. swift-log allows
/// one bootstrap per process, so executables read the configuration first and report a
/// configuration error on standard error.
public enum LoggingSetup {
    public static func bootstrap(_ configuration: Configuration) throws {
        let level = configuration.logLevel
        let files =
            configuration.logFiles.enabled
            ? try DailyFileWriter(folder: configuration.logFiles.folder, service: configuration.service)
            : nil
        let format = configuration.logFormat
        LoggingSystem.bootstrap { label in
            var handlers: [any LogHandler] = [KiamoLogHandler(label: label, level: level, format: format)]
            if let files { handlers.append(DailyFileLogHandler(writer: files, level: level)) }
            return handlers.count == 1 ? handlers[0] : MultiplexLogHandler(handlers)
        }
    }
}
