/// One declaration the connection remembers so it can declare it again after a reconnect.
enum TopologyEntry: Sendable, Hashable {
    case exchange(name: String, type: AMQPExchangeType, durable: Bool, autoDelete: Bool, internal: Bool, arguments: AMQPTable)
    /// `serverNamed`: declared without a name; the broker picked `name`, and a redeclare picks
    /// a new one.
    case queue(name: String, durable: Bool, exclusive: Bool, autoDelete: Bool, arguments: AMQPTable, serverNamed: Bool)
    case queueBinding(queue: String, exchange: String, routingKey: String, arguments: AMQPTable)
    case exchangeBinding(destination: String, source: String, routingKey: String, arguments: AMQPTable)

    /// How a log line or event names it, e.g. `queue 'kiamo.twitter.send'`.
    var label: String {
        switch self {
        case .exchange(let name, _, _, _, _, _): "exchange '\(name)'"
        case .queue(let name, _, _, _, _, _): "queue '\(name)'"
        case .queueBinding(let queue, let exchange, let key, _): "binding '\(exchange)' → queue '\(queue)' ('\(key)')"
        case .exchangeBinding(let destination, let source, let key, _): "binding '\(source)' → exchange '\(destination)' ('\(key)')"
        }
    }
}
