/// Which steps a user can reach: the step graph of one list of steps.
///
/// From a step a user moves on by:
/// - its `next` branches (and, when none of them is a default without `when`, the following step);
///   with no branches, the following step. This is the step's *natural* next.
/// - a step without buttons moves on to its natural next (the renderer shows a default "Next");
///   a step with buttons moves on only through them: `next` to the natural next, `back` to the previous
///   step, `goto` to its step; `dismiss`, `snooze` and `complete` end the guide and `url` stays.
/// - answering a survey and finishing a checklist move to the natural next, whatever the buttons.
/// - `advance_on` moves to the natural next.
/// - a step with `when` may be skipped, which moves to the following step.
enum StepFlow {
    /// The positions of the steps reachable from the first one.
    static func reachable(_ steps: [Step], index: [String: Int]) -> Set<Int> {
        guard !steps.isEmpty else { return [] }
        var reached: Set<Int> = [0]
        var queue = [0]
        while let position = queue.popLast() {
            for next in successors(of: position, in: steps, index: index) where reached.insert(next).inserted {
                queue.append(next)
            }
        }
        return reached
    }

    static func successors(of position: Int, in steps: [Step], index: [String: Int]) -> [Int] {
        let step = steps[position]
        let following = position + 1 < steps.count ? [position + 1] : []
        var natural = step.next.compactMap { index[$0.goto.value] }
        if !step.next.contains(where: { $0.when == nil }) { natural += following }
        var result: [Int] = []
        if step.buttons.isEmpty { result += natural }
        for button in step.buttons {
            switch button.action {
            case .next: result += natural
            case .back: if position > 0 { result.append(position - 1) }
            case .goto(let target): if let target = index[target.value] { result.append(target) }
            case .dismiss, .snooze, .complete, .url: break
            }
        }
        if step.advanceOn != nil || step.kind.value == .survey || step.kind.value == .checklist { result += natural }
        if step.when != nil { result += following }
        return result
    }
}
