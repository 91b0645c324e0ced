import Foundation
import Testing

@testable import GuideKit

/// The one-pass reader of population lines gives exactly the state the general reader gives, and leaves
/// every line it does not read to it (so errors keep their place and fix).
@Suite("User state fast reading")
struct UserStateFastReadingTests {
    /// The general reader's result for a line.
    static func general(_ line: String, catalog: Catalog?) -> Result<UserState, UserStateError> {
        Result { () throws(UserStateError) in try UserState(json: line, file: "users.jsonl", catalog: catalog) }
    }

    static func fast(_ line: String, catalog: Catalog?) -> UserState? {
        var line = line
        return line.withUTF8 { UserState.fastReading(jsonLine: $0, catalog: catalog) }
    }

    /// Every generated user, with and without the example catalog, reads the same both ways and takes the
    /// fast path.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func generatedPopulationsReadTheSame(seed: UInt64) throws {
        var generator = PopulationGenerator(seed: seed, now: Date(timeIntervalSince1970: 1_795_000_000))
        let catalog = SelectionFixtures.examples.catalog
        #expect(!catalog.userAttributes.isEmpty)
        for _ in 0..<500 {
            let line = PopulationGenerator.jsonLine(generator.next())
            for catalog in [catalog, nil] {
                let fast = try #require(Self.fast(line, catalog: catalog), "not read fast: \(line)")
                #expect(fast == (try Self.general(line, catalog: catalog).get()))
            }
        }
    }

    /// Lines of unusual shapes: where the fast reader reads one, it gives the general reader's state; where
    /// the general reader fails, the fast reader leaves the line to it.
    @Test(arguments: [
        #"{"id":"u1"}"#,
        #" { "id" : "u1" , "locale" : "" } "#,
        #"{"id":""}"#,
        #"{"id":12345678901234567890}"#,
        #"{"id":"u1","id":"u2"}"#,
        #"{"id":"u\u0031"}"#,
        #"{"id":"u1","extra":1}"#,
        #"{"id":"u1","user":{"plan":"trial","plan":"pro"}}"#,
        #"{"id":"u1","user":{"plan":5}}"#,
        #"{"id":"u1","user":{"plan":null,"seats":3.50,"tags":["a",null,"b"]}}"#,
        #"{"id":"u1","user":{"tags":["a",1]}}"#,
        #"{"id":"u1","user":{"app_version":5.10}}"#,
        #"{"id":"u1","user":{"app_version":"5.10","signed_up_at":"2026-01-01"}}"#,
        #"{"id":"u1","user":{"signed_up_at":"last tuesday"}}"#,
        #"{"id":"u1","user":{"seats":"three"}}"#,
        #"{"id":"u1","user":{"verified":true,"nested":{"a":[1,{"b":null}],"c":-0,"d":1e400}}}"#,
        #"{"id":"u1","user":{"big":123456789012345678,"neg":-12,"exp":1E+2,"zero":0}}"#,
        #"{"id":"u1","user":{"lead":007}}"#,
        #"{"id":"u1","user":[]}"#,
        #"{"id":"u1","user":null}"#,
        #"{"id":"u1","device":{"platform":"web","w":1280}}"#,
        #"{"id":"u1","locale":5}"#,
        #"{"id":"u1","now":"2026-11-23T10:00:00+09:00"}"#,
        #"{"id":"u1","now":"2026-11-23 10:00"}"#,
        #"{"id":"u1","events":{"a":{"count":2,"times":["2026-01-02T00:00:00Z","2026-01-03T00:00:00Z"]}}}"#,
        #"{"id":"u1","events":{"a":{"count":1,"times":["2026-01-02T00:00:00Z","2026-01-03T00:00:00Z"]}}}"#,
        #"{"id":"u1","events":{"a":{"first":"2026-01-02T00:00:00Z"},"b":{},"c":{"times":[]}}}"#,
        #"{"id":"u1","events":{"a":{"count":2.5}}}"#,
        #"{"id":"u1","events":{"a":{"count":1e15}}}"#,
        #"{"id":"u1","events":{"a":{"count":"2"}}}"#,
        #"{"id":"u1","events":{"a":{"count":1,"count":2}}}"#,
        #"{"id":"u1","events":{"a":{"cnt":1}}}"#,
        #"{"id":"u1","events":{"a":{"count":1},"a":{"count":2}}}"#,
        #"{"id":"u1","guides":{"g":{"status":"in_progress","step":"s","version":3,"shows":2,"variant":"b"}}}"#,
        #"{"id":"u1","guides":{"g":{"status":"done"}}}"#,
        #"{"id":"u1","guides":{"g":{"step":7}}}"#,
        #"{"id":"u1","guides":{"g":{"last_shown":"2026-01-02T00:00:00Z","snoozed_until":"2026-01-09T00:00:00Z"}}}"#,
        #"{"id":"u1","page":{"url":"https://example.com/a/b?c=1"}}"#,
        #"{"id":"u1","page":{"url":"https://example.com"}}"#,
        #"{"id":"u1","page":{"path":"/p","path":"/q"}}"#,
        #"{"id":"u1","page":{"path":"/p","query":"x"}}"#,
        #"{"id":"u1","user":{"name":"Zoë 日本"}}"#,
        #"{"id":"u1"} x"#,
        #"{"id":"u1""#,
        #"{"id":"u1",}"#,
        "{\"id\":\"u1\",\"user\":{\"t\":\"a\tb\"}}",
        #"[]"#,
        #""#,
    ])
    func unusualLinesReadTheSameOrAreLeftToTheGeneralReader(line: String) throws {
        for catalog in [UserStateCatalogTests.catalog, nil] {
            let general = Self.general(line, catalog: catalog)
            guard let fast = Self.fast(line, catalog: catalog) else { continue }
            #expect(try general.get() == fast, "\(line)")
        }
    }

    /// Lines the fast reader must read (the shapes generated and exported populations have).
    @Test func commonLinesTakeTheFastPath() {
        let lines = [
            #"{"id":"u1","user":{"plan":"trial","seats":3,"tags":["a"]},"now":"2026-11-23T10:00:00Z"}"#,
            #"{"id":"u1","events":{"a":{"count":2,"first":"2026-01-02T00:00:00.5Z","last":"2026-01-03T00:00:00Z"}}}"#,
            #"{"id":"u1","guides":{"g":{"status":"completed","completed_at":"2026-01-02T00:00:00Z"}},"page":{"path":"/"}}"#,
        ]
        for line in lines {
            #expect(Self.fast(line, catalog: UserStateCatalogTests.catalog) != nil, "\(line)")
        }
    }
}
