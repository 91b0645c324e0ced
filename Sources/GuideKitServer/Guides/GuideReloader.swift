import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the guides when their files change, and on `SIGHUP`, until the service group shuts down.
///
/// Files are checked every ``interval`` seconds by size and modification time. A reload swaps the set
/// atomically: requests in flight finish with the set they started with.
struct GuideReloader: Service {
    let library: GuideLibrary
    let interval: Double
    let logger: Logger

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sighup) {
                    logger.info("SIGHUP: reloading the guides")
                    library.reload(force: true)
                }
            }
            if interval > 0 {
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(Int(interval * 1_000)))
                        if Task.isCancelled { break }
                        library.reload()
                    }
                }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }
}
