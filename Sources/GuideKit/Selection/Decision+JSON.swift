extension Decision {
    /// The decision as JSON in its `Codable` shape (`Schemas/decision.schema.json`), members in the order
    /// `encode(to:)` writes them: the `decision` that `guidekit simulate --format json` prints and that the
    /// server's `decide` answers.
    ///
    /// - Parameter pretty: indented (`true`) or on one line.
    /// - Returns: the JSON text, without a final newline.
    public func renderJSON(pretty: Bool = false) -> String {
        ((try? OrderedJSON.encoding(self)) ?? .null).rendered(pretty: pretty)
    }
}
