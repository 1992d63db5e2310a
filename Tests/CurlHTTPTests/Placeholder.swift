import Testing
@testable import CurlHTTP

@Test func placeholder() { #expect(Bool(true)) }
