import Testing
@testable import XAPI

@Test func placeholder() { #expect(Bool(true)) }
