import Foundation

/// The API's OpenAPI 3.1 document (`Schemas/openapi.yaml`, bundled with the server).
public enum OpenAPIDocument {
    /// The YAML text.
    public static let text: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return "openapi: 3.1.0\ninfo: {title: GuideKit, version: unknown}\npaths: {}\n" }
        return text
    }()
}
