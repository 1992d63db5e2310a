/// The agent needs PHP's command-line interpreter and none is on the PATH.
struct PHPNotFound: Error, CustomStringConvertible {
    let path: String
    var description: String {
        "no php on the PATH (\(path)): install php-cli and php-amqplib (scripts/test installs them)"
    }
}
