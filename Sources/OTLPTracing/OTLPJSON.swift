import Foundation
import Tracing
import W3CTraceContext

/// The body of an OTLP/HTTP export (`ExportTraceServiceRequest`) in OTLP's JSON encoding: ids as
/// lower-case hex (not base64, as OTLP specifies for JSON), enums as numbers, 64-bit integers as
/// strings (proto3's JSON mapping), field names in lowerCamelCase.
public enum OTLPJSON {
    /// One request holding `spans` of one resource (`service.name` and the rest of `resource`).
    ///
    /// Written by hand rather than through `JSONEncoder`: a worker draining a backlog ends three
    /// spans a DM, thousands a second, and Foundation's encoder took most of the CPU tracing cost.
    public static func exportRequest(_ spans: [FinishedSpan], resource: [(String, String)], scope: (name: String, version: String)) throws -> Data {
        var out = "{\"resourceSpans\":[{\"resource\":{\"attributes\":["
        out.reserveCapacity(256 + spans.count * 600)
        for (index, (key, value)) in resource.enumerated() {
            if index > 0 { out += "," }
            keyValue(key, .string(value), into: &out)
        }
        out += "]},\"scopeSpans\":[{\"scope\":{\"name\":"
        string(scope.name, into: &out)
        out += ",\"version\":"
        string(scope.version, into: &out)
        out += "},\"spans\":["
        for (index, span) in spans.enumerated() {
            if index > 0 { out += "," }
            encode(span, into: &out)
        }
        out += "]}]}]}"
        return Data(out.utf8)
    }

    /// OTLP's `Span.SpanKind`.
    static func kind(_ kind: SpanKind) -> Int {
        switch kind {
        case .internal: 1
        case .server: 2
        case .client: 3
        case .producer: 4
        case .consumer: 5
        }
    }

    static func encode(_ span: FinishedSpan, into out: inout String) {
        out += "{\"traceId\":\"\(span.trace.traceID)\",\"spanId\":\"\(span.trace.spanID)\""
        if let parent = span.parentSpanID { out += ",\"parentSpanId\":\"\(parent)\"" }
        if let state = span.trace.traceStateHeaderValue {
            out += ",\"traceState\":"
            string(state, into: &out)
        }
        out += ",\"flags\":\(span.trace.flags.rawValue),\"name\":"
        string(span.name, into: &out)
        out += ",\"kind\":\(kind(span.kind)),\"startTimeUnixNano\":\"\(span.startNanos)\",\"endTimeUnixNano\":\"\(span.endNanos)\",\"attributes\":"
        attributes(span.attributes, into: &out)
        out += ",\"events\":["
        for (index, event) in span.events.enumerated() {
            if index > 0 { out += "," }
            out += "{\"timeUnixNano\":\"\(event.nanosecondsSinceEpoch)\",\"name\":"
            string(event.name, into: &out)
            out += ",\"attributes\":"
            attributes(event.attributes, into: &out)
            out += "}"
        }
        out += "],\"links\":["
        for (index, link) in span.links.enumerated() {
            if index > 0 { out += "," }
            out += "{\"traceId\":\"\(link.traceID)\",\"spanId\":\"\(link.spanID)\"}"
        }
        out += "]"
        if let status = span.status {
            out += ",\"status\":{\"code\":\(status.code == .ok ? 1 : 2)"
            if let message = status.message {
                out += ",\"message\":"
                string(message, into: &out)
            }
            out += "}"
        }
        out += "}"
    }

    /// Attributes sorted by key, as OTLP `KeyValue`s.
    static func attributes(_ attributes: SpanAttributes, into out: inout String) {
        var pairs: [(String, SpanAttribute)] = []
        attributes.forEach { pairs.append(($0, $1)) }
        pairs.sort { $0.0 < $1.0 }
        out += "["
        for (index, (key, value)) in pairs.enumerated() {
            if index > 0 { out += "," }
            keyValue(key, value, into: &out)
        }
        out += "]"
    }

    static func keyValue(_ key: String, _ value: SpanAttribute, into out: inout String) {
        out += "{\"key\":"
        string(key, into: &out)
        out += ",\"value\":"
        anyValue(value, into: &out)
        out += "}"
    }

    /// OTLP's `AnyValue`: exactly one field set; 64-bit integers as strings (proto3's JSON mapping).
    static func anyValue(_ attribute: SpanAttribute, into out: inout String) {
        func array(_ values: [SpanAttribute]) {
            out += "{\"arrayValue\":{\"values\":["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                anyValue(value, into: &out)
            }
            out += "]}}"
        }
        switch attribute {
        case .int32(let value): out += "{\"intValue\":\"\(value)\"}"
        case .int64(let value): out += "{\"intValue\":\"\(value)\"}"
        case .double(let value): out += "{\"doubleValue\":" + double(value) + "}"
        case .bool(let value): out += value ? "{\"boolValue\":true}" : "{\"boolValue\":false}"
        case .string(let value):
            out += "{\"stringValue\":"
            string(value, into: &out)
            out += "}"
        case .int32Array(let values): array(values.map { .int32($0) })
        case .int64Array(let values): array(values.map { .int64($0) })
        case .doubleArray(let values): array(values.map { .double($0) })
        case .boolArray(let values): array(values.map { .bool($0) })
        case .stringArray(let values): array(values.map { .string($0) })
        case .stringConvertible(let value): anyValue(.string(value.description), into: &out)
        case .stringConvertibleArray(let values): array(values.map { .string($0.description) })
        default: anyValue(.string("\(attribute)"), into: &out)
        }
    }

    /// A finite double as JSON's number; the others as proto3's JSON strings.
    static func double(_ value: Double) -> String {
        if value.isNaN { return "\"NaN\"" }
        if value.isInfinite { return value > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        return "\(value)"
    }

    /// `text` as a JSON string (`JSONText`).
    static func string(_ text: String, into out: inout String) {
        JSONText.append(quoting: text, to: &out)
    }
}
