import AMQP
import Foundation
import KiamoTwitter
import OTLPTracing
import Synchronization
import Testing
import Tracing
import W3CTraceContext

/// The tracer the workers bootstrap with `tracing.endpoint`: W3C trace context in and out of AMQP
/// headers, a turn traced whole or not at all, and OTLP/JSON bodies a collector accepts.
@Suite struct OTLPTracerTests {
    final class CollectedSpans: SpanSink {
        let spans = Mutex<[FinishedSpan]>([])
        func add(_ span: FinishedSpan) { spans.withLock { $0.append(span) } }
        var all: [FinishedSpan] { spans.withLock { $0 } }
    }

    @Test func aTraceContinuesThroughAMessagesHeadersWithItsParentAndState() throws {
        let collected = CollectedSpans()
        let tracer = OTLPTracer(sampler: TraceSampler(percent: 100), sink: collected)
        let publish = tracer.startSpan("publish kiamo.message", context: .topLevel, ofKind: .producer)
        var headers: AMQPTable = ["x-account-id": .string("1234")]
        tracer.inject(publish.context, into: &headers, using: AMQPHeadersInjector())
        let parent = try #require(publish.context.traceContext)
        #expect(headers["traceparent"] == .string("00-\(parent.traceID)-\(parent.spanID)-01"))
        #expect(headers["tracestate"] == nil, "no state to hand on")

        // What the connector copies (PHP's long strings arrive as bytes), with a vendor's state.
        headers["traceparent"] = .bytes(Data("00-\(parent.traceID)-\(parent.spanID)-01".utf8))
        headers["tracestate"] = .string("vendor=abc")
        var context = ServiceContext.topLevel
        tracer.extract(headers, into: &context, using: AMQPHeadersExtractor())
        let command = tracer.startSpan("dispatch send command", context: context, ofKind: .consumer)
        command.end()
        publish.end()
        let finished = collected.all
        #expect(finished.map(\.name) == ["dispatch send command", "publish kiamo.message"])
        #expect(finished[0].trace.traceID == parent.traceID)
        #expect(finished[0].parentSpanID == parent.spanID)
        #expect(finished[0].trace.traceStateHeaderValue == "vendor=abc", "the state goes on with the trace")
    }

