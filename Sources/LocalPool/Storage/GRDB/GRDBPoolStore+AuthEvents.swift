import GRDB

extension GRDBPoolStore: AuthEventRepository {
    func record(_ event: AuthEventRecord) async throws {
        try await write { db in
            let mine = AuthEventRow.filter(Column("poolId") == event.poolId && Column("username") == event.username)
            guard try UserRow.filter(Column("poolId") == event.poolId && Column("username") == event.username).fetchCount(db) > 0 else {
                return
            }
            try AuthEventRow(event).insert(db)
            // The oldest past the limit go.
            let excess = try mine.fetchCount(db) - AuthEventRecord.keptPerUser
            if excess > 0 {
                let oldest = try mine.order(Column("rowid")).limit(excess).fetchAll(db).map(\.value.eventId)
                _ = try AuthEventRow.filter(oldest.contains(Column("eventId"))).deleteAll(db)
            }
        }
    }

    func authEvents(poolID: String, username: String) async throws -> [AuthEventRecord] {
        try await read { db in
            try AuthEventRow.filter(Column("poolId") == poolID && Column("username") == username)
                .order(Column("rowid").desc).fetchAll(db).map(\.value)
        }
    }

    func setFeedback(_ feedback: AuthEventRecord.Feedback, poolID: String, username: String, id: String) async throws -> Bool {
        try await write { db in
            let filter = AuthEventRow.filter(Column("eventId") == id && Column("poolId") == poolID && Column("username") == username)
            guard var event = try filter.fetchOne(db)?.value else { return false }
            event.feedback = feedback
            try AuthEventRow(event).update(db)
            return true
        }
    }
}
