import CurlHTTP
import Foundation
import TestSupport
import Testing

/// Connection reuse, concurrency, timeouts, cancellation and shutdown, against a real server on loopback.
@Suite struct HTTPClientConnectionTests {
    @Test func thousandSequentialRequestsToOneHostUseAtMostTwoConnections() async throws {
        let server = try LoopbackHTTPServer { request in .respond(.text("reply to \(request.path)")) }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        for index in 1...1_000 {
            let response = try await client.execute(HTTPRequest(url: server.url("/sequential/\(index)")))
            #expect(response.status == 200)
            #expect(response.bodyText == "reply to /sequential/\(index)")
        }
        #expect(server.requestsReceived == 1_000)
        #expect(server.acceptedConnections <= 2)
    }

    @Test func twoHundredConcurrentRequestsAllCompleteWithTheirOwnBodies() async throws {
        let server = try LoopbackHTTPServer { request in .respond(.text("body of \(request.path)")) }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        let bodies = try await withThrowingTaskGroup(of: (Int, Int, String).self) { group in
            for index in 0..<200 {
                group.addTask {
                    let response = try await client.execute(HTTPRequest(url: server.url("/concurrent/\(index)")))
                    return (index, response.status, response.bodyText)
                }
            }
            var bodies: [Int: (Int, String)] = [:]
            for try await (index, status, body) in group { bodies[index] = (status, body) }
            return bodies
        }

        #expect(bodies.count == 200)
        for index in 0..<200 {
            #expect(bodies[index]?.0 == 200)
            #expect(bodies[index]?.1 == "body of /concurrent/\(index)")
        }
        // Requests beyond the per-host limit (16 by default) queued for a connection instead of opening more.
        #expect(server.acceptedConnections <= client.configuration.maxConnectionsPerHost)
        #expect(client.inFlightCount == 0)
        #expect(client.liveHandleCount == 0)
    }

    @Test func aServerThatNeverAnswersTripsTheTotalTimeout() async throws {
        let server = try LoopbackHTTPServer { _ in .neverAnswer }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        let clock = ContinuousClock()
        let started = clock.now
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: server.url("/silent?token=abc"), timeout: .milliseconds(300)))
        }
        let elapsed = clock.now - started

        #expect(error == .timeout(.total, host: "127.0.0.1", port: server.port, limit: .milliseconds(300), curlCode: 28))
        #expect(elapsed >= .milliseconds(300))
        // The server never answers, so the 300 ms timeout ended it; the bound only tells it from the
        // client's 30 s default, with room for a loaded 2-core CI (8 s flaked).
        #expect(elapsed < .seconds(25), "the request's 300 ms timeout, not the client's 30 s default, ended it")
        #expect(
            error?.description == "request to 127.0.0.1:\(server.port) did not complete within 300 ms (curl 28); "
                + "the server is slow or not answering; retry later or raise the timeout")
        #expect(client.inFlightCount == 0)
    }

    @Test func aSlowAnswerWithinTheTimeoutArrives() async throws {
        let server = try LoopbackHTTPServer { _ in .respondAfter(.milliseconds(200), .text("late but fine")) }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        let clock = ContinuousClock()
        let started = clock.now
        let response = try await client.execute(HTTPRequest(url: server.url("/slow"), timeout: .seconds(10)))
        #expect(response.bodyText == "late but fine")
        #expect(clock.now - started >= .milliseconds(200))
    }

    @Test func cancellingTheAwaitingTaskAbortsTheTransferAndFreesItsHandle() async throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/hang" ? .neverAnswer : .respond(.text("still working"))
        }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        let hanging = Task { try await client.execute(HTTPRequest(url: server.url("/hang"))) }
        try await eventually("the request to reach the server") { server.requestsReceived == 1 }
        #expect(client.inFlightCount == 1)
        #expect(client.liveHandleCount == 1)

        let clock = ContinuousClock()
        let cancelled = clock.now
        hanging.cancel()
        let outcome = await hanging.result
        // Before the client's 30 s timeout: the cancellation ended it (CancellationError below says
        // so too); 25 s, not 10, leaves room for a loaded 2-core CI.
        #expect(clock.now - cancelled < .seconds(25))
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(client.inFlightCount == 0)
        #expect(client.liveHandleCount == 0)
        // The aborted transfer's connection is closed, not returned to the pool half-read.
        try await eventually("the aborted connection to close") { server.openConnections == 0 }

        let followUp = try await client.execute(HTTPRequest(url: server.url("/after")))
        #expect(followUp.status == 200)
        #expect(followUp.bodyText == "still working")
    }

    @Test func aTaskCancelledBeforeExecuteThrowsCancellationErrorAndSendsNothing() async throws {
        let server = try LoopbackHTTPServer { _ in .respond(.text("unexpected")) }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.execute(HTTPRequest(url: server.url("/never-sent")))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(server.requestsReceived == 0)
        #expect(client.inFlightCount == 0)
    }

    @Test func manyRequestsCancelledMidFlightAllEndAndLeaveNothingBehind() async throws {
        let server = try LoopbackHTTPServer { _ in .neverAnswer }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        let tasks = (0..<50).map { index in
            Task { try await client.execute(HTTPRequest(url: server.url("/hang/\(index)"))) }
        }
        // Some are on the wire, some queued for a connection, some maybe not yet submitted.
        try await eventually("some requests to reach the server") { server.requestsReceived >= 4 }
        for task in tasks { task.cancel() }
        for task in tasks {
            await #expect(throws: CancellationError.self) { try await task.value }
        }
        #expect(client.inFlightCount == 0)
        #expect(client.liveHandleCount == 0)
    }

    @Test func shutdownFailsRequestsInFlightAndLaterOnes() async throws {
        let server = try LoopbackHTTPServer { _ in .neverAnswer }
        defer { server.stop() }
        let client = try TestClients.make()

        let tasks = (0..<3).map { index in
            Task { try await client.execute(HTTPRequest(url: server.url("/hang/\(index)"))) }
        }
        try await eventually("the three requests to reach the server") { server.requestsReceived == 3 }
        client.shutdown()

        for task in tasks {
            let error = await #expect(throws: HTTPClientError.self) { try await task.value }
            #expect(error == .shutdown)
        }
        let later = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: server.url("/later")))
        }
        #expect(later == .shutdown)
        try await eventually("the client's thread to end") { !client.isRunning }
        #expect(client.inFlightCount == 0)
        #expect(client.liveHandleCount == 0)
        try await eventually("the client's connections to close") { server.openConnections == 0 }
    }
}
