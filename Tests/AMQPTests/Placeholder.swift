import Testing
@testable import AMQP

@Test func placeholder() { #expect(Bool(true)) }
