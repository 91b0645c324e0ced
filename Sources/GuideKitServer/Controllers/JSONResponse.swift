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
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json + "\n")))
    }
}
