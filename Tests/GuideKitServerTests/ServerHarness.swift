import Foundation
import GuideKit
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import GuideKitServer

/// A server over the repository's example guides with a store the test can look into.
struct ServerHarness {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let guidesFolder = repository.appendingPathComponent("guides").path
    static let now = Date(timeIntervalSince1970: 1_795_428_000)  // 2026-11-23T10:00:00Z, the personas' now

    let services: ServerServices
    var store: any GuideStore { services.store }

    init(
        publicKey: String? = nil,
        secretKey: String? = nil,
        identitySecret: String? = nil,
        store: any GuideStore = MemoryGuideStore(),
        guidesFolder: String = ServerHarness.guidesFolder,
        origins: [String] = [],
        demo: Bool = false,
        now: Date = ServerHarness.now
    ) throws {
        var configuration = ServerConfiguration()
        configuration.guidesFolder = guidesFolder
        configuration.database = .memory
        configuration.publicKey = publicKey
        configuration.secretKey = secretKey
        configuration.identitySecret = identitySecret
        configuration.allowedOrigins = origins
        configuration.demo = demo
        configuration.clock = { now }
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let library = try GuideLibrary(folder: guidesFolder, logger: logger)
        services = ServerServices(configuration: configuration, library: library, store: store, logger: logger)
    }

    /// Runs the test against the router (no socket).
    func test<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let app = Application(router: buildRouter(services))
        return try await app.test(.router) { client in try await body(client) }
    }
}

/// A response as the tests read it.
struct Reply: Sendable {
    var status: Int
    var text: String
    var headers: HTTPFields

    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// The error code of an error body.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    /// The field of an error body.
    var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }
}

extension TestClientProtocol {
    func send(
        _ method: HTTPRequest.Method,
        _ uri: String,
        body: String? = nil,
        key: String? = nil,
        headers extra: [String: String] = [:]
    ) async throws -> Reply {
        var headers = HTTPFields()
        if let key { headers[.authorization] = "Bearer \(key)" }
        if body != nil { headers[.contentType] = "application/json" }
        for (name, value) in extra {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        {
            Reply(status: Int($0.status.code), text: String(buffer: $0.body), headers: $0.headers)
        }
    }
}

/// A guide event line.
func guideEvent(
    _ type: String,
    user: String = "u_1",
    guide: String = "welcome-tour",
    version: Int = 3,
    step: String? = nil,
    at ts: String,
    id: String? = nil
) -> String {
    var fields = [
        #""type":"\#(type)""#, #""user":"\#(user)""#, #""guide":"\#(guide)""#, #""version":\#(version)"#,
        #""ts":"\#(ts)""#,
    ]
    if let step { fields.append(#""step":"\#(step)""#) }
    if let id { fields.append(#""id":"\#(id)""#) }
    return "{" + fields.joined(separator: ",") + "}"
}

/// An events body.
func eventsBody(_ events: [String]) -> String { #"{"events":[\#(events.joined(separator: ","))]}"# }

/// The decide body of the example persona `new-trial-admin` on a page.
func trialAdminDecide(user: String = "u_2001", page: String = "/home") -> String {
    """
    {"user": {"id": "\(user)", "attributes": {"id": "\(user)", "plan": "trial", "role": "admin", "signed_up_at": "2026-11-23T09:30:00Z",
    "trial_ends_at": "2026-12-07T09:30:00Z", "trial_days_left": 13, "seats": 3, "locale": "en",
    "company_size": "11-50", "job_function": "product", "email_verified": true},
    "account": {"industry": "software", "employees": 40, "region": "us"}},
    "context": {"page": "\(page)", "locale": "en-US", "device": {"platform": "web"}}}
    """
}

/// Runs the built `guidekit` binary (beside the test bundle, or in `.build/debug`) in a folder; returns its
/// standard output, and fails the test when it exits with an error.
func runGuidekit(_ arguments: [String], in folder: URL) throws -> String {
    var candidates = Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
    candidates.append(ServerHarness.repository.appendingPathComponent(".build/debug"))
    guard
        let binary = candidates.map({ $0.appendingPathComponent("guidekit") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
    else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "the guidekit binary"]) }
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = folder
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(
        process.terminationStatus == 0,
        "guidekit \(arguments.joined(separator: " ")) exited \(process.terminationStatus)"
    )
    return String(decoding: data, as: UTF8.self)
}
