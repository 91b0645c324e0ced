/// The result of selecting for one user: the decision and a verdict for every guide, in file order.
public struct Selection: Sendable, Hashable {
    /// What the user sees.
    public var decision: Decision
    /// Why each guide was or was not chosen, in the guides' file order.
    public var verdicts: [Verdict]

    /// The verdict of a guide, if it exists.
    ///
    /// - Parameter guideID: the guide id.
    /// - Returns: the verdict.
    public func verdict(for guideID: String) -> Verdict? {
        verdicts.first { $0.guideID == guideID }
    }
}