    @Test func aMalformedTraceparentStartsATraceOfItsOwnAndAMalformedTracestateIsDropped() throws {
        let tracer = OTLPTracer(sampler: TraceSampler(percent: 100), sink: CollectedSpans())
        for bad in ["", "00-xyz", "00-00000000000000000000000000000000-0000000000000000-01 ", "zz-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"] {
            var context = ServiceContext.topLevel
            tracer.extract(["traceparent": .string(bad)] as AMQPTable, into: &context, using: AMQPHeadersExtractor())
            #expect(context.traceContext == nil, "\(bad) is no parent")
        }
        var context = ServiceContext.topLevel
        tracer.extract(
            ["traceparent": .string("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), "tracestate": .string("UPPER=1")] as AMQPTable,
            into: &context, using: AMQPHeadersExtractor())
        let kept = try #require(context.traceContext, "the parent counts without its state (W3C)")
        #expect(kept.traceID.description == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(kept.traceStateHeaderValue == nil)
    }

    @Test func aTurnNotSampledWhereItBeganStaysOutEverywhere() throws {
        let collected = CollectedSpans()
        let never = OTLPTracer(sampler: TraceSampler(percent: 0), sink: collected)
        let always = OTLPTracer(sampler: TraceSampler(percent: 100), sink: collected)
        let turn = never.startSpan("ingest DM", context: .topLevel, ofKind: .consumer)
        #expect(!turn.isRecording)
        var headers: AMQPTable = [:]
        never.inject(turn.context, into: &headers, using: AMQPHeadersInjector())
        #expect(headers["traceparent"].map { "\($0)" }?.contains("-00") == true, "the message says: not sampled")
        // Dispatch samples every turn it begins, but this one began unsampled.
        var context = ServiceContext.topLevel
        always.extract(headers, into: &context, using: AMQPHeadersExtractor())
        let command = always.startSpan("dispatch send command", context: context, ofKind: .consumer)
        #expect(!command.isRecording)
        command.attributes["kiamo.command.id"] = "c-1"
        command.end()
        turn.end()
        #expect(collected.all.isEmpty)
    }

    @Test func theSamplerKeepsItsShareAndDecidesTheSameForTheSameTrace() {
        let half = TraceSampler(percent: 50)
        let ids = (0..<20_000).map { _ in TraceID.random() }
        let kept = ids.filter(half.samples).count
        #expect((9_400...10_600).contains(kept), "\(kept) of 20,000 at 50 %")
        #expect(ids.prefix(100).map(half.samples) == ids.prefix(100).map(half.samples))
        #expect(ids.allSatisfy(TraceSampler(percent: 100).samples))
        #expect(!ids.contains(where: TraceSampler(percent: 0).samples))
        let tenth = ids.filter(TraceSampler(percent: 10).samples).count
        #expect((1_700...2_300).contains(tenth), "\(tenth) of 20,000 at 10 %")
    }

    @Test func aSpanEndsOnceAndKeepsAnOKStatusOverALaterError() {
        let collected = CollectedSpans()
        let tracer = OTLPTracer(sampler: TraceSampler(percent: 100), sink: collected)
        let span = tracer.startSpan("X sendDM", context: .topLevel, ofKind: .client)
        span.setStatus(SpanStatus(code: .ok))
        span.setStatus(SpanStatus(code: .error, message: "late"))
        span.end()
        span.end()
        #expect(collected.all.count == 1)
        #expect(collected.all.first?.status?.code == .ok)
    }

    @Test func theExportBodyIsOTLPJSONWithHexIdsNumericEnumsAndStringTimes() throws {
        let parent = TraceContext(traceID: TraceID.random(), spanID: SpanID.random(), flags: .sampled, state: TraceState())
        var attributes: SpanAttributes = [:]
        attributes["x.operation"] = "sendDM"
        attributes["x.rate_limit.remaining"] = 14
        attributes["ok"] = true
        attributes["ratio"] = 0.5
        attributes["ids"] = ["a", "b"]
        let span = FinishedSpan(
            trace: TraceContext(traceID: parent.traceID, spanID: SpanID.random(), flags: .sampled, state: TraceState()),
            parentSpanID: parent.spanID, name: "X sendDM", kind: .client,
            startNanos: 1_796_000_000_000_000_001, endNanos: 1_796_000_000_500_000_000, attributes: attributes,
            status: SpanStatus(code: .error, message: "x_unavailable"))
        let body = try OTLPJSON.exportRequest([span], resource: [("service.name", "kiamo-twitter-dispatch")], scope: (name: "kiamo-twitter", version: "1"))
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let resourceSpans = try #require((object["resourceSpans"] as? [[String: Any]])?.first)
        let resource = try #require((resourceSpans["resource"] as? [String: Any])?["attributes"] as? [[String: Any]])
        #expect(resource.first?["key"] as? String == "service.name")
        let encoded = try #require(((resourceSpans["scopeSpans"] as? [[String: Any]])?.first?["spans"] as? [[String: Any]])?.first)
        #expect(encoded["traceId"] as? String == parent.traceID.description)
        #expect((encoded["traceId"] as? String)?.count == 32)
        #expect(encoded["parentSpanId"] as? String == parent.spanID.description)
        #expect(encoded["kind"] as? Int == 3)
        #expect(encoded["startTimeUnixNano"] as? String == "1796000000000000001", "64-bit integers as strings (proto3 JSON)")
        #expect((encoded["status"] as? [String: Any])?["code"] as? Int == 2)
        let values = Dictionary(uniqueKeysWithValues: try #require(encoded["attributes"] as? [[String: Any]]).map { ($0["key"] as! String, $0["value"] as! [String: Any]) })
        #expect(values["x.operation"]?["stringValue"] as? String == "sendDM")
        #expect(values["x.rate_limit.remaining"]?["intValue"] as? String == "14")
        #expect(values["ok"]?["boolValue"] as? Bool == true)
        #expect(values["ratio"]?["doubleValue"] as? Double == 0.5)
        #expect(((values["ids"]?["arrayValue"] as? [String: Any])?["values"] as? [[String: Any]])?.count == 2)
    }

    @Test func textFromOutsideStaysInsideItsJSONString() throws {
        let names = ["quote \" backslash \\ slash /", "line\nbreak\r\ttab", "bell\u{7}nul\u{0}", "\u{2028}\u{2029}", "عمر 👋🏽 ✓", ""]
        var attributes: SpanAttributes = [:]
        for (index, name) in names.enumerated() { attributes["k\(index)"] = name }
        attributes["nan"] = Double.nan
        attributes["big"] = Int64.max
        let trace = TraceContext(traceID: TraceID.random(), spanID: SpanID.random(), flags: .sampled, state: TraceState())
        let spans = names.map { FinishedSpan(trace: trace, parentSpanID: nil, name: $0, kind: .internal, startNanos: 1, endNanos: 2, attributes: attributes) }
        let body = try OTLPJSON.exportRequest(spans, resource: [("service.name", "a\"b")], scope: (name: "s", version: "1"))
        #expect(!body.contains(0x0A), "one line: no raw line break")
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let encoded = try #require(((((object["resourceSpans"] as? [[String: Any]])?.first?["scopeSpans"] as? [[String: Any]])?.first)?["spans"] as? [[String: Any]]))
        #expect(encoded.map { $0["name"] as? String } == names)
        let values = Dictionary(uniqueKeysWithValues: try #require(encoded.first?["attributes"] as? [[String: Any]]).map { ($0["key"] as! String, $0["value"] as! [String: Any]) })
        for (index, name) in names.enumerated() { #expect(values["k\(index)"]?["stringValue"] as? String == name) }
        #expect(values["nan"]?["doubleValue"] as? String == "NaN")
        #expect(values["big"]?["intValue"] as? String == "9223372036854775807")
    }

    @Test func anUnreachableCollectorCostsTheWorkersNothingButDroppedSpans() async throws {
        var settings = OTLPHTTPExporter.Settings(endpoint: "http://127.0.0.1:1", resource: [("service.name", "test")], scope: (name: "t", version: "1"))
        settings.maxQueued = 10
        settings.timeout = .seconds(2)
        let exporter = try OTLPHTTPExporter(settings: settings, logger: .init(label: "test"))
        let tracer = OTLPTracer(sampler: TraceSampler(percent: 100), sink: exporter)
        // `span.end()` is synchronous: it can only queue or drop, never wait for the collector.
        for index in 0..<1_000 {
            let span = tracer.startSpan("span \(index)", context: .topLevel, ofKind: .internal)
            span.end()
        }
        #expect(exporter.queuedCount == 10, "beyond the buffer, spans are dropped rather than held")
        let outcome = await exporter.exportQueued()
        #expect(outcome == .init(exported: 0, dropped: 10), "a refused batch is tried once more, then dropped")
        #expect(exporter.queuedCount == 0)
    }

    @Test func theTracesURLIsTheEndpointsV1Traces() {
        #expect(OTLPHTTPExporter.tracesURL("http://otel-collector:4318") == "http://otel-collector:4318/v1/traces")
        #expect(OTLPHTTPExporter.tracesURL("https://collector.example/otlp/") == "https://collector.example/otlp/v1/traces")
        #expect(OTLPHTTPExporter.tracesURL("http://c:4318/v1/traces") == "http://c:4318/v1/traces")
    }
}
