internal import CRabbitMQ
import Foundation

/// Copies librabbitmq's decoded C structs into Swift values, before the connection thread
/// recycles the pool they live in.
enum CDecoder {
    static func string(_ bytes: amqp_bytes_t) -> String {
        guard bytes.len > 0, let base = bytes.bytes else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: base, count: bytes.len), as: UTF8.self)
    }

    static func data(_ bytes: amqp_bytes_t) -> Data {
        guard bytes.len > 0, let base = bytes.bytes else { return Data() }
        return Data(bytes: base, count: bytes.len)
    }

    static func table(_ table: amqp_table_t) -> AMQPTable {
        guard table.num_entries > 0, let entries = table.entries else { return AMQPTable() }
        var result = AMQPTable()
        for index in 0..<Int(table.num_entries) {
            result[string(entries[index].key)] = field(entries[index].value)
        }
        return result
    }

    static func field(_ field: amqp_field_value_t) -> AMQPValue {
        func kind(_ k: amqp_field_value_kind_t) -> UInt8 { UInt8(truncatingIfNeeded: k.rawValue) }
        switch field.kind {
        case kind(AMQP_FIELD_KIND_BOOLEAN): return .bool(field.value.boolean != 0)
        case kind(AMQP_FIELD_KIND_I8): return .int8(field.value.i8)
        case kind(AMQP_FIELD_KIND_U8): return .uint8(field.value.u8)
        case kind(AMQP_FIELD_KIND_I16): return .int16(field.value.i16)
        case kind(AMQP_FIELD_KIND_U16): return .uint16(field.value.u16)
        case kind(AMQP_FIELD_KIND_I32): return .int32(field.value.i32)
        case kind(AMQP_FIELD_KIND_U32): return .uint32(field.value.u32)
        case kind(AMQP_FIELD_KIND_I64): return .int64(field.value.i64)
        // RabbitMQ never sends unsigned 64-bit values; keep one that arrives rather than lose it.
        case kind(AMQP_FIELD_KIND_U64): return .int64(Int64(truncatingIfNeeded: field.value.u64))
        case kind(AMQP_FIELD_KIND_F32): return .float(field.value.f32)
        case kind(AMQP_FIELD_KIND_F64): return .double(field.value.f64)
        case kind(AMQP_FIELD_KIND_DECIMAL):
            return .decimal(AMQPDecimal(scale: field.value.decimal.decimals, value: field.value.decimal.value))
        case kind(AMQP_FIELD_KIND_UTF8): return .string(string(field.value.bytes))
        case kind(AMQP_FIELD_KIND_BYTES): return .bytes(data(field.value.bytes))
        case kind(AMQP_FIELD_KIND_ARRAY):
            let array = field.value.array
            guard array.num_entries > 0, let entries = array.entries else { return .array([]) }
            return .array((0..<Int(array.num_entries)).map { self.field(entries[$0]) })
        case kind(AMQP_FIELD_KIND_TABLE): return .table(table(field.value.table))
        case kind(AMQP_FIELD_KIND_TIMESTAMP):
            return .timestamp(Date(timeIntervalSince1970: TimeInterval(field.value.u64)))
        default: return .void
        }
    }

    static func properties(_ c: amqp_basic_properties_t) -> AMQPProperties {
        let flags = c._flags
        func has(_ flag: Int32) -> Bool { flags & UInt32(flag) != 0 }
        func text(_ flag: Int32, _ value: amqp_bytes_t) -> String? { has(flag) ? string(value) : nil }
        var p = AMQPProperties()
        p.contentType = text(AMQP_BASIC_CONTENT_TYPE_FLAG, c.content_type)
        p.contentEncoding = text(AMQP_BASIC_CONTENT_ENCODING_FLAG, c.content_encoding)
        if has(AMQP_BASIC_HEADERS_FLAG) { p.headers = table(c.headers) }
        if has(AMQP_BASIC_DELIVERY_MODE_FLAG) { p.deliveryMode = AMQPDeliveryMode(rawValue: c.delivery_mode) }
        if has(AMQP_BASIC_PRIORITY_FLAG) { p.priority = c.priority }
        p.correlationId = text(AMQP_BASIC_CORRELATION_ID_FLAG, c.correlation_id)
        p.replyTo = text(AMQP_BASIC_REPLY_TO_FLAG, c.reply_to)
        p.expiration = text(AMQP_BASIC_EXPIRATION_FLAG, c.expiration)
        p.messageId = text(AMQP_BASIC_MESSAGE_ID_FLAG, c.message_id)
        if has(AMQP_BASIC_TIMESTAMP_FLAG) { p.timestamp = Date(timeIntervalSince1970: TimeInterval(c.timestamp)) }
        p.type = text(AMQP_BASIC_TYPE_FLAG, c.type)
        p.userId = text(AMQP_BASIC_USER_ID_FLAG, c.user_id)
        p.appId = text(AMQP_BASIC_APP_ID_FLAG, c.app_id)
        return p
    }

    /// librabbitmq's text for a status code (a static string).
    static func status(_ code: Int32) -> String {
        guard let text = amqp_error_string2(code) else { return "librabbitmq status \(code)" }
        return String(cString: text)
    }
}
