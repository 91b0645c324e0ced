/// JSON string literals for every renderer that writes JSON by hand (lint findings, reports, selections,
/// condition traces), so they all escape text the same way.
package enum JSONString {
    /// `text` as a JSON string literal: quotes, backslashes and control characters escaped (RFC 8259).
    ///
    /// - Parameter text: any text.
    /// - Returns: the literal, quotes included.
    package static func quoted(_ text: String) -> String {
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
