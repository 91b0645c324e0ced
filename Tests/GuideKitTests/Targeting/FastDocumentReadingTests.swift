import Foundation
import Testing

@testable import GuideKit

/// A population line read straight into its condition document gives the document (and the state's parts
/// selection reads) that reading the state first and building its document gives, and leaves to the other
/// readers every line the fast state reader leaves to the general one.
@Suite("Fast document reading")
struct FastDocumentReadingTests {
    static let selector = Selector(SelectionFixtures.examples)

    /// The state and document read in one pass, or `nil`.
    static func fused(
        _ line: String,
        catalog: Catalog?,
        page: String?,
        now: Date?
    ) -> (UserState, ConditionDocument)? {
        var line = line
        return line.withUTF8 { bytes in
            var scanner = FastStateScanner(bytes: bytes)
            var builder = ConditionDocument.Builder()
            guard
                let state = scanner.documentState(
                    declarations: FastStateScanner.Declarations(catalog),
                    template: selector.template,
                    builder: &builder
                )
            else { return nil }
            let time = now ?? state.now ?? Date(timeIntervalSince1970: 1_796_000_000)
            let document = FastStateScanner.document(
                state,
                page: page,
                now: time,
                template: selector.template,
                builder: &builder
            )
            return (state, document)
        }
    }

