import AMQP
import KiamoTwitter
import Testing

@Suite struct BoundedTextTests {
    @Test func aLongValueIsCutToTheLimitWithAMarkAndAShortOneKept() {
        #expect(BoundedText.cut("short") == "short")
        let cut = BoundedText.cut(String(repeating: "é", count: 200_000))
        #expect(cut.utf8.count <= 1024)
        #expect(cut.hasSuffix("… [cut, 400000 bytes]"))
        #expect(BoundedText.shortString(String(repeating: "x", count: 300)).utf8.count <= 255)
    }

    @Test func aMessageWhoseHeadersExceedAFrameOrWhoseNamesExceed255BytesIsRefusedBeforeEncoding() {
        var headers: AMQPTable = [:]
        for index in 0..<130 { headers["h\(index)"] = .string(String(repeating: "p", count: 1024)) }
        let big = AMQPProperties(headers: headers)
        #expect(AMQPWireSize.problem(exchange: "x", routingKey: "send.1", properties: big, frameMax: 131_072)?.contains("frame_max") == true)
        #expect(AMQPWireSize.problem(exchange: "x", routingKey: "send.1", properties: big, frameMax: 1_048_576) == nil)
        #expect(
            AMQPWireSize.problem(
                exchange: "x", routingKey: "send." + String(repeating: "9", count: 300),
                properties: AMQPProperties(), frameMax: 131_072)?.contains("routing key") == true)
        #expect(
            AMQPWireSize.problem(
                exchange: "x", routingKey: "k", properties: AMQPProperties(messageId: String(repeating: "m", count: 256)),
                frameMax: 131_072)?.contains("message_id") == true)
        #expect(AMQPWireSize.table(["a": .string("bc")]) == 4 + 1 + 1 + 5 + 2)
    }
}

@Suite struct SerialLanesRemovalTests {
    @Test func removingWaitingItemsKeepsTheOrderOfTheOthers() {
        let lanes = SerialLanes<String, Int>()
        for item in [1, 2, 3, 4] { _ = lanes.enqueue(item, key: "a") }
        _ = lanes.enqueue(5, key: "b")
        #expect(lanes.removeWaiting { $0 % 2 == 1 }.sorted() == [1, 3, 5])
        #expect(lanes.next(after: "a") == 2)
        #expect(lanes.next(after: "a") == 4)
        #expect(lanes.next(after: "b") == nil)
    }
}
