import Foundation

/// Writes realistic guide files for benchmarks and load tests: every kind of step, buttons, branches,
/// skipped steps, checklists, surveys, variants and translations, all valid against the project file it
/// also writes.
package enum GuideGenerator {
    /// The events the generated guides use, declared by ``project(locales:)``.
    package static let events = [
        "project_created", "invite_sent", "report_viewed", "integration_connected", "billing_opened",
    ]

    /// The project file the generated guides lint cleanly against.
    ///
    /// - Parameter locales: the locales the guides translate.
    /// - Returns: the YAML text of `guidekit.yaml`.
    package static func project(locales: [String] = ["en", "ja"]) -> String {
        var text = """
            default_locale: en
            locales: [\(locales.joined(separator: ", "))]
            throttle: 1d
            attributes:
              plan: {type: string, values: [free, pro, team]}
              signed_up_at: {type: timestamp}
              roles: {type: list}
            account_attributes:
              seats: {type: number}
            events:

            """
        for event in events { text += "  \(event): {description: \(event.replacingOccurrences(of: "_", with: " "))}\n" }
        text += """
            segments:
              paying: {user.plan: {$in: [pro, team]}}
            groups:
              beta: [u-1, u-2, u-3]

            """
        return text
    }

    /// One guide of `steps` steps (at least 2), numbered `number`.
    ///
    /// - Parameters:
    ///   - number: makes the id (`guide-0042`) and varies the content.
    ///   - steps: how many steps.
    /// - Returns: the file name and the YAML text.
    package static func guide(number: Int, steps: Int = 10) -> (name: String, yaml: String) {
        let id = "guide-" + String(repeating: "0", count: max(0, 4 - String(number).count)) + String(number)
        let event = events[number % events.count]
        var text = """
            # yaml-language-server: $schema=../Schemas/guide.schema.json
            id: \(id)
            name: "Guide \(number): getting started with projects"
            description: Shows new users how to create a project and invite their team.
            version: \(number % 7 + 1)
            status: \(number % 10 == 0 ? "draft" : "published")
            priority: \(number)
            tags: [onboarding, projects]
            audience:
              $and:
                - user.plan: {$in: [pro, team]}
                - user.signed_up_at: {$gt: "2026-01-01"}
            trigger:
              page: ["/projects/*", "/dashboard/**"]
            schedule:
              start: 2026-01-01
              end: 2026-12-31T23:59:59Z
            frequency: {max_shows: 3, cooldown: 7d, repeat_after_completion: false}
            rollout:
              percent: 50
              seed: \(id)-2026
              variants:
                - {id: control, weight: 50}
                - {id: treatment, weight: 50}
            goal: {event: \(event), within: 7d}
            steps:

            """
        let count = max(2, steps)
        for index in 1...count {
            text += step(index, of: count)
        }
        text += "locales:\n  ja:\n    steps:\n"
        for index in 1...count {
            text += "      step-\(index):\n        title: ステップ \(index)\n        body: 説明 \(index)\n"
            if index == count - 1 { text += "        items: {create: プロジェクトを作る, invite: 招待する}\n" }
        }
        return (id + ".yaml", text)
    }

    private static func step(_ index: Int, of count: Int) -> String {
        let id = "step-\(index)"
        let last = index == count
        var text = "  - id: \(id)\n"
        switch index {
        case count - 1:
            text += """
                    kind: checklist
                    title: Your first week
                    items:
                      - {id: create, label: Create a project, done_when: {events.project_created.count: {$gte: 1}}}
                      - {id: invite, label: Invite a teammate, done_when: {events.invite_sent.count: {$gte: 1}}}
                    buttons:
                      - {label: Continue, action: next}

                """
        case count:
            text += """
                    kind: survey
                    title: One last question
                    question: How likely are you to recommend us to a colleague?
                    scale: nps
                    buttons:
                      - {label: Send, action: complete}

                """
        case 3:
            text += """
                    kind: tooltip
                    title: Create a project
                    body: Click **New project** to start.
                    target: "#new-project"
                    placement: bottom
                    advance_on: {event: project_created}
                    next:
                      - {when: {user.roles: {$in: [admin]}}, goto: step-5}
                      - {goto: step-4}

                """
        case 4:
            text += """
                    kind: hotspot
                    title: Settings
                    body: Your settings live here.
                    target: ".settings-menu"
                    when: {user.plan: pro}
                    advance_on: {click: ".settings-menu"}

                """
        default:
            let kind = index == 1 ? "modal" : index % 2 == 0 ? "tooltip" : "banner"
            text += "    kind: \(kind)\n    title: Step \(index) of the tour\n"
            text += "    body: |\n      This is step **\(index)**.\n      It explains one thing.\n"
            if kind == "tooltip" { text += "    target: \"[data-tour=step-\(index)]\"\n    placement: auto\n" }
            text += "    buttons:\n"
            if index > 1 { text += "      - {label: Back, action: back}\n" }
            text += last ? "      - {label: Done, action: complete}\n" : "      - {label: Next, action: next}\n"
            text += "      - {label: Skip tour, action: dismiss}\n"
        }
        return text
    }
}
