import Foundation
import GuideKit
import Testing

/// User states are checked against the catalog's attribute types, in YAML, JSON, JSON Lines and CSV alike,
/// and through the library call a server makes for `identify`.
@Suite("User states against the catalog")
struct UserStateCatalogTests {
    static let declared = SourceLocation(file: "guides/guidekit.yaml", line: 30, column: 3)

    static let catalog = Catalog(
        userAttributes: [
            "plan": .init(name: "plan", type: .string, location: declared),
            "seats": .init(name: "seats", type: .number, location: declared),
            "verified": .init(name: "verified", type: .boolean, location: declared),
            "signed_up_at": .init(name: "signed_up_at", type: .timestamp, location: declared),
            "app_version": .init(name: "app_version", type: .version, location: declared),
            "tags": .init(name: "tags", type: .list, location: declared),
        ],
        accountAttributes: [
            "employees": .init(name: "employees", type: .number, location: declared)
        ]
    )

    @Test func aWrongTypeInAYAMLStateIsAnErrorAtItsPlace() throws {
        let marked = MarkedText(
            """
            id: u-1
            user:
              plan: trial
              seats: 1️⃣three
            """
        )
        let error = try #require(throws: UserStateError.self) {
            try UserState(yaml: marked.text, file: "u.yaml", catalog: Self.catalog)
        }
        #expect(error.code == .wrongType)
        #expect(error.path == "user.seats")
        let place = try #require(marked.markers["1️⃣"])
        #expect(error.location == SourceLocation(file: "u.yaml", line: place.line, column: place.column))
        #expect(error.message.contains("'three' is not a number"))
        #expect(error.message.contains("guides/guidekit.yaml:30:3"))
        #expect(try UserState(yaml: marked.text).user["seats"] == .string("three"), "without a catalog, as written")
    }

    @Test func aTimestampThatIsNotOneIsAnError() throws {
        let marked = MarkedText(
            """
            id: u-1
            user: {plan: trial, signed_up_at: 1️⃣last tuesday}
            """
        )
        let error = try #require(throws: UserStateError.self) {
            try UserState(yaml: marked.text, file: "u.yaml", catalog: Self.catalog)
        }
        #expect(error.code == .invalidTimestamp)
        #expect(error.path == "user.signed_up_at")
        let place = try #require(marked.markers["1️⃣"])
        #expect(error.location?.line == place.line && error.location?.column == place.column)
        #expect(error.description.hasPrefix("u.yaml:2:35: user.signed_up_at: the string 'last tuesday'"))
    }

    @Test func aPopulationReportsEachWrongUserWithItsLineAndGoesOn() throws {
        let text = """
            {"id": "u-1", "user": {"seats": 3, "signed_up_at": "2026-11-20T09:00:00Z"}}
            {"id": "u-2", "user": {"seats": "three"}}
            {"id": "u-3", "account": {"employees": "many"}}
            {"id": "u-4", "user": {"signed_up_at": "last tuesday", "tags": ["vip", 7]}}
            {"id": "u-5", "user": {"verified": "yes"}}
            {"id": "u-6", "user": {"tags": [["nested"]]}}
            """
        let results = Array(UserStateReader(text: text, file: "users.jsonl", format: .jsonLines, catalog: Self.catalog))
        #expect(results.count == 6)
        #expect((try? results[0].get().id) == "u-1")
        let errors = results.compactMap { result -> UserStateError? in
            if case .failure(let error) = result { return error }
            return nil
        }
        #expect(
            errors.map(\.path) == [
                "user.seats", "account.employees", "user.signed_up_at", "user.verified", "user.tags",
            ]
        )
        #expect(errors.map { $0.location?.line } == [2, 3, 4, 5, 6])
        #expect(errors[0].location == SourceLocation(file: "users.jsonl", line: 2, column: 33))
        #expect(errors[0].message.contains("write the number without quotes") == false)
        #expect(errors[4].message.contains("a list"))
    }

    @Test func textAttributesTakeScalarsAsWritten() throws {
        let state = try UserState(
            yaml: """
                id: u-1
                user: {plan: 2024, app_version: 5.10, tags: [vip, 3, true], seats: null, verified: false}
                """,
            catalog: Self.catalog
        )
        #expect(state.user["plan"] == .string("2024"))
        #expect(state.user["app_version"] == .string("5.10"), "not the number 5.1")
        #expect(state.user["tags"] == .array([.string("vip"), .string("3"), .string("true")]))
        #expect(state.user["seats"] == .null, "null means not set, for every type")
        #expect(state.user["verified"] == .bool(false))
        let json = try UserState(
            json: #"{"id": "u", "user": {"app_version": 5.10, "seats": 2}}"#,
            catalog: Self.catalog
        )
        #expect(json.user["app_version"] == .string("5.10"))
        #expect(json.user["seats"] == .number(2))
    }

    @Test func aCSVTimestampIsChecked() throws {
        let text = "id,user.signed_up_at\nu-1,2026-11-20T09:00:00Z\nu-2,last tuesday\n"
        let results = Array(UserStateReader(text: text, file: "users.csv", format: .csv, catalog: Self.catalog))
        #expect((try? results[0].get().id) == "u-1")
        guard case .failure(let error) = results[1] else {
            Issue.record("accepted 'last tuesday'")
            return
        }
        #expect(error.code == .invalidTimestamp)
        #expect(error.location == SourceLocation(file: "users.csv", line: 3, column: 5))
    }

    @Test func theLibraryChecksAttributesForAServer() throws {
        let typed = try Self.catalog.checked(
            ["plan": .number(3), "seats": .number(4), "undeclared": .string("anything")],
            in: .user
        )
        #expect(typed == ["plan": .string("3"), "seats": .number(4), "undeclared": .string("anything")])
        let error = try #require(throws: UserStateError.self) {
            try Self.catalog.check(attributes: ["seats": .string("3")])
        }
        #expect(error.code == .wrongType && error.path == "user.seats" && error.location == nil)
        #expect(error.message.contains("write the number without quotes"))
        let all = Self.catalog.attributeErrors(
            ["seats": .bool(true), "signed_up_at": .number(0), "plan": .string("ok")],
            in: .user
        )
        #expect(all.map(\.path) == ["user.seats", "user.signed_up_at"])
        #expect(all.map(\.code) == [.wrongType, .invalidTimestamp])
        #expect(
            Self.catalog.attributeErrors(["employees": .string("x")], in: .account).map(\.path) == ["account.employees"]
        )
        #expect(
            Catalog().attributeErrors(["seats": .string("x")], in: .user).isEmpty,
            "an empty catalog checks nothing"
        )
    }
}
