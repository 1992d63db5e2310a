import AMQP
import Foundation
import Tracing

/// W3C trace context (`traceparent`, `tracestate`) in a message's AMQP headers, through whatever
/// tracer the process bootstrapped: the Kiamo message carries its turn's, the connector copies it
/// into the reply's send command, and dispatch continues it. Without a tracer nothing is written.
public struct AMQPHeadersInjector: Injector {
    public init() {}

    public func inject(_ value: String, forKey key: String, into carrier: inout AMQPTable) {
        carrier[key] = .string(value)
    }
}

/// Reads what `AMQPHeadersInjector` wrote, as text or as bytes (a PHP client's long string).
public struct AMQPHeadersExtractor: Extractor {
    public init() {}

    public func extract(key: String, from carrier: AMQPTable) -> String? {
        switch carrier[key] {
        case .string(let text): text
        case .bytes(let data): String(data: data, encoding: .utf8)
        default: nil
        }
    }
}

extension AMQPTable {
    /// These headers with `context`'s trace context written in (replacing any there).
    public func carryingTrace(of context: ServiceContext) -> AMQPTable {
        var headers = self
        InstrumentationSystem.instrument.inject(context, into: &headers, using: AMQPHeadersInjector())
        return headers
    }

    /// A context holding the trace context these headers carry (top level when none).
    public var traceContext: ServiceContext {
        var context = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(self, into: &context, using: AMQPHeadersExtractor())
        return context
    }
}
