import Foundation
import GuideKit
import Hummingbird

/// An error the API answers with: a status, a stable code, a message naming the fix, and the field at fault.
///
/// Every error response has one shape, `{"error": {"code", "message", "field"?}}`. New codes can be added
/// without breaking callers, as Hummingbird's `PersistError` does.
public struct APIError: Error, Sendable, Equatable, HTTPResponseError {
    private enum Code: String, Sendable {
        case badJSON = "bad_json"
        case invalidField = "invalid_field"
        case missingField = "missing_field"
        case unknownField = "unknown_field"
        case invalidAttribute = "invalid_attribute"
        case tooManyEvents = "too_many_events"
        case bodyTooLarge = "body_too_large"
        case unauthorized
        case badSignature = "bad_signature"
        case forbidden
        case notFound = "not_found"
        case methodNotAllowed = "method_not_allowed"
        case unknownGuide = "unknown_guide"
        case unavailable
        case internalError = "internal"
    }

    private let code: Code
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// What went wrong and how to fix it.
    public let message: String
    /// The JSON path of the field at fault (`context.page`, `events[3].ts`), if one is.
    public let field: String?

    private init(_ code: Code, _ status: HTTPResponse.Status, _ message: String, field: String? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.field = field
    }

    /// The stable machine-readable code (`bad_json`, `unauthorized`, …).
    public var codeName: String { code.rawValue }

    /// 400: the body is not JSON, or not the JSON object the route reads.
    public static func badJSON(_ message: String) -> Self { .init(.badJSON, .badRequest, message) }
    /// 400: a field has the wrong type or value.
    public static func invalidField(_ field: String, _ message: String) -> Self {
        .init(.invalidField, .badRequest, message, field: field)
    }
    /// 400: a required field is missing.
    public static func missingField(_ field: String) -> Self {
        .init(.missingField, .badRequest, "'\(field)' is required", field: field)
    }
    /// 400: a field the route does not know (a typo, usually).
    public static func unknownField(_ field: String, _ message: String) -> Self {
        .init(.unknownField, .badRequest, message, field: field)
    }
    /// 422: an attribute that the catalog does not declare or whose value has the wrong type.
    public static func invalidAttribute(_ field: String, _ message: String) -> Self {
        .init(.invalidAttribute, .unprocessableContent, message, field: field)
    }
    /// 413: more events in one request than allowed.
    public static func tooManyEvents(_ count: Int, limit: Int) -> Self {
        .init(
            .tooManyEvents,
            .contentTooLarge,
            "\(count) events in one request; send at most \(limit)",
            field: "events"
        )
    }
    /// 413: the body is larger than the route reads.
    public static func bodyTooLarge(limit: Int) -> Self {
        .init(.bodyTooLarge, .contentTooLarge, "the body is larger than \(limit) bytes; send smaller batches")
    }
    /// 401: no key, or a key that is not one of the server's.
    public static func unauthorized(_ message: String) -> Self { .init(.unauthorized, .unauthorized, message) }
    /// 401: the identity signature is missing or does not match the user id.
    public static func badSignature(_ message: String) -> Self {
        .init(.badSignature, .unauthorized, message, field: "signature")
    }
    /// 403: the key may not do this (the public key on a secret route, or for another user).
    public static func forbidden(_ message: String, field: String? = nil) -> Self {
        .init(.forbidden, .forbidden, message, field: field)
    }
    /// 404: no such route or resource.
    public static func notFound(_ message: String) -> Self { .init(.notFound, .notFound, message) }
    /// 405: the route exists with other methods.
    public static func methodNotAllowed(_ message: String) -> Self {
        .init(.methodNotAllowed, .methodNotAllowed, message)
    }
    /// 422: a guide id that the loaded guide set does not have.
    public static func unknownGuide(_ field: String, _ message: String) -> Self {
        .init(.unknownGuide, .unprocessableContent, message, field: field)
    }
    /// 503: the store or the guide set is not available.
    public static func unavailable(_ message: String) -> Self { .init(.unavailable, .serviceUnavailable, message) }
    /// 500: a failure the client cannot fix (the details are in the server's log, not in the answer).
    public static func internalError(_ message: String) -> Self {
        .init(.internalError, .internalServerError, message)
    }

    /// The error body, `{"error": {"code", "message", "field"?}}`.
    public var body: String {
        var text = #"{"error":{"code":"\#(code.rawValue)","message":\#(JSONString.quoted(message))"#
        if let field { text += #","field":\#(JSONString.quoted(field))"# }
        return text + "}}\n"
    }

    /// The JSON response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
