import CRabbitMQ
import Foundation
import Testing

@testable import AMQP

@Suite("Field tables and properties through librabbitmq's wire encoding")
struct FieldTableCodecTests {
    /// Encodes with our encoder, serialises with librabbitmq to wire bytes, parses those back
    /// with librabbitmq and decodes with our decoder.
    func wireRoundTrip(_ table: AMQPTable) throws -> AMQPTable {
        let encoder = CEncoder()
        var cTable = try encoder.table(table)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var written = 0
        let encoded = buffer.withUnsafeMutableBytes { raw in
            amqp_encode_table(amqp_bytes_t(len: raw.count, bytes: raw.baseAddress), &cTable, &written)
        }
        #expect(encoded == 0)
        var pool = amqp_pool_t()
        init_amqp_pool(&pool, 4096)
        defer { empty_amqp_pool(&pool) }
        var decoded = amqp_table_t()
        var offset = 0
        let status = buffer.withUnsafeMutableBytes { raw in
            amqp_decode_table(amqp_bytes_t(len: written, bytes: raw.baseAddress), &pool, &decoded, &offset)
        }
        #expect(status == 0)
        return CDecoder.table(decoded)
    }

    @Test func everyValueKindSurvivesTheWire() throws {
        let table: AMQPTable = [
            "bool": true, "i8": .int8(-8), "u8": .uint8(200), "i16": .int16(-1600), "u16": .uint16(60_000),
            "i32": .int32(-320_000), "u32": .uint32(4_000_000_000), "i64": .int64(-64_000_000_000),
            "float": .float(1.5), "double": 2.25, "decimal": .decimal(AMQPDecimal(scale: 3, value: 12_345)),
            "string": "héllo", "bytes": .bytes(Data([0, 255, 7])), "void": .void,
            "timestamp": .timestamp(Date(timeIntervalSince1970: 1_666_189_035)),
            "array": [1, "two", ["three": 3], [4, [5]]],
            "table": ["nested": ["deeper": ["deepest": "yes"]], "empty": [:], "list": []],
        ]
        #expect(try wireRoundTrip(table) == table)
    }

    @Test func propertiesMapEveryField() throws {
        let properties = AMQPProperties(
            contentType: "application/json", contentEncoding: "gzip", headers: ["x-account-id": "1234"],
            deliveryMode: .persistent, priority: 5, correlationId: "c", replyTo: "r", expiration: "1000",
            messageId: "m", timestamp: Date(timeIntervalSince1970: 1_700_000_000), type: "kiamo.message",
            userId: "guest", appId: "kiamo-twitter-ingest")
        let encoder = CEncoder()
        #expect(CDecoder.properties(try encoder.properties(properties)) == properties)
        #expect(CDecoder.properties(try encoder.properties(AMQPProperties())) == AMQPProperties())
        let tagged = CDecoder.properties(try encoder.properties(properties, extraHeader: ("x-kiamo-publish-tag", .int64(7))))
        #expect(tagged.headers["x-kiamo-publish-tag"] == .int64(7))
    }

    @Test func decimalsPrintWithTheirScale() {
        #expect("\(AMQPDecimal(scale: 2, value: 12_345))" == "123.45")
        #expect("\(AMQPDecimal(scale: 3, value: 5))" == "0.005")
        #expect("\(AMQPDecimal(scale: 0, value: 42))" == "42")
    }
}
