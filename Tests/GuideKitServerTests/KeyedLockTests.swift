import Synchronization
import Testing

@testable import GuideKitServer

/// ``KeyedLock`` runs one body at a time per key, lets other keys run meanwhile, and never deadlocks callers
/// that take several keys in different orders.
@Suite("Keyed lock")
struct KeyedLockTests {
    /// How many bodies are inside per key at once, and the most ever seen.
    final class Occupancy: Sendable {
        private let state = Mutex<(inside: [String: Int], most: Int, entries: Int)>(([:], 0, 0))

        func enter(_ keys: [String]) {
            state.withLock { state in
                for key in keys {
                    state.inside[key, default: 0] += 1
                    state.most = max(state.most, state.inside[key] ?? 0)
                }
                state.entries += 1
            }
        }

        func leave(_ keys: [String]) {
            state.withLock { state in for key in keys { state.inside[key, default: 0] -= 1 } }
        }

        var most: Int { state.withLock { $0.most } }
        var entries: Int { state.withLock { $0.entries } }
    }

    @Test func oneBodyAtATimePerKeyAcrossManyCallers() async {
        let lock = KeyedLock()
        let occupancy = Occupancy()
        await withTaskGroup(of: Void.self) { group in
            for number in 0..<200 {
                let keys = number % 3 == 0 ? ["u1", "u2"] : (number % 3 == 1 ? ["u2", "u1"] : ["u1"])
                group.addTask {
                    await lock.withLocks(keys) {
                        occupancy.enter(keys)
                        for _ in 0..<3 { await Task.yield() }
                        occupancy.leave(keys)
                    }
                }
            }
        }
        #expect(occupancy.most == 1)
        #expect(occupancy.entries == 200)
    }

    @Test func anotherKeyRunsWhileOneIsHeld() async {
        let lock = KeyedLock()
        let (entered, signal) = AsyncStream<Void>.makeStream()
        let (release, open) = AsyncStream<Void>.makeStream()
        let holder = Task {
            await lock.withLock("a") {
                signal.yield()
                for await _ in release { break }
            }
        }
        for await _ in entered { break }
        // "a" is held until `open`: a body for "b" must run now, or this test would never finish.
        let ran = await lock.withLock("b") { true }
        open.yield()
        await holder.value
        #expect(ran)
    }
}
