import Hummingbird

/// `HummingbirdCeiling PORT SHOWN_BYTES NONE_BYTES`: answers `POST /v1/decide` as the benchmark's users get
/// it from `guidekit serve` (even ids an answer of SHOWN_BYTES bytes, odd ids one of NONE_BYTES), with
/// constant bodies: the cost of the framework alone (HTTP, routing, collecting the body, writing the answer).
let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
guard arguments.count == 3 else {
    fatalError("usage: HummingbirdCeiling PORT SHOWN_BYTES NONE_BYTES")
}

/// A JSON object of exactly `size` bytes (at least 11), newline included.
func answer(_ size: Int) -> ByteBuffer {
    ByteBuffer(string: "{\"pad\":\"" + String(repeating: "x", count: max(0, size - 11)) + "\"}\n")
}

let shown = answer(arguments[1])
let none = answer(arguments[2])
let router = Router()
router.post("/v1/decide") { request, _ -> Response in
    let body = try await request.body.collect(upTo: 64 * 1024)
    // The id is the only run of digits in the benchmark's body: its last digit picks the answer.
    let last = body.readableBytesView.last { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? 0
    return Response(
        status: .ok,
        headers: [.contentType: "application/json"],
        body: .init(byteBuffer: last % 2 == 0 ? shown : none)
    )
}
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: arguments[0]), serverName: "GuideKit")
)
try await app.runService()
