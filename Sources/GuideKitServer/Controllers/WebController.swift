import Foundation
import Hummingbird

/// `GET /sdk/guidekit.js` (the web SDK as an ES module), `GET /sdk/guidekit.global.js` (the same code as a
/// classic script that sets `window.GuideKit`), and, with `--demo`, the "Acme Projects" demo app on the page
/// paths the example guides target.
struct WebController<Context: RequestContext> {
    let services: ServerServices

    /// The page paths the demo app answers with its single page (the app routes them itself), in the router's
    /// `:name` form.
    static var demoPages: [String] {
        APIRoutes.demo.map(\.path).filter { !$0.hasPrefix("/demo/") }.map {
            $0.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        }
    }

    func addRoutes(to router: Router<Context>) {
        router.get("/sdk/guidekit.js", use: module)
        router.get("/sdk/guidekit.global.js", use: classic)
        guard services.configuration.demo else { return }
        router.get("/demo/app.js") { request, _ in
            try asset(WebAssets.demoScript, "text/javascript; charset=utf-8", request: request)
        }
        router.get("/demo/app.css") { request, _ in
            try asset(WebAssets.demoStyle, "text/css; charset=utf-8", request: request)
        }
        for page in Self.demoPages {
            router.get(RouterPath(page)) { request, _ in
                try asset(WebAssets.demoPage, "text/html; charset=utf-8", request: request, cache: false)
            }
        }
    }

    /// The SDK as an ES module, importable from any origin.
    @Sendable func module(_ request: Request, context: Context) async throws -> Response {
        try asset(WebAssets.sdkModule, "text/javascript; charset=utf-8", request: request, anyOrigin: true)
    }

    /// The SDK as a classic script.
    @Sendable func classic(_ request: Request, context: Context) async throws -> Response {
        try asset(WebAssets.sdkClassic, "text/javascript; charset=utf-8", request: request, anyOrigin: true)
    }

    /// A static asset with an ETag, answered `304` when the browser has it.
    private func asset(
        _ asset: WebAssets.Asset?,
        _ contentType: String,
        request: Request,
        anyOrigin: Bool = false,
        cache: Bool = true
    ) throws -> Response {
        guard let asset else {
            throw APIError.notFound("this build of guidekit has no such file")
        }
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.eTag] = asset.etag
        headers[.cacheControl] = cache ? "public, max-age=300" : "no-cache"
        headers[.xContentTypeOptions] = "nosniff"
        if anyOrigin {
            // A module script from another origin is fetched in CORS mode: the SDK is public, so any origin.
            headers[.accessControlAllowOrigin] = "*"
            headers[.crossOriginResourcePolicy] = "cross-origin"
        }
        if request.headers[.ifNoneMatch] == asset.etag {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}

/// The web files bundled with the server: the SDK and the demo app, read once.
enum WebAssets {
    /// A file's bytes and its entity tag.
    struct Asset: Sendable {
        let bytes: [UInt8]
        let etag: String

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            // FNV-1a over the bytes: enough to tell versions of one file apart.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            etag = "\"\(String(hash, radix: 16))-\(bytes.count)\""
        }
    }

    static let sdkModule = read("guidekit", "js", in: "sdk")
    static let sdkClassic = sdkModule.map { Asset(classicScript(from: $0.bytes)) }
    static let demoPage = read("index", "html", in: "demo")
    static let demoScript = read("app", "js", in: "demo")
    static let demoStyle = read("app", "css", in: "demo")

    private static func read(_ name: String, _ ext: String, in folder: String) -> Asset? {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: folder),
            let data = try? Data(contentsOf: url)
        else { return nil }
        return Asset(Array(data))
    }

    /// The module as a classic script: its `export` lines become `window.GuideKit = GuideKit`, inside a function
    /// so its names stay out of the page's global scope.
    static func classicScript(from module: [UInt8]) -> [UInt8] {
        let text = String(decoding: module, as: UTF8.self)
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.hasPrefix("export ") {
            lines.append(line)
        }
        let body = lines.joined(separator: "\n")
        return Array("(function () {\n\"use strict\";\n\(body)\nwindow.GuideKit = GuideKit;\n})();\n".utf8)
    }
}
