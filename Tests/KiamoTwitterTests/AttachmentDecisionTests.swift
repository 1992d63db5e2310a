import Foundation
import MediaStore
import Testing
import XAPI

@testable import KiamoTwitter

/// What becomes of a media item that could not be fetched, and the lines Kiamo's text gets.
@Suite struct AttachmentDecisionTests {
    static let problem = XProblem(title: "Not Found Error", detail: "Could not find the media.")

    @Test func whatWouldFailTheSameWayAgainIsGivenUpAndWhatMayPassWaits() {
        func outcome(_ error: any Error) -> AttachmentOutcome { .failed(error, maxBytes: 1000) }
        #expect(outcome(XAPIError.invalidArgument(operation: .downloadDMMedia, argument: "maxBytes", reason: "x")) == .unavailable(reason: "larger than 1000 bytes (media.maxBytes)"))
        #expect(
            outcome(XAPIError.rejected(operation: .downloadDMMedia, httpStatus: 404, problem: Self.problem, rateLimit: nil))
                == .unavailable(reason: "X refused it (HTTP 404: Could not find the media.)"))
        #expect(outcome(MediaStoreError.refusedContentType("text/html")) == .unavailable(reason: "files of type text/html are not kept"))
        #expect(outcome(XAPIError.transient(operation: .downloadDMMedia, cause: .httpStatus(503), rateLimit: nil)) == .pending(reason: "X did not hand it over (HTTP 503)"))
        #expect(outcome(XAPIError.rateLimited(operation: .downloadDMMedia, resetAt: nil, rateLimit: nil)) == .pending(reason: "X's rate limit for media was reached"))
        #expect(outcome(AttachmentOutcome.FetchTimeout()) == .pending(reason: "X did not hand it over within media.fetchTimeout"))
        #expect(outcome(MediaStoreError.unwritable(path: "/m", reason: "full")) == .pending(reason: "the media store cannot be written"))
        #expect(outcome(CancellationError()) == .pending(reason: "the worker was stopping"))
    }

    @Test func eachItemGetsALineAndTheTextKeepsWhatTheCustomerWrote() {
        let lines = AttachmentLines(template: "[{kind}] {url}")
        let stored = StoredMedia(key: "k", contentType: "image/jpeg", size: 10, sha256: "ab", storedAt: Date())
        #expect(lines.line(kind: "photo", url: "https://m/1", outcome: .available(stored)) == "[photo] https://m/1")
        #expect(
            lines.line(kind: "video", url: "https://m/2", outcome: .pending(reason: "X did not hand it over (HTTP 503)"))
                == "[video] https://m/2 (not available yet: X did not hand it over (HTTP 503); the link works once it is fetched)")
        #expect(lines.line(kind: "photo", url: nil, outcome: .unavailable(reason: "larger than 5 bytes")) == "[photo not available: larger than 5 bytes]")
        #expect(lines.content("my parcel", adding: ["[photo] a", "[photo] b"]) == "my parcel\n[photo] a\n[photo] b")
        #expect(lines.content("", adding: ["[photo] a"]) == "[photo] a")
        #expect(lines.content("text", adding: []) == "text")
    }

    @Test func theTemplateIsReadOnceSoAURLHoldingAPlaceholderStaysAsItIs() {
        let lines = AttachmentLines(template: "{kind}: {url} ({type}, {size} bytes) {unknown}")
        let stored = StoredMedia(key: "k", contentType: "image/png", size: 42, sha256: "ab", storedAt: Date())
        #expect(lines.line(kind: "photo", url: "https://m/{kind}", outcome: .available(stored)) == "photo: https://m/{kind} (image/png, 42 bytes) {unknown}")
    }

    @Test func theKindFollowsXsTypeThenTheFilesOwn() {
        #expect(AttachmentLines.kind(xType: "photo") == "photo")
        #expect(AttachmentLines.kind(xType: "animated_gif") == "gif")
        #expect(AttachmentLines.kind(xType: "video") == "video")
        #expect(AttachmentLines.kind(xType: "media", contentType: "image/png") == "photo")
        #expect(AttachmentLines.kind(xType: "media", contentType: "application/pdf") == "file")
        #expect(AttachmentLines.kind(xType: "media") == "file")
    }
}
