import Foundation
import Prometheus
import Synchronization

/// The server's Prometheus metrics: requests by route and status, latencies, events, decisions and reloads.
///
/// Each application has its own registry, so tests never share counters.
public final class ServerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry = PrometheusCollectorRegistry()
    private let latencyBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(5),
    ]

    /// The request counter and latency histogram of each route, method and status made so far: the registry
    /// finds a metric by building and comparing its labels, which every request would otherwise pay.
    private let requestMetrics = Mutex<[RequestKey: (Counter, DurationHistogram)]>([:])
    private let decisionCounters = Mutex<[String: Counter]>([:])

    private struct RequestKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    /// Creates the metrics.
    public init() {}

    /// Counts one request and its latency.
    public func request(route: String, method: String, status: Int, duration: Duration) {
        let key = RequestKey(route: route, method: method, status: status)
        if let (counter, histogram) = requestMetrics.withLock({ $0[key] }) {
            counter.increment()
            histogram.record(duration)
            return
        }
        let metrics = makeRequestMetrics(route: route, method: method, status: status)
        requestMetrics.withLock { $0[key] = metrics }
        metrics.0.increment()
        metrics.1.record(duration)
    }

    private func makeRequestMetrics(route: String, method: String, status: Int) -> (Counter, DurationHistogram) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        let counter = registry.makeCounter(
            descriptor: .init(metricName: "guidekit_http_requests", unitName: "total", helpText: "HTTP requests"),
            labels: labels
        )
        let histogram = registry.makeDurationHistogram(
            descriptor: .init(
                metricName: "guidekit_http_request_duration",
                unitName: "seconds",
                helpText: "HTTP request latency"
            ),
            labels: [("route", route), ("method", method)],
            buckets: latencyBuckets
        )
        return (counter, histogram)
    }

    /// Counts the outcome of an events request; `late` accepted events were applied on top of a long history
    /// instead of replayed in time order (they are among the accepted too).
    public func events(accepted: Int, duplicates: Int, rejected: Int, late: Int = 0) {
        for (outcome, count) in [
            ("accepted", accepted), ("duplicate", duplicates), ("rejected", rejected), ("late", late),
        ]
        where count > 0 {
            registry.makeCounter(
                descriptor: .init(
                    metricName: "guidekit_events",
                    unitName: "total",
                    helpText: "Events received by outcome"
                ),
                labels: [("outcome", outcome)]
            )
            .increment(by: Int64(count))
        }
    }

    /// Counts a decision by the guide shown (`none` when nothing is).
    public func decision(guide: String?) {
        let name = guide ?? "none"
        if let counter = decisionCounters.withLock({ $0[name] }) {
            counter.increment()
            return
        }
        let counter = registry.makeCounter(
            descriptor: .init(
                metricName: "guidekit_decisions",
                unitName: "total",
                helpText: "Decisions by guide shown"
            ),
            labels: [("guide", name)]
        )
        decisionCounters.withLock { $0[name] = counter }
        counter.increment()
    }

    /// The exposition text, with the guide set's reload figures as of now.
    public func render(library: GuideLibrary) -> String {
        let counts = library.reloadCounts
        registry.makeGauge(
            descriptor: .init(metricName: "guidekit_guide_reloads", unitName: "", helpText: "Guide set reloads tried"),
            labels: []
        )
        .set(Double(counts.reloads))
        registry.makeGauge(
            descriptor: .init(
                metricName: "guidekit_guide_reload_failures",
                unitName: "",
                helpText: "Guide set reloads refused for lint errors"
            ),
            labels: []
        )
        .set(Double(counts.failures))
        registry.makeGauge(
            descriptor: .init(
                metricName: "guidekit_guide_set_errors",
                unitName: "",
                helpText: "Lint errors of the last refused guide set (0 when the newest files are serving)"
            ),
            labels: []
        )
        .set(Double(library.failure?.diagnostics.count ?? 0))
        return registry.emitToString()
    }
}
