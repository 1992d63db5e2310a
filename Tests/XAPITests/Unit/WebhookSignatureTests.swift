import Foundation
import Testing

@testable import XAPI

@Suite("Webhook CRC and delivery signatures")
struct WebhookSignatureTests {
    let signature = WebhookSignature(consumerSecret: "test-consumer-secret")

    /// Expected values computed apart from this code:
    /// `base64(hmac.new(b'test-consumer-secret', msg, sha256).digest())` in Python.
    @Test func theCRCAnswerIsTheBase64HMACOfTheTokenKeyedByTheConsumerSecret() {
        #expect(signature.responseToken(crcToken: "crc-token-123") == "sha256=m3yscIcSwL62BbDuWy/k/ml4+4Yfj3c0hep3IWko1Ws=")
    }

    @Test func aDeliverySignedByXVerifies() {
        let body = Data(#"{"for_user_id":"1234"}"#.utf8)
        #expect(signature.signature(of: body) == "sha256=GTNjC5ClQBnfKIuAtODzUDJjtaMir+QCVO3mIKSnu9s=")
        #expect(signature.verify(header: "sha256=GTNjC5ClQBnfKIuAtODzUDJjtaMir+QCVO3mIKSnu9s=", body: body) == .valid)
    }

    @Test func forgedMissingAndMalformedSignaturesAreToldApart() {
        let body = Data(#"{"for_user_id":"1234"}"#.utf8)
        let other = WebhookSignature(consumerSecret: "another-apps-secret")
        #expect(signature.verify(header: other.signature(of: body), body: body) == .mismatch)
        #expect(signature.verify(header: signature.signature(of: body), body: Data(#"{"for_user_id":"1235"}"#.utf8)) == .mismatch)
        #expect(signature.verify(header: nil, body: body) == .missing)
        #expect(signature.verify(header: "  ", body: body) == .missing)
        #expect(signature.verify(header: "sha1=abc", body: body) == .malformed)
        #expect(signature.verify(header: "sha256=not base64!", body: body) == .malformed)
        #expect(signature.verify(header: "sha256=" + Data([1, 2, 3]).base64EncodedString(), body: body) == .malformed)
    }

    @Test func theSecretNeverShows() {
        #expect(!"\(signature)".contains("test-consumer-secret"))
        var dumped = ""
        dump(signature, to: &dumped)
        #expect(!dumped.contains("test-consumer-secret"))
    }
}
