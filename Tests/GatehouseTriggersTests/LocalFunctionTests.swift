import LocalPool
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import GatehouseTriggers

/// A local trigger function's calls and its runtimes' long polls (`GET …/invocation/next`): a
/// call goes to a poll whose connection is still there, never to one that was given up.
struct LocalFunctionTests {
    let loop = MultiThreadedEventLoopGroup.singleton.any()

    /// A poll that answers every call it is handed with `answer`.
    func poll(_ function: LocalFunction, slot: Int, answering answer: String) {
        function.next(slot: slot, on: loop) { invocation in
            if let invocation { function.finish(invocation.id, with: .success(Array(answer.utf8))) }
            return true
        }
    }

    @Test func aCallHandedToAPollWhoseConnectionClosedGoesToTheNextPoll() async {
        let function = LocalFunction(name: "tokens", command: "unused")
        let handedToClosed = Mutex(0)
        function.next(slot: 0, on: loop) { invocation in
            if invocation != nil { handedToClosed.withLock { $0 += 1 } }
            return false
        }
        poll(function, slot: 1, answering: "from slot 1")
        let result = await function.invoke(Array("{}".utf8)) { _ in Issue.record("no call should time out") }
        #expect(result == .success(Array("from slot 1".utf8)))
        #expect(handedToClosed.withLock { $0 } == 1)
    }

    @Test func aWithdrawnPollIsHandedNothingAndTheCallWaitsForTheNextPoll() async throws {
        let function = LocalFunction(name: "tokens", command: "unused")
        let ticket = try #require(
            function.next(slot: 0, on: loop) { invocation in
                if invocation != nil { Issue.record("the withdrawn poll was handed a call") }
                return false
            }
        )
        function.withdraw(ticket)
        async let result = function.invoke(Array("{}".utf8)) { _ in Issue.record("no call should time out") }
        // Before or after the call comes, the next poll gets it.
        poll(function, slot: 0, answering: "from the second poll")
        #expect(await result == .success(Array("from the second poll".utf8)))
    }
}
