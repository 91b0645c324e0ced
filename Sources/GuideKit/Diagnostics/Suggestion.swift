/// Finds the closest known name to a misspelled one, for `did you mean …?` fixes.
package enum Suggestion {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
    ///
    /// A candidate qualifies when at most a third of the longer word's characters (and at least one)
    /// must change; ties go to the earlier candidate.
    ///
    /// - Parameters:
    ///   - word: what the author wrote.
    ///   - candidates: the names that are valid at that place.
    /// - Returns: the best candidate, or `nil` when none is close.
    package static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let lowered = Array(word.lowercased().unicodeScalars)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, Array(candidate.lowercased().unicodeScalars))
            let limit = max(1, max(lowered.count, candidate.unicodeScalars.count) / 3)
            guard distance <= limit else { continue }
            if best == nil || distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// `did you mean 'title'?`, or `nil` when nothing is close.
    ///
    /// - Parameters:
    ///   - word: what the author wrote.
    ///   - candidates: the names that are valid at that place.
    /// - Returns: the fix text, or `nil`.
    package static func didYouMean(_ word: String, in candidates: some Sequence<String>) -> String? {
        closest(to: word, in: candidates).map { "did you mean '\($0)'?" }
    }

    /// Damerau–Levenshtein distance (optimal string alignment): a swap of two neighbours counts once.
    static func editDistance(_ lhs: [Unicode.Scalar], _ rhs: [Unicode.Scalar]) -> Int {
        if lhs.isEmpty { return rhs.count }
        if rhs.isEmpty { return lhs.count }
        var previousPrevious = [Int](repeating: 0, count: rhs.count + 1)
        var previous = Array(0...rhs.count)
        var current = [Int](repeating: 0, count: rhs.count + 1)
        for row in 1...lhs.count {
            current[0] = row
            for column in 1...rhs.count {
                let cost = lhs[row - 1] == rhs[column - 1] ? 0 : 1
                var value = min(previous[column] + 1, current[column - 1] + 1, previous[column - 1] + cost)
                if row > 1, column > 1, lhs[row - 1] == rhs[column - 2], lhs[row - 2] == rhs[column - 1] {
                    value = min(value, previousPrevious[column - 2] + 1)
                }
                current[column] = value
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[rhs.count]
    }
}
