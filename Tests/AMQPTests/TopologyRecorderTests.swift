import Testing

@testable import AMQP

@Suite("Remembering topology for recovery")
struct TopologyRecorderTests {
    let exchange = TopologyEntry.exchange(name: "kiamo.twitter", type: .topic, durable: true, autoDelete: false, internal: false, arguments: [:])
    let queue = TopologyEntry.queue(name: "kiamo.twitter.send", durable: true, exclusive: false, autoDelete: false, arguments: ["x-dead-letter-exchange": "kiamo.twitter.dlx"], serverNamed: false)
    let binding = TopologyEntry.queueBinding(queue: "kiamo.twitter.send", exchange: "kiamo.twitter", routingKey: "send.*", arguments: [:])

    @Test func declarationsKeepTheirFirstPositionWhenRedeclared() {
        var recorder = TopologyRecorder()
        recorder.record(exchange)
        recorder.record(queue)
        recorder.record(binding)
        let changed = TopologyEntry.exchange(name: "kiamo.twitter", type: .topic, durable: true, autoDelete: false, internal: false, arguments: ["alternate-exchange": "ae"])
        recorder.record(changed)
        recorder.record(binding)
        #expect(recorder.entries == [changed, queue, binding])
    }

    @Test func deletingAQueueOrExchangeForgetsItsBindings() {
        var recorder = TopologyRecorder()
        for entry in [exchange, queue, binding] { recorder.record(entry) }
        recorder.queueDeleted("kiamo.twitter.send")
        #expect(recorder.entries == [exchange])
        for entry in [queue, binding] { recorder.record(entry) }
        recorder.exchangeDeleted("kiamo.twitter")
        #expect(recorder.entries == [queue])
    }

    @Test func unbindForgetsOnlyThatBinding() {
        var recorder = TopologyRecorder()
        let other = TopologyEntry.queueBinding(queue: "kiamo.twitter.send", exchange: "kiamo.twitter", routingKey: "other", arguments: [:])
        for entry in [exchange, queue, binding, other] { recorder.record(entry) }
        recorder.unbound(binding)
        #expect(recorder.entries == [exchange, queue, other])
    }

    @Test func aRenamedServerNamedQueueTakesItsBindingsAlong() {
        var recorder = TopologyRecorder()
        recorder.record(.queue(name: "amq.gen-1", durable: false, exclusive: true, autoDelete: true, arguments: [:], serverNamed: true))
        recorder.record(.queueBinding(queue: "amq.gen-1", exchange: "x", routingKey: "k", arguments: [:]))
        recorder.renameQueue(from: "amq.gen-1", to: "amq.gen-2")
        #expect(
            recorder.entries == [
                .queue(name: "amq.gen-2", durable: false, exclusive: true, autoDelete: true, arguments: [:], serverNamed: true),
                .queueBinding(queue: "amq.gen-2", exchange: "x", routingKey: "k", arguments: [:]),
            ])
    }
}
