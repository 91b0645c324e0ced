import Foundation

extension UserState {
    /// Reads a JSON Lines state of the common shape straight from its bytes, without building a
    /// ``SourceNode`` tree first; `nil` when the line is anything else.
    ///
    /// A population's lines are read millions at a time, so the usual line (strings without escapes, known
    /// fields each once, values of the types the format and the catalog give them) is read here in one pass.
    /// Anything else (an escape, a duplicate or unknown key, a number where text is read, a value of the
    /// wrong type, bad JSON) gives `nil`, and the general reader, ``init(_:catalog:)``, reads the line: the
    /// state it gives, or the error with its place and fix. A state read here equals the one the general
    /// reader gives for the same line.
    ///
    /// - Parameters:
    ///   - line: the line's bytes.
    ///   - catalog: the types attributes must have.
    /// - Returns: the state, or `nil` to leave the line to the general reader.
    static func fastReading(jsonLine line: UnsafeBufferPointer<UInt8>, catalog: Catalog?) -> UserState? {
        var scanner = FastStateScanner(bytes: line)
        guard let state = scanner.state(catalog: catalog) else { return nil }
        scanner.skipSpace()
        return scanner.index == line.count ? state : nil
    }
}
