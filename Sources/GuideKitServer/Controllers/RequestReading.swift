import Foundation
import GuideKit
import HTTPTypes
import Hummingbird
import NIOCore

/// Reading what every route reads: the body as JSON (with a size limit), the key and the signature.
enum RequestReading {
    /// The largest body read by decide and identify.
    static let defaultBodyLimit = 64 * 1024

    /// The body as JSON.
    ///
    /// - Throws: ``APIError/bodyTooLarge(limit:)`` (413) past `limit` bytes, ``APIError/badJSON(_:)`` when
    ///   it is not JSON.
    static func json(_ request: Request, limit: Int) async throws -> Value {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: limit)
        }
        return try Value.parse(Array(buffer.readableBytesView))
    }

    /// The key of `Authorization: Bearer <key>`, else the body's `key`.
    static func key(_ request: Request, body: FieldReader?) throws(APIError) -> String? {
        if let header = request.headers[.authorization] {
            // The usual header, "Bearer <key>", without splitting or Foundation's trimming.
            if header.utf8.starts(with: "Bearer ".utf8) {
                let key = header.utf8.dropFirst(7)
                if !key.isEmpty, key.allSatisfy({ (0x21...0x7E).contains($0) }) { return String(Substring(key)) }
            }
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw .unauthorized("the Authorization header must be 'Bearer <key>'")
            }
            return String(parts[1]).trimmingCharacters(in: .whitespaces)
        }
        return try body?.string("key", maxLength: 512)
    }

    /// `GuideKit-Signature`, checked once.
    private static let signatureField = HTTPField.Name("GuideKit-Signature")

    /// The identity signature of `GuideKit-Signature`, else the body's `signature`.
    static func signature(_ request: Request, body: FieldReader?) throws(APIError) -> String? {
        if let name = signatureField, let header = request.headers[name] { return header }
        return try body?.string("signature", maxLength: 512)
    }

    /// The caller of a route that needs the secret key.
    static func requireSecret(_ request: Request, services: ServerServices) throws(APIError) -> Caller {
        let caller = try services.keys.caller(key: key(request, body: nil))
        guard caller.isTrusted else {
            throw .forbidden("this route needs the secret key; the public key is for decide, events and identify")
        }
        return caller
    }
}
