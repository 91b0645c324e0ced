import GuideKit

/// How a store writes a user state: the JSON of `Schemas/user-state.schema.json`, one line.
package enum UserStateCoding {
    /// The state as one line of JSON: the text of `Tracker.renderJSON(state, pretty: false)`, written straight
    /// into bytes.
    package static func encode(_ state: UserState) -> String {
        state.renderedJSONLine()
    }

    /// Reads a stored state.
    ///
    /// - Throws: ``StoreError/unavailable(_:)`` when the stored text is not a state (a damaged store).
    ///
    /// The store's own lines take the engine's one-pass JSON Lines reader; anything else its general reader.
    package static func decode(_ text: String, id: String) throws(StoreError) -> UserState {
        var text = text
        let result = text.withUTF8 { bytes in
            UserState.reading(jsonLine: bytes, file: "store:user/\(id)", line: 1, catalog: nil)
        }
        switch result {
        case .success(let state): return state
        case .failure(let error):
            throw .unavailable("the stored state of '\(id)' cannot be read: \(error.description)")
        }
    }
}
