import GRDB
import GRDBSQLite

/// The event insert of ``SQLiteCommitQueue``, bound and stepped with the SQLite C API on GRDB's cached statement.
///
/// A commit inserts every event of its changes one row at a time; through `Statement.execute(arguments:)` each row
/// built a `StatementArguments` of boxed values and GRDB's checks around the step, which cost as much as SQLite's
/// own insert. Here the ten values are bound straight from the event (SQLite copies the text) and the statement
/// is stepped once: an insert that returns no rows and fires no observers GRDB would need to hear of.
struct SQLiteEventInsert {
    private static let sql = """
        INSERT INTO event (id, user, time, type, guide, version, step, variant, name, line)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
        """
    /// SQLite copies bound text before the bind returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    private let statement: Statement
    private let database: Database

    /// The insert, prepared once per connection (GRDB's statement cache).
    init(_ database: Database) throws {
        self.database = database
        statement = try database.cachedStatement(sql: Self.sql)
    }

    /// Inserts the event unless its id is stored already.
    ///
    /// - Returns: whether a row was inserted (`false`: the id is a duplicate).
    /// - Throws: `DatabaseError` when SQLite fails.
    func insert(_ event: StoredEvent) throws -> Bool {
        let handle = statement.sqliteStatement
        bind(event.id, at: 1)
        bind(event.user, at: 2)
        sqlite3_bind_double(handle, 3, event.time)
        bind(event.type, at: 4)
        bind(event.guide, at: 5)
        if let version = event.version {
            sqlite3_bind_int64(handle, 6, Int64(version))
        } else {
            sqlite3_bind_null(handle, 6)
        }
        bind(event.step, at: 7)
        bind(event.variant, at: 8)
        bind(event.name, at: 9)
        bind(event.line, at: 10)
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: database.lastErrorMessage,
                sql: Self.sql
            )
        }
        return database.changesCount > 0
    }

    private func bind(_ text: String?, at index: Int32) {
        let handle = statement.sqliteStatement
        guard var text else {
            sqlite3_bind_null(handle, index)
            return
        }
        text.withUTF8 { bytes in
            // An empty buffer may have no address, which SQLite would bind as NULL: bind an empty text instead.
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                _ = sqlite3_bind_text(handle, index, "", 0, Self.transient)
                return
            }
            base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                _ = sqlite3_bind_text(handle, index, $0, Int32(bytes.count), Self.transient)
            }
        }
    }
}
