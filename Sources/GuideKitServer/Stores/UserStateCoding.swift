import GuideKit

/// How a store writes a user state: the JSON of `Schemas/user-state.schema.json`, one line.
package enum UserStateCoding {
    /// The state as one line of JSON.
    package static func encode(_ state: UserState) -> String {
        Tracker.renderJSON(state, pretty: false)
    }

    /// Reads a stored state.
    ///
    /// - Throws: ``StoreError/unavailable(_:)`` when the stored text is not a state (a damaged store).
    package static func decode(_ text: String, id: String) throws(StoreError) -> UserState {
        do {
            return try UserState(json: text, file: "store:user/\(id)")
        } catch {
            throw .unavailable("the stored state of '\(id)' cannot be read: \(error.description)")
        }
    }
}
