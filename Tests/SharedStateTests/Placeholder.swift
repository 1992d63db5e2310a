import Testing
@testable import SharedState

@Test func placeholder() { #expect(Bool(true)) }
