internal import CRabbitMQ

/// A synchronous AMQP method a channel sends and then waits for the reply of.
enum RPCRequest: Sendable {
    case declare(TopologyEntry, passive: Bool)
    case exchangeDelete(name: String, ifUnused: Bool)
    case queueUnbind(TopologyEntry)
    case exchangeUnbind(TopologyEntry)
    case queuePurge(name: String)
    case queueDelete(name: String, ifUnused: Bool, ifEmpty: Bool)
    case qos(prefetchCount: UInt16, global: Bool)
    case get(queue: String)
    case consume(queue: String, tag: String, exclusive: Bool, arguments: AMQPTable)
    case cancel(tag: String)
    case channelOpen
    case confirmSelect
    case channelClose

    /// The method's name for errors and logs, e.g. `queue.declare 'orders'`.
    var label: String {
        switch self {
        case .declare(let entry, let passive): (passive ? "passive declare of " : "declare of ") + entry.label
        case .exchangeDelete(let name, _): "exchange.delete '\(name)'"
        case .queueUnbind(let entry), .exchangeUnbind(let entry): "unbind of " + entry.label
        case .queuePurge(let name): "queue.purge '\(name)'"
        case .queueDelete(let name, _, _): "queue.delete '\(name)'"
        case .qos(let count, _): "basic.qos \(count)"
        case .get(let queue): "basic.get '\(queue)'"
        case .consume(let queue, _, _, _): "basic.consume '\(queue)'"
        case .cancel(let tag): "basic.cancel '\(tag)'"
        case .channelOpen: "channel.open"
        case .confirmSelect: "confirm.select"
        case .channelClose: "channel.close"
        }
    }

    /// The replies that answer it (besides channel.close, which answers anything).
    var replies: [amqp_method_number_t] {
        switch self {
        case .declare(.exchange, _): [MethodID.exchangeDeclareOk]
        case .declare(.queue, _): [MethodID.queueDeclareOk]
        case .declare(.queueBinding, _): [MethodID.queueBindOk]
        case .declare(.exchangeBinding, _): [MethodID.exchangeBindOk]
        case .exchangeDelete: [MethodID.exchangeDeleteOk]
        case .queueUnbind: [MethodID.queueUnbindOk]
        case .exchangeUnbind: [MethodID.exchangeUnbindOk]
        case .queuePurge: [MethodID.queuePurgeOk]
        case .queueDelete: [MethodID.queueDeleteOk]
        case .qos: [MethodID.basicQosOk]
        case .get: [MethodID.basicGetOk, MethodID.basicGetEmpty]
        case .consume: [MethodID.basicConsumeOk]
        case .cancel: [MethodID.basicCancelOk]
        case .channelOpen: [MethodID.channelOpenOk]
        case .confirmSelect: [MethodID.confirmSelectOk]
        case .channelClose: [MethodID.channelCloseOk]
        }
    }

