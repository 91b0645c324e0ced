/// A path pattern for `$glob`.
///
/// `*` matches within one path segment (no `/`), `**` matches any number of segments; everything else
/// matches itself. The whole path must match.
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
    ///
    /// Runs the pattern as an automaton over the set of path positions it can have reached: one pass
    /// over the path per token, so O(path × pattern) in every case, with no backtracking (a pattern such
    /// as `/p/*-*-*-*-*-*-*-*/edit` took exponential time with one).
    func matches(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { bytes in
            tokens.withUnsafeBufferPointer { tokens in
                withUnsafeTemporaryAllocation(of: Bool.self, capacity: 2 * (bytes.count + 1)) { buffer in
                    Self.match(tokens, bytes, buffer, steps: nil)
                }
            }
        }
    }

    /// ``matches(_:)``, also counting the positions visited (the work done), for tests of its bound.
    func matches(_ path: String, steps: inout Int) -> Bool {
        var path = path
        var count = 0
        let result = path.withUTF8 { bytes in
            tokens.withUnsafeBufferPointer { tokens in
                withUnsafeTemporaryAllocation(of: Bool.self, capacity: 2 * (bytes.count + 1)) { buffer in
                    Self.match(tokens, bytes, buffer, steps: &count)
                }
            }
        }
        steps = count
        return result
    }

    /// `buffer` holds two sets of positions `0...bytes.count`: the positions reached before the token
    /// and after it.
    private static func match(
        _ tokens: UnsafeBufferPointer<Token>,
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ buffer: UnsafeMutableBufferPointer<Bool>,
        steps: UnsafeMutablePointer<Int>?
    ) -> Bool {
        let width = bytes.count + 1
        guard let base = buffer.baseAddress else { return false }
        var current = base
        var next = base + width
        current.initialize(repeating: false, count: width)
        next.initialize(repeating: false, count: width)
        current[0] = true
        var first = 0  // the lowest reached position
        for token in tokens {
            var reached = false
            var lowest = width
            switch token {
            case .byte(let expected):
                next[first] = false
                var position = first
                while position < bytes.count {
                    let hit = current[position] && bytes[position] == expected
                    next[position + 1] = hit
                    if hit, !reached {
                        reached = true
                        lowest = position + 1
                    }
                    position += 1
                }
            case .segment:
                // Any run of non-`/` bytes from a reached position.
                var active = false
                var position = first
                while position < width {
                    if position > first, bytes[position - 1] == 0x2F { active = false }
                    if current[position] { active = true }
                    next[position] = active
                    if active, !reached {
                        reached = true
                        lowest = position
                    }
                    position += 1
                }
            case .segments:
                // The reached position itself, or just after any `/` at or after one.
                var active = false
                var position = first
                while position < width {
                    let afterSlash = position > first && bytes[position - 1] == 0x2F && active
                    if current[position] { active = true }
                    next[position] = current[position] || afterSlash
                    if next[position], !reached {
                        reached = true
                        lowest = position
                    }
                    position += 1
                }
            case .anything:
                var position = first
                while position < width {
                    next[position] = true
                    position += 1
                }
                reached = true
                lowest = first
            }
            steps?.pointee += width - first
            guard reached else { return false }
            // Every position from `first` on was written; positions below `lowest` are never read again.
            swap(&current, &next)
            first = lowest
        }
        return current[bytes.count]
    }
}
