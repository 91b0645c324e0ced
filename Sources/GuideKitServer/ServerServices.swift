import Foundation
import Logging

/// What every route handler shares: the configuration, the guides, the store, the keys and the metrics.
public struct ServerServices: Sendable {
    /// The configuration the server started with.
    public let configuration: ServerConfiguration
    /// The serving guide set and its reloads.
    public let library: GuideLibrary
    /// The store.
    public let store: any GuideStore
    /// The keys.
    public let keys: KeyRing
    /// The metrics.
    public let metrics: ServerMetrics
    /// The logger.
    public let logger: Logger
    let locks = KeyedLock()

    /// Creates the shared services.
    public init(
        configuration: ServerConfiguration,
        library: GuideLibrary,
        store: any GuideStore,
        metrics: ServerMetrics = ServerMetrics(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.library = library
        self.store = store
        self.keys = KeyRing(
            publicKey: configuration.publicKey,
            secretKey: configuration.secretKey,
            identitySecret: configuration.identitySecret
        )
        self.metrics = metrics
        self.logger = logger
    }

    var ingestor: EventIngestor { EventIngestor(store: store, library: library, locks: locks) }

    var decider: Decider { Decider(store: store, library: library, locks: locks, clock: configuration.clock) }
}
