import Foundation

/// Number and duration formatting shared by the renderers.
enum ReportFormatting {
    /// The step order an entry counts against: `v3`, or `v1 (steps of variant recipe-modal)`.
    static func orderName(_ guide: GuideVersionReport) -> String {
        "v\(guide.version)" + (guide.stepVariant.map { " (steps of variant \($0))" } ?? "")
    }

    /// `1,234,567`.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (position, character) in digits.enumerated() {
            if position > 0, (digits.count - position) % 3 == 0 { out += "," }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    /// `12.3%`, or `–` for no value.
    static func percent(_ value: Double?, digits: Int = 1) -> String {
        guard let value else { return "–" }
        return String(format: "%.\(digits)f%%", value * 100)
    }

    /// `8.5s`, `1m 20s`, `2h 05m`, `3d 4h`, or `–`.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "–" }
        if seconds < 60 {
            return seconds == seconds.rounded() ? "\(Int(seconds))s" : String(format: "%.1fs", seconds)
        }
        let whole = Int(seconds.rounded())
        if whole < 3_600 { return "\(whole / 60)m \(String(format: "%02d", whole % 60))s" }
        if whole < 86_400 { return "\(whole / 3_600)h \(String(format: "%02d", whole % 3_600 / 60))m" }
        return "\(whole / 86_400)d \(whole % 86_400 / 3_600)h"
    }

    /// A window in the duration notation (`7d`), or `none`.
    static func window(_ seconds: Int) -> String {
        if seconds == 0 { return "none" }
        return seconds % 86_400 == 0 ? "\(seconds / 86_400)d" : GuideDuration(seconds: seconds).description
    }

    /// A bar of eighth blocks, `width` cells for 100%.
    static func bar(_ fraction: Double?, width: Int) -> String {
        guard let fraction, fraction > 0 else { return "" }
        let eighths = Int((min(1, fraction) * Double(width * 8)).rounded())
        let blocks = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + blocks[eighths % 8]
    }
}
