/// Who made a request, by the key they showed.
public enum Caller: Sendable, Hashable {
    /// The backend, with the secret key: every route.
    case secret
    /// A browser, with the public key: decide, events and identify of one user.
    case browser
    /// No keys are configured: development mode, where every route is open (on loopback only).
    case development

    /// Whether the caller may use the secret routes (users, export, report, guides, explain).
    public var isTrusted: Bool { self != .browser }
}
