internal import CRabbitMQ
import Foundation

/// Turns Swift values into librabbitmq's C structs for one outgoing method or message.
///
/// Every pointer it hands out lives in its pool until `reset()`, which the connection thread
/// calls once the frame is on the wire. Used from the connection thread only.
final class CEncoder {
    private let pool: UnsafeMutablePointer<amqp_pool_t>

    init() {
        pool = .allocate(capacity: 1)
        init_amqp_pool(pool, 16_384)
    }

    deinit {
        empty_amqp_pool(pool)
        pool.deallocate()
    }

    /// Frees everything handed out since the last reset (keeps the pages for reuse).
    func reset() {
        recycle_amqp_pool(pool)
    }

    /// Uninitialised memory for `count` values of `T`, zero-filled.
    func allocate<T>(_ type: T.Type, count: Int = 1) throws -> UnsafeMutablePointer<T> {
        let size = MemoryLayout<T>.stride * max(count, 1)
        guard let raw = amqp_pool_alloc(pool, size) else {
            throw AMQPError.protocolError("out of memory encoding a frame")
        }
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        return raw.bindMemory(to: T.self, capacity: max(count, 1))
    }

    func bytes(_ string: String) throws -> amqp_bytes_t {
        // A native string's bytes are read in place; only a bridged one is made contiguous (a
        // copy and a retain, which every publish paid for its exchange and routing key).
        if let encoded = try string.utf8.withContiguousStorageIfAvailable({ try bytes(UnsafeRawBufferPointer($0)) }) {
            return encoded
        }
        var string = string
        return try string.withUTF8 { try bytes(UnsafeRawBufferPointer($0)) }
    }

    func bytes(_ data: Data) throws -> amqp_bytes_t {
        try data.withUnsafeBytes { try bytes($0) }
    }

    func bytes(_ buffer: UnsafeRawBufferPointer) throws -> amqp_bytes_t {
        guard buffer.count > 0, let base = buffer.baseAddress else { return amqp_bytes_t(len: 0, bytes: nil) }
        let target = try allocate(UInt8.self, count: buffer.count)
        UnsafeMutableRawPointer(target).copyMemory(from: base, byteCount: buffer.count)
        return amqp_bytes_t(len: buffer.count, bytes: UnsafeMutableRawPointer(target))
    }

    func table(_ table: AMQPTable, extra: (key: String, value: AMQPValue)? = nil) throws -> amqp_table_t {
        var entries = table.entries.map { ($0.key, $0.value) }
        if let extra { entries.append((extra.key, extra.value)) }
        guard !entries.isEmpty else { return amqp_table_t(num_entries: 0, entries: nil) }
        guard entries.count <= Int(Int32.max) else { throw AMQPError.invalidArgument("table too large") }
        let target = try allocate(amqp_table_entry_t.self, count: entries.count)
        for (index, entry) in entries.enumerated() {
            target[index] = amqp_table_entry_t(key: try bytes(entry.0), value: try field(entry.1))
        }
        return amqp_table_t(num_entries: Int32(entries.count), entries: target)
    }

