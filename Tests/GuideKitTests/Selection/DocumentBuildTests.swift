import Foundation
import GuideKit
import Testing

/// The document built directly from a user state equals the one built the reference way (complete the
/// state, turn it into a `Value`, flatten that), node for node, and selection decides the same on both.
@Suite struct DocumentBuildTests {
    typealias F = SelectionFixtures

    static let personas = [
        "beta-tester-mobile", "churn-risk-trial", "invited-member", "japanese-owner", "new-trial-admin",
        "new-viewer", "pro-power-user", "returning-pro", "trial-admin",
    ]

    /// Checks both documents and both selections for one state and context.
    static func expectSame(
        _ state: UserState,
        _ context: SelectionContext,
        _ selector: Selector,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let fast = selector.document(for: state, in: context)
        let reference = selector.referenceDocument(for: state, in: context)
        let fastLayout = fast.layout
        #expect(fastLayout == reference.layout, "\(state.id)", sourceLocation: sourceLocation)
        #expect(
            !fastLayout.values.contains { $0.hasSuffix(" missing") || $0.hasSuffix(" wrong node") },
            "\(state.id): a path the index does not find",
            sourceLocation: sourceLocation
        )
        #expect(fast.value == reference.value, "\(state.id)", sourceLocation: sourceLocation)
        #expect(fast.now == reference.now, "\(state.id)", sourceLocation: sourceLocation)
        #expect(
            selector.select(for: state, in: context, document: fast, explains: true)
                == selector.select(for: state, in: context, document: reference, explains: true),
            "\(state.id)",
            sourceLocation: sourceLocation
        )
    }

    @Test(arguments: personas)
    func personaDocumentsMatch(_ name: String) throws {
        let state = try F.persona(name)
        let selector = Selector(F.examples)
        let now = try F.time("2026-11-23T10:00:00Z")
        for context in [
            SelectionContext(now: state.now ?? now),
            SelectionContext(page: "/projects/7/board", event: "project_created", now: now),
            SelectionContext(page: "/home", now: now.addingTimeInterval(0.25)),
        ] {
            Self.expectSame(state, context, selector)
        }
    }

    @Test func generatedPopulationMatches() throws {
        let selector = Selector(F.examples)
        let now = try F.time("2026-12-03T10:00:00Z")
        var generator = PopulationGenerator(seed: 7, now: now)
        var builder = ConditionDocument.Builder()
        var decisions = Set<String>()
        for _ in 0..<2_000 {
            let state = generator.next()
            let context = SelectionContext(now: state.now ?? now)
            let reference = selector.referenceDocument(for: state, in: context)
            // The reusable buffers give the same document as fresh ones, user after user.
            let fast = selector.document(for: state, in: context, builder: &builder)
            #expect(fast.layout == reference.layout, "\(state.id)")
            let selection = selector.select(for: state, in: context, explains: true, builder: &builder)
            #expect(selection == selector.select(for: state, in: context, document: reference, explains: true))
            decisions.insert(selection.decision.summary)
        }
        // The sample exercises several outcomes, not one.
        #expect(decisions.count >= 3)
    }

    @Test func unusualStatesMatch() throws {
        let project = """
            attributes:
              signed_up_at: {type: timestamp}
              "caf\u{E9}_at": {type: timestamp}
              K: {type: timestamp}
            account_attributes:
              renewed_at: {type: timestamp}
            events:
              login: {}
              "caf\u{E9}": {}
              K: {}
            """
        let set = try F.set(
            [F.guide("tour", extra: "audience: {guides.other.status: not_started, guides.K.shows: 0}")],
            project: project
        )
        let selector = Selector(set)
        let now = try F.time("2026-11-23T10:00:00Z")
        let times = [
            Date(timeIntervalSince1970: 1_763_892_000.123),  // milliseconds
            Date(timeIntervalSince1970: 1_763_892_000.9996),  // rounds up to the next second
            Date(timeIntervalSince1970: -1_000_000_000_000),  // before year 0
            Date(timeIntervalSince1970: 300_000_000_000),  // after year 9999
            Date(timeIntervalSince1970: -86_400.5),
        ]
        let states = [
            UserState(id: "empty"),
            UserState(
                id: "2026-11-20T09:00:00Z",  // an id that reads as a timestamp
                user: [
                    "signed_up_at": .string("2026-11-20T18:00:00+09:00"),
                    "cafe\u{301}_at": .string("2026-11-20"),  // canonically equal to the catalog's name
                    "\u{212A}": .string("2026-11-21T00:00:00.5Z"),  // Kelvin sign: equal to "K"
                    "plan": .string("2026-11-20"),
                    "nested": .object(["list": .array([.number(1), .null, .bool(true), .string("x")])]),
                ],
                account: ["renewed_at": .string("not a time"), "seats": .number(3)],
                events: [
                    "login": UserState.EventSummary(count: 5, first: times[0], last: times[1], times: times),
                    "cafe\u{301}": UserState.EventSummary(count: 1),
                    "\u{212A}": UserState.EventSummary(count: 2),
                ],
                guides: [
                    "\u{212A}": UserState.GuideProgress(status: .snoozed, shows: 2, snoozedUntil: times[2]),
                    "tour": UserState.GuideProgress(
                        status: .inProgress,
                        step: "2026-01-01",
                        version: 3,
                        variant: "b",
                        shows: 1,
                        lastShown: times[3],
                        startedAt: times[4],
                        completedAt: times[0]
                    ),
                ],
                page: UserState.Page(path: "/p", url: "https://example.com/p"),
                device: ["app_version": .string("5.2.0")],
                locale: "ja-JP",
                now: times[1]
            ),
        ]
        for state in states {
            Self.expectSame(state, SelectionContext(now: now), selector)
            Self.expectSame(state, SelectionContext(page: "/x", now: times[1]), selector)
            let catalog = set.catalog
            let direct = ConditionDocument(state, completedWith: catalog, guides: ["tour", "K", "other"], now: now)
            let completed = state.completed(with: catalog, guides: ["tour", "K", "other"], now: now)
            let reference = ConditionDocument(completed.document, now: now.timeIntervalSince1970)
            #expect(direct.layout == reference.layout, "\(state.id)")
        }
    }
}
