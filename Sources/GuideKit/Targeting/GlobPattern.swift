/// A path pattern for `$glob`: `*` matches within one path segment (no `/`), `**` matches any number of
/// segments; everything else matches itself. The whole path must match.
///
/// `/projects/*/settings` matches `/projects/42/settings`; `/docs/**/edit` matches `/docs/edit` and
/// `/docs/a/b/edit`; `/docs/**` matches everything under `/docs/`.
struct GlobPattern: Sendable, Hashable {
    /// One piece of the pattern.
    enum Token: Sendable, Hashable {
        /// A byte that must match itself.
        case byte(UInt8)
        /// `*`: any run of bytes without `/`.
        case segment
        /// `**/`: zero or more whole segments, each with its `/`.
        case segments
        /// `**` not followed by `/`: anything.
        case anything
    }

    /// The pattern as written.
    let text: String
    let tokens: [Token]

    init(_ text: String) {
        self.text = text
        let bytes = Array(text.utf8)
        var tokens: [Token] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x2A {
                if index + 1 < bytes.count, bytes[index + 1] == 0x2A {
                    var end = index + 2
                    while end < bytes.count, bytes[end] == 0x2A { end += 1 }
                    if end < bytes.count, bytes[end] == 0x2F {
                        tokens.append(.segments)
                        index = end + 1
                    } else {
                        tokens.append(.anything)
                        index = end
                    }
                } else {
                    tokens.append(.segment)
                    index += 1
                }
            } else {
                tokens.append(.byte(bytes[index]))
                index += 1
            }
        }
        self.tokens = tokens
    }

    /// `true` when the whole of `path` matches.
    func matches(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { bytes in
            tokens.withUnsafeBufferPointer { match($0, 0, bytes, 0) }
        }
    }

    private func match(
        _ tokens: UnsafeBufferPointer<Token>,
        _ tokenIndex: Int,
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ byteIndex: Int
    ) -> Bool {
        var tokenIndex = tokenIndex
        var byteIndex = byteIndex
        while tokenIndex < tokens.count {
            switch tokens[tokenIndex] {
            case .byte(let expected):
                guard byteIndex < bytes.count, bytes[byteIndex] == expected else { return false }
                byteIndex += 1
                tokenIndex += 1
            case .segment:
                var end = byteIndex
                while true {
                    if match(tokens, tokenIndex + 1, bytes, end) { return true }
                    guard end < bytes.count, bytes[end] != 0x2F else { return false }
                    end += 1
                }
            case .segments:
                if match(tokens, tokenIndex + 1, bytes, byteIndex) { return true }
                var end = byteIndex
                while end < bytes.count {
                    if bytes[end] == 0x2F, match(tokens, tokenIndex + 1, bytes, end + 1) { return true }
                    end += 1
                }
                return false
            case .anything:
                var end = byteIndex
                while end <= bytes.count {
                    if match(tokens, tokenIndex + 1, bytes, end) { return true }
                    end += 1
                }
                return false
            }
        }
        return byteIndex == bytes.count
    }
}