    /// The method number and its C struct, allocated in `encoder` (valid until its reset).
    func encode(_ e: CEncoder) throws -> (amqp_method_number_t, UnsafeMutableRawPointer) {
        switch self {
        case .declare(.exchange(let name, let type, let durable, let autoDelete, let isInternal, let arguments), let passive):
            let m = try e.allocate(amqp_exchange_declare_t.self)
            m.pointee.exchange = try e.bytes(name)
            m.pointee.type = try e.bytes(type.rawValue)
            m.pointee.passive = passive ? 1 : 0
            m.pointee.durable = durable ? 1 : 0
            m.pointee.auto_delete = autoDelete ? 1 : 0
            m.pointee.internal = isInternal ? 1 : 0
            m.pointee.arguments = try e.table(arguments)
            return (MethodID.exchangeDeclare, UnsafeMutableRawPointer(m))
        case .declare(.queue(let name, let durable, let exclusive, let autoDelete, let arguments, let serverNamed), let passive):
            let m = try e.allocate(amqp_queue_declare_t.self)
            m.pointee.queue = try e.bytes(serverNamed ? "" : name)
            m.pointee.passive = passive ? 1 : 0
            m.pointee.durable = durable ? 1 : 0
            m.pointee.exclusive = exclusive ? 1 : 0
            m.pointee.auto_delete = autoDelete ? 1 : 0
            m.pointee.arguments = try e.table(arguments)
            return (MethodID.queueDeclare, UnsafeMutableRawPointer(m))
        case .declare(.queueBinding(let queue, let exchange, let key, let arguments), _):
            let m = try e.allocate(amqp_queue_bind_t.self)
            m.pointee.queue = try e.bytes(queue)
            m.pointee.exchange = try e.bytes(exchange)
            m.pointee.routing_key = try e.bytes(key)
            m.pointee.arguments = try e.table(arguments)
            return (MethodID.queueBind, UnsafeMutableRawPointer(m))
        case .declare(.exchangeBinding(let destination, let source, let key, let arguments), _):
            let m = try e.allocate(amqp_exchange_bind_t.self)
            m.pointee.destination = try e.bytes(destination)
            m.pointee.source = try e.bytes(source)
            m.pointee.routing_key = try e.bytes(key)
            m.pointee.arguments = try e.table(arguments)
            return (MethodID.exchangeBind, UnsafeMutableRawPointer(m))
        case .exchangeDelete(let name, let ifUnused):
            let m = try e.allocate(amqp_exchange_delete_t.self)
            m.pointee.exchange = try e.bytes(name)
            m.pointee.if_unused = ifUnused ? 1 : 0
            return (MethodID.exchangeDelete, UnsafeMutableRawPointer(m))
        case .queueUnbind(.queueBinding(let queue, let exchange, let key, let arguments)):
            let m = try e.allocate(amqp_queue_unbind_t.self)
            m.pointee.queue = try e.bytes(queue)
            m.pointee.exchange = try e.bytes(exchange)
            m.pointee.routing_key = try e.bytes(key)
            m.pointee.arguments = try e.table(arguments)
            return (MethodID.queueUnbind, UnsafeMutableRawPointer(m))
        case .exchangeUnbind(.exchangeBinding(let destination, let source, let key, let arguments)):
            let m = try e.allocate(amqp_exchange_unbind_t.self)
            m.pointee.destination = try e.bytes(destination)
            m.pointee.source = try e.bytes(source)
            m.pointee.routing_key = try e.bytes(key)
            m.pointee.arguments = try e.table(arguments)
            return (MethodID.exchangeUnbind, UnsafeMutableRawPointer(m))
        case .queueUnbind, .exchangeUnbind:
            throw AMQPError.invalidArgument("unbind needs a binding")
        case .queuePurge(let name):
            let m = try e.allocate(amqp_queue_purge_t.self)
            m.pointee.queue = try e.bytes(name)
            return (MethodID.queuePurge, UnsafeMutableRawPointer(m))
        case .queueDelete(let name, let ifUnused, let ifEmpty):
            let m = try e.allocate(amqp_queue_delete_t.self)
            m.pointee.queue = try e.bytes(name)
            m.pointee.if_unused = ifUnused ? 1 : 0
            m.pointee.if_empty = ifEmpty ? 1 : 0
            return (MethodID.queueDelete, UnsafeMutableRawPointer(m))
        case .qos(let count, let global):
            let m = try e.allocate(amqp_basic_qos_t.self)
            m.pointee.prefetch_count = count
            m.pointee.global = global ? 1 : 0
            return (MethodID.basicQos, UnsafeMutableRawPointer(m))
        case .get(let queue):
            let m = try e.allocate(amqp_basic_get_t.self)
            m.pointee.queue = try e.bytes(queue)
            m.pointee.no_ack = 0
            return (MethodID.basicGet, UnsafeMutableRawPointer(m))
        case .consume(let queue, let tag, let exclusive, let arguments):
            let m = try e.allocate(amqp_basic_consume_t.self)
            m.pointee.queue = try e.bytes(queue)
            m.pointee.consumer_tag = try e.bytes(tag)
            m.pointee.exclusive = exclusive ? 1 : 0
            m.pointee.arguments = try e.table(arguments)
            return (MethodID.basicConsume, UnsafeMutableRawPointer(m))
        case .cancel(let tag):
            let m = try e.allocate(amqp_basic_cancel_t.self)
            m.pointee.consumer_tag = try e.bytes(tag)
            return (MethodID.basicCancel, UnsafeMutableRawPointer(m))
        case .channelOpen:
            let m = try e.allocate(amqp_channel_open_t.self)
            return (MethodID.channelOpen, UnsafeMutableRawPointer(m))
        case .confirmSelect:
            let m = try e.allocate(amqp_confirm_select_t.self)
            return (MethodID.confirmSelect, UnsafeMutableRawPointer(m))
        case .channelClose:
            let m = try e.allocate(amqp_channel_close_t.self)
            m.pointee.reply_code = 200
            m.pointee.reply_text = try e.bytes("closed by the application")
            return (MethodID.channelClose, UnsafeMutableRawPointer(m))
        }
    }
}