    func field(_ value: AMQPValue) throws -> amqp_field_value_t {
        var field = amqp_field_value_t()
        func kind(_ k: amqp_field_value_kind_t) -> UInt8 { UInt8(truncatingIfNeeded: k.rawValue) }
        switch value {
        case .bool(let v): field.kind = kind(AMQP_FIELD_KIND_BOOLEAN); field.value.boolean = v ? 1 : 0
        case .int8(let v): field.kind = kind(AMQP_FIELD_KIND_I8); field.value.i8 = v
        case .uint8(let v): field.kind = kind(AMQP_FIELD_KIND_U8); field.value.u8 = v
        case .int16(let v): field.kind = kind(AMQP_FIELD_KIND_I16); field.value.i16 = v
        case .uint16(let v): field.kind = kind(AMQP_FIELD_KIND_U16); field.value.u16 = v
        case .int32(let v): field.kind = kind(AMQP_FIELD_KIND_I32); field.value.i32 = v
        case .uint32(let v): field.kind = kind(AMQP_FIELD_KIND_U32); field.value.u32 = v
        case .int64(let v): field.kind = kind(AMQP_FIELD_KIND_I64); field.value.i64 = v
        case .float(let v): field.kind = kind(AMQP_FIELD_KIND_F32); field.value.f32 = v
        case .double(let v): field.kind = kind(AMQP_FIELD_KIND_F64); field.value.f64 = v
        case .decimal(let v):
            field.kind = kind(AMQP_FIELD_KIND_DECIMAL)
            field.value.decimal = amqp_decimal_t(decimals: v.scale, value: v.value)
        case .string(let v): field.kind = kind(AMQP_FIELD_KIND_UTF8); field.value.bytes = try bytes(v)
        case .bytes(let v): field.kind = kind(AMQP_FIELD_KIND_BYTES); field.value.bytes = try bytes(v)
        case .array(let elements):
            field.kind = kind(AMQP_FIELD_KIND_ARRAY)
            if elements.isEmpty {
                field.value.array = amqp_array_t(num_entries: 0, entries: nil)
            } else {
                let target = try allocate(amqp_field_value_t.self, count: elements.count)
                for (index, element) in elements.enumerated() { target[index] = try self.field(element) }
                field.value.array = amqp_array_t(num_entries: Int32(elements.count), entries: target)
            }
        case .table(let nested): field.kind = kind(AMQP_FIELD_KIND_TABLE); field.value.table = try table(nested)
        case .timestamp(let date):
            field.kind = kind(AMQP_FIELD_KIND_TIMESTAMP)
            field.value.u64 = UInt64(max(date.timeIntervalSince1970, 0))
        case .void: field.kind = kind(AMQP_FIELD_KIND_VOID)
        }
        return field
    }

    /// The content-header properties; `extraHeader` is added to the headers table (the publish
    /// tag the client puts on mandatory messages to match a `basic.return`).
    func properties(_ p: AMQPProperties, extraHeader: (key: String, value: AMQPValue)? = nil) throws -> amqp_basic_properties_t {
        var c = amqp_basic_properties_t()
        var flags: UInt32 = 0
        func set(_ value: String?, _ flag: Int32, _ assign: (amqp_bytes_t) -> Void) throws {
            guard let value else { return }
            assign(try bytes(value))
            flags |= UInt32(flag)
        }
        try set(p.contentType, AMQP_BASIC_CONTENT_TYPE_FLAG) { c.content_type = $0 }
        try set(p.contentEncoding, AMQP_BASIC_CONTENT_ENCODING_FLAG) { c.content_encoding = $0 }
        if !p.headers.isEmpty || extraHeader != nil {
            c.headers = try table(p.headers, extra: extraHeader)
            flags |= UInt32(AMQP_BASIC_HEADERS_FLAG)
        }
        if let mode = p.deliveryMode {
            c.delivery_mode = mode.rawValue
            flags |= UInt32(AMQP_BASIC_DELIVERY_MODE_FLAG)
        }
        if let priority = p.priority {
            c.priority = priority
            flags |= UInt32(AMQP_BASIC_PRIORITY_FLAG)
        }
        try set(p.correlationId, AMQP_BASIC_CORRELATION_ID_FLAG) { c.correlation_id = $0 }
        try set(p.replyTo, AMQP_BASIC_REPLY_TO_FLAG) { c.reply_to = $0 }
        try set(p.expiration, AMQP_BASIC_EXPIRATION_FLAG) { c.expiration = $0 }
        try set(p.messageId, AMQP_BASIC_MESSAGE_ID_FLAG) { c.message_id = $0 }
        if let timestamp = p.timestamp {
            c.timestamp = UInt64(max(timestamp.timeIntervalSince1970, 0))
            flags |= UInt32(AMQP_BASIC_TIMESTAMP_FLAG)
        }
        try set(p.type, AMQP_BASIC_TYPE_FLAG) { c.type = $0 }
        try set(p.userId, AMQP_BASIC_USER_ID_FLAG) { c.user_id = $0 }
        try set(p.appId, AMQP_BASIC_APP_ID_FLAG) { c.app_id = $0 }
        c._flags = flags
        return c
    }
}
