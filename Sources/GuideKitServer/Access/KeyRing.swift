import Crypto
import Foundation

/// The server's keys and the checks made with them: which key a request shows, and whether a browser's
/// request for a user carries that user's identity signature.
///
/// Keys and signatures are compared in constant time and never logged.
public struct KeyRing: Sendable {
    /// The SHA-256 digests of the keys, made once: a request's key is hashed once and compared with both.
    private let publicKey: [UInt8]?
    private let secretKey: [UInt8]?
    private let identitySecret: SymmetricKey?

    /// Creates a key ring; empty strings count as absent.
    public init(publicKey: String?, secretKey: String?, identitySecret: String?) {
        self.publicKey = publicKey.flatMap { $0.isEmpty ? nil : Self.digest(Array($0.utf8)) }
        self.secretKey = secretKey.flatMap { $0.isEmpty ? nil : Self.digest(Array($0.utf8)) }
        self.identitySecret = identitySecret.flatMap { $0.isEmpty ? nil : SymmetricKey(data: Data($0.utf8)) }
    }

    /// Whether no key is configured (development mode).
    public var isDevelopmentMode: Bool { publicKey == nil && secretKey == nil }

    /// Whether browser requests must carry identity signatures.
    public var verifiesIdentity: Bool { identitySecret != nil }

    /// The caller a key makes.
    ///
    /// - Parameter key: the key from `Authorization: Bearer` or the body's `key`.
    /// - Returns: the secret, browser or development caller.
    /// - Throws: ``APIError/unauthorized(_:)`` without a key or with one the server does not have.
    public func caller(key: String?) throws(APIError) -> Caller {
        if isDevelopmentMode { return .development }
        guard let key, !key.isEmpty else {
            throw .unauthorized("no key: send 'Authorization: Bearer <key>' or \"key\" in the JSON body")
        }
        // Digests of equal length, compared in full both times, so the time tells neither which key was close
        // nor how long the key is.
        let digest = Self.digest(Array(key.utf8))
        let isSecret = secretKey.map { Self.equalDigests($0, digest) } ?? false
        let isPublic = publicKey.map { Self.equalDigests($0, digest) } ?? false
        if isSecret { return .secret }
        if isPublic { return .browser }
        throw .unauthorized("the key is not one of this server's keys")
    }

    /// Checks a browser's claim to be the user.
    ///
    /// - Parameters:
    ///   - user: the user id the request is for.
    ///   - signature: the hex HMAC-SHA256 of the id, from `GuideKit-Signature` or the body's `signature`.
    ///   - caller: the caller; only ``Caller/browser`` is checked.
    /// - Throws: ``APIError/badSignature(_:)`` when identity verification is on and the signature is missing
    ///   or wrong (ids starting with `anon-` need none).
    public func verify(user: String, signature: String?, caller: Caller) throws(APIError) {
        guard caller == .browser, let identitySecret, !user.hasPrefix("anon-") else { return }
        guard let signature, !signature.isEmpty else {
            throw .badSignature(
                "identity verification is on: send the hex HMAC-SHA256 of the user id in 'GuideKit-Signature' or \"signature\""
            )
        }
        let expected = Array(
            Self.hex(HMAC<SHA256>.authenticationCode(for: Data(user.utf8), using: identitySecret)).utf8
        )
        guard Self.constantTimeEquals(expected, Array(signature.lowercased().utf8)) else {
            throw .badSignature("the signature does not match the user id")
        }
    }

    /// The signature of a user id: what the customer's backend computes (tests and docs use it).
    ///
    /// - Parameters:
    ///   - user: the user id.
    ///   - secret: the identity secret.
    /// - Returns: lowercase hex of HMAC-SHA256(secret, user).
    public static func signature(of user: String, secret: String) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: Data(user.utf8), using: SymmetricKey(data: Data(secret.utf8))))
    }

    private static func hex(_ code: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        for byte in code {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Compares two byte strings in time that depends only on their lengths.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        // Hash both to fixed-length digests first, so a length difference takes the same time as any other.
        equalDigests(digest(lhs), digest(rhs))
    }

    /// The SHA-256 digest of `bytes`.
    static func digest(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

    /// Whether two digests of the same length are equal, looking at every byte whatever the answer.
    static func equalDigests(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<left.count { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
