import Foundation
import Tracing
import W3CTraceContext

/// The body of an OTLP/HTTP export (`ExportTraceServiceRequest`) in OTLP's JSON encoding: ids as
/// lower-case hex (not base64, as OTLP specifies for JSON), enums as numbers, 64-bit integers as
/// strings (proto3's JSON mapping), field names in lowerCamelCase.
public enum OTLPJSON {
    /// One request holding `spans` of one resource (`service.name` and the rest of `resource`).
    public static func exportRequest(_ spans: [FinishedSpan], resource: [(String, String)], scope: (name: String, version: String)) throws -> Data {
        let request = Request(resourceSpans: [
            ResourceSpans(
                resource: Resource(attributes: resource.map { KeyValue(key: $0.0, value: .init(stringValue: $0.1)) }),
                scopeSpans: [ScopeSpans(scope: Scope(name: scope.name, version: scope.version), spans: spans.map(Span.init))]
            ),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(request)
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

    static func keyValues(_ attributes: SpanAttributes) -> [KeyValue] {
        var pairs: [KeyValue] = []
        attributes.forEach { key, value in pairs.append(KeyValue(key: key, value: AnyValue(value))) }
        return pairs.sorted { $0.key < $1.key }
    }

    struct Request: Encodable {
        var resourceSpans: [ResourceSpans]
    }

    struct ResourceSpans: Encodable {
        var resource: Resource
        var scopeSpans: [ScopeSpans]
    }

    struct Resource: Encodable {
        var attributes: [KeyValue]
    }

    struct ScopeSpans: Encodable {
        var scope: Scope
        var spans: [Span]
    }

    struct Scope: Encodable {
        var name: String
        var version: String
    }

    struct Span: Encodable {
        var traceId: String
        var spanId: String
        var parentSpanId: String?
        var traceState: String?
        var flags: Int
        var name: String
        var kind: Int
        var startTimeUnixNano: String
        var endTimeUnixNano: String
        var attributes: [KeyValue]
        var events: [Event]
        var links: [Link]
        var status: Status?

        init(_ span: FinishedSpan) {
            traceId = span.trace.traceID.description
            spanId = span.trace.spanID.description
            parentSpanId = span.parentSpanID?.description
            traceState = span.trace.traceStateHeaderValue
            flags = Int(span.trace.flags.rawValue)
            name = span.name
            kind = OTLPJSON.kind(span.kind)
            startTimeUnixNano = String(span.startNanos)
            endTimeUnixNano = String(span.endNanos)
            attributes = OTLPJSON.keyValues(span.attributes)
            events = span.events.map { Event(timeUnixNano: String($0.nanosecondsSinceEpoch), name: $0.name, attributes: OTLPJSON.keyValues($0.attributes)) }
            links = span.links.map { Link(traceId: $0.traceID.description, spanId: $0.spanID.description) }
            status = span.status.map { Status(code: $0.code == .ok ? 1 : 2, message: $0.message) }
        }
    }

    struct Event: Encodable {
        var timeUnixNano: String
        var name: String
        var attributes: [KeyValue]
    }

    struct Link: Encodable {
        var traceId: String
        var spanId: String
    }

    struct Status: Encodable {
        var code: Int
        var message: String?
    }

    struct KeyValue: Encodable {
        var key: String
        var value: AnyValue
    }

    /// OTLP's `AnyValue`: exactly one of its fields is set.
    struct AnyValue: Encodable {
        var stringValue: String?
        var boolValue: Bool?
        var intValue: String?
        var doubleValue: Double?
        var arrayValue: ArrayValue?

        init(stringValue: String? = nil, boolValue: Bool? = nil, intValue: String? = nil, doubleValue: Double? = nil, arrayValue: ArrayValue? = nil) {
            self.stringValue = stringValue
            self.boolValue = boolValue
            self.intValue = intValue
            self.doubleValue = doubleValue
            self.arrayValue = arrayValue
        }

        init(_ attribute: SpanAttribute) {
            switch attribute {
            case .int32(let value): self.init(intValue: String(value))
            case .int64(let value): self.init(intValue: String(value))
            case .double(let value): self.init(doubleValue: value)
            case .bool(let value): self.init(boolValue: value)
            case .string(let value): self.init(stringValue: value)
            case .int32Array(let values): self.init(arrayValue: ArrayValue(values: values.map { AnyValue(intValue: String($0)) }))
            case .int64Array(let values): self.init(arrayValue: ArrayValue(values: values.map { AnyValue(intValue: String($0)) }))
            case .doubleArray(let values): self.init(arrayValue: ArrayValue(values: values.map { AnyValue(doubleValue: $0) }))
            case .boolArray(let values): self.init(arrayValue: ArrayValue(values: values.map { AnyValue(boolValue: $0) }))
            case .stringArray(let values): self.init(arrayValue: ArrayValue(values: values.map { AnyValue(stringValue: $0) }))
            case .stringConvertible(let value): self.init(stringValue: value.description)
            case .stringConvertibleArray(let values): self.init(arrayValue: ArrayValue(values: values.map { AnyValue(stringValue: $0.description) }))
            default: self.init(stringValue: "\(attribute)")
            }
        }
    }

    struct ArrayValue: Encodable {
        var values: [AnyValue]
    }
}