    /// Compares the one-pass read of `line` with the fast state reader followed by the selector's document,
    /// in a few contexts; `false` when the line is not read in one pass.
    @discardableResult
    static func compare(_ line: String, catalog: Catalog?) -> Bool {
        var copy = line
        let state = copy.withUTF8 { UserState.fastReading(jsonLine: $0, catalog: catalog) }
        var read = false
        for (page, now) in [(nil, nil), ("/projects/3/board", Date(timeIntervalSince1970: 1_796_500_000.25))] {
            let fused = Self.fused(line, catalog: catalog, page: page, now: now)
            guard let state else {
                #expect(fused == nil, "read in one pass but not by the fast reader: \(line)")
                continue
            }
            guard let (light, document) = fused else { continue }
            read = true
            #expect(light.id == state.id)
            #expect(light.page == state.page)
            #expect(light.locale == state.locale)
            #expect(light.now == state.now)
            #expect(light.guides == state.guides)
            let time = now ?? state.now ?? Date(timeIntervalSince1970: 1_796_000_000)
            let reference = selector.document(for: state, in: SelectionContext(page: page, now: time))
            #expect(document.layout == reference.layout, "\(line)")
            #expect(document.now == reference.now)
        }
        return read
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func generatedLinesReadTheSameInOnePass(seed: UInt64) {
        var generator = PopulationGenerator(seed: seed, now: Date(timeIntervalSince1970: 1_795_000_000))
        for _ in 0..<300 {
            let line = PopulationGenerator.jsonLine(generator.next())
            for catalog in [SelectionFixtures.examples.catalog, nil] {
                #expect(Self.compare(line, catalog: catalog), "not read in one pass: \(line)")
            }
        }
    }

    @Test(arguments: [
        #"{"id":"u1"}"#,
        #" { "id" : "u1" , "locale" : "" , "user" : { } , "events" : { } } "#,
        #"{"id":"u1","id":"u2"}"#,
        #"{"id":"u\u0031"}"#,
        #"{"id":"u1","extra":1}"#,
        #"{"id":"u1","user":{"plan":"trial","plan":"pro"}}"#,
        #"{"id":"u1","user":{"plan":5}}"#,
        #"{"id":"u1","user":{"plan":null,"seats":3.50,"tags":["a",null,"b"]}}"#,
        #"{"id":"u1","user":{"plan":"trial","seats":"3"}}"#,
        #"{"id":"u1","user":{"plan":"trial","email_verified":"true"}}"#,
        #"{"id":"u1","user":{"plan":"trial","email_verified":false,"seats":-2.5e1}}"#,
        #"{"id":"u1","account":{"integrations":["slack","github"]}}"#,
        #"{"id":"u1","account":{"integrations":["slack",1]}}"#,
        #"{"id":"u1","account":{"integrations":["slack",null]}}"#,
        #"{"id":"u1","account":{"integrations":[["slack"]]}}"#,
        #"{"id":"u1","account":{"integrations":"slack"}}"#,
        #"{"id":"u1","user":{"signed_up_at":"2026-01-01T10:00:00+02:00"}}"#,
        #"{"id":"u1","user":{"signed_up_at":"2026-01-01"}}"#,
        #"{"id":"u1","user":{"signed_up_at":"last tuesday"}}"#,
        #"{"id":"u1","user":{"signed_up_at":null}}"#,
        #"{"id":"u1","user":{"note":"2026-01-01T10:00:00.5Z","n":{"deep":{"er":[1,{"b":null}]}}}}"#,
        #"{"id":"u1","user":{"verified":true,"nested":{"a":[1,{"b":null}],"c":-0,"d":1e400}}}"#,
        #"{"id":"u1","user":{"big":123456789012345678,"neg":-12,"exp":1E+2,"zero":0}}"#,
        #"{"id":"u1","user":{"lead":007}}"#,
        #"{"id":"u1","user":{"a":{"x":1,"x":2}}}"#,
        #"{"id":"u1","user":{"a":[1,2,]}}"#,
        #"{"id":"u1","user":{"a":[,]}}"#,
        #"{"id":"u1","user":{"a":{}}}"#,
        #"{"id":"u1","user":[]}"#,
        #"{"id":"u1","user":null}"#,
        #"{"id":"u1","device":{"platform":"web","w":1280,"tags":[]}}"#,
        #"{"id":"u1","device":[1]}"#,
        #"{"id":"u1","locale":5}"#,
        #"{"id":"u1","now":"2026-11-23T10:00:00+09:00"}"#,
        #"{"id":"u1","now":"2026-11-23 10:00"}"#,
        #"{"id":"u1","events":{"a":{"count":2,"times":["2026-01-02T00:00:00Z","2026-01-03T00:00:00.123Z"]}}}"#,
        #"{"id":"u1","events":{"a":{"count":1,"times":["2026-01-02T00:00:00Z","2026-01-03T00:00:00Z"]}}}"#,
        #"{"id":"u1","events":{"a":{"first":"2026-01-02T00:00:00Z"},"b":{},"c":{"times":[]}}}"#,
        #"{"id":"u1","events":{"a":{"last":"2026-01-02T00:00:00.001Z"},"task_created":{"count":0}}}"#,
        #"{"id":"u1","events":{"a":{"times":["2026-01-02T00:00:00.999Z","2026-01-01T23:59:59.999Z"]}}}"#,
        #"{"id":"u1","events":{"a":{"count":2.5}}}"#,
        #"{"id":"u1","events":{"a":{"count":"2"}}}"#,
        #"{"id":"u1","events":{"a":{"count":1,"count":2}}}"#,
        #"{"id":"u1","events":{"a":{"cnt":1}}}"#,
        #"{"id":"u1","events":{"a":{"count":1},"a":{"count":2}}}"#,
        #"{"id":"u1","events":{"project_created":{"count":3}},"guides":{"welcome-tour":{"status":"completed"}}}"#,
        #"{"id":"u1","guides":{"g":{"status":"in_progress","step":"s","version":3,"shows":2,"variant":"b"}}}"#,
        #"{"id":"u1","guides":{"g":{"status":"done"}}}"#,
        #"{"id":"u1","guides":{"g":{"last_shown":"2026-01-02T00:00:00Z","snoozed_until":"2026-01-09T00:00:00Z"}}}"#,
        #"{"id":"u1","page":{"url":"https://example.com/a/b?c=1"}}"#,
        #"{"id":"u1","page":{"path":"/p","url":"https://example.com/q"}}"#,
        #"{"id":"u1","page":{"path":"/p","path":"/q"}}"#,
        #"{"id":"u1","user":{"name":"Zoë 日本","K":1}}"#,
        #"{"id":"u1","user":{"Zoë":1}}"#,
        #"{"id":"u1","user":{"name":"\#u{FF}"}}"#,
        #"{"id":"u1"} x"#,
        #"{"id":"u1""#,
        #"{"id":"u1",}"#,
        #"{"id":"u1","user":{"a":1,}}"#,
        #"{"id":"u1","user":{"a":1 "b":2}}"#,
        "{\"id\":\"u1\",\"user\":{\"t\":\"a\tb\"}}",
        #"[]"#,
        #""#,
    ])
    func unusualLinesReadTheSameOrAreLeftToTheOtherReaders(line: String) {
        for catalog in [SelectionFixtures.examples.catalog, UserStateCatalogTests.catalog, nil] {
            Self.compare(line, catalog: catalog)
        }
    }

    /// Deep nesting is read up to the fast reader's depth and left to the general reader past it, never
    /// read in more than linear time per level.
    @Test func deepValuesAreReadToTheFastReadersDepth() {
        for depth in [1, 5, 30, 31, 32, 40] {
            let value = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let line = #"{"id":"u1","device":{"v":"# + value + "}}"
            Self.compare(line, catalog: nil)
        }
    }
}
