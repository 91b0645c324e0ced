import Hummingbird

/// JSON responses from text the routes render.
enum JSONResponse {
    /// A JSON response; a newline is added.
    static func ok(
        _ json: String,
        status: HTTPResponse.Status = .ok,
        contentType: String = "application/json"
    )
        -> Response
    {
        let headers = contentType == "application/json" ? jsonHeaders : [.contentType: contentType]
        var buffer = ByteBuffer()
        buffer.reserveCapacity(json.utf8.count + 1)
        buffer.writeString(json)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }

    /// The headers of a JSON answer, made once.
    private static let jsonHeaders: HTTPFields = [.contentType: "application/json"]
}
