import Foundation
import TestSupport
import Testing
import XEmulator

@testable import XAPI

/// The emulator's injected faults become the right typed errors, and the client keeps working.
@Suite("Faults against the emulator")
struct FaultsOverEmulatorTests {
    @Test(arguments: [ClientSetup.v2OAuth1, .v2OAuth2Public, .v1OAuth1])
    func eachFaultIsATypedErrorAndTheNextCallSucceeds(_ setup: ClientSetup) async throws {
        // A 6 s timeout against a 15 s delay: far enough apart that a loaded machine never blurs
        // them (with 2 s, a whole suite's load once made even a plain 500 miss the timeout).
        try await EmulatorRig.with(setup, timeout: .seconds(6)) { rig in
            try rig.emulator.addUser(id: "906948460078698496", name: "Jane", username: "janedoe")
            // OAuth 2.0: obtain the token first, so the faults hit the API calls.
            _ = try await rig.client.me()
            let client = rig.client

            try rig.emulator.fault(EmulatorFault(kind: .status, status: 500))
            await #expect(throws: XAPIError.transient(operation: .listDMEvents, cause: .httpStatus(500), rateLimit: nil)) {
                try await client.listDMEvents(pageToken: nil, maxResults: 10)
            }

            try rig.emulator.fault(EmulatorFault(kind: .status, status: 503))
            let unavailable = await #expect(throws: XAPIError.self) { try await client.sendDM(to: "906948460078698496", text: "hi") }
            #expect(unavailable?.httpStatus == 503 && unavailable?.isRetryable == true)

            try rig.emulator.fault(EmulatorFault(kind: .delay, delayMs: 15_000))
            let late = await #expect(throws: XAPIError.self) { try await client.user(id: "906948460078698496") }
            guard case .transient(.userById, .network, nil) = late else {
                Issue.record("a delay past the timeout gave \(String(describing: late))")
                return
            }

            // A POST whose connection drops: libcurl is not let to send it again (the body cannot
            // be rewound before an answer), so the caller sees it. (A GET on a reused keep-alive
            // connection that drops is re-sent once by libcurl, and succeeds.)
            try rig.emulator.fault(EmulatorFault(kind: .drop))
            let dropped = await #expect(throws: XAPIError.self) { try await client.sendDM(to: "906948460078698496", text: "dropped") }
            guard case .transient(.sendDM, .network, nil) = dropped else {
                Issue.record("a dropped connection gave \(String(describing: dropped))")
                return
            }

            try rig.emulator.fault(EmulatorFault(kind: .malformed))
            let malformed = await #expect(throws: XAPIError.self) { try await client.listDMEvents(pageToken: nil, maxResults: 10) }
            guard case .decoding(.listDMEvents, _, _) = malformed else {
                Issue.record("a malformed body gave \(String(describing: malformed))")
                return
            }

            try rig.emulator.fault(EmulatorFault(kind: .status, status: 429))
            let limited = await #expect(throws: XAPIError.self) { try await client.me() }
            guard case .rateLimited(.me, .some, _) = limited else {
                Issue.record("an injected 429 gave \(String(describing: limited))")
                return
            }

            #expect(rig.emulator.store.faults().isEmpty)
            #expect(try await client.me().value.id == EmulatorRig.accountID)
            #expect(try await client.sendDM(to: "906948460078698496", text: "after the storm").dmEventId.isEmpty == false)
        }
    }
}
