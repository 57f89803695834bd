import GRDB

extension GRDBPoolStore: ResourceServerRepository {
    func create(_ server: ResourceServerRecord) async throws -> Bool {
        try await write { db in
            guard try ResourceServerRow.fetchOne(db, key: Self.key(server.poolId, server.identifier)) == nil else { return false }
            try ResourceServerRow(server).insert(db)
            return true
        }
    }

    func resourceServer(poolID: String, identifier: String) async throws -> ResourceServerRecord? {
        try await read { db in try ResourceServerRow.fetchOne(db, key: Self.key(poolID, identifier))?.value }
    }

    func resourceServers(poolID: String) async throws -> [ResourceServerRecord] {
        try await read { db in
            try ResourceServerRow.filter(Column("poolId") == poolID).order(Column("identifier")).fetchAll(db).map(\.value)
        }
    }

    func update(_ server: ResourceServerRecord) async throws -> Bool {
        try await write { db in
            guard try ResourceServerRow.fetchOne(db, key: Self.key(server.poolId, server.identifier)) != nil else { return false }
            try ResourceServerRow(server).update(db)
            return true
        }
    }

    func deleteResourceServer(poolID: String, identifier: String) async throws -> Bool {
        try await write { db in try ResourceServerRow.deleteOne(db, key: Self.key(poolID, identifier)) }
    }

    private static func key(_ poolID: String, _ identifier: String) -> [String: any DatabaseValueConvertible] {
        ["poolId": poolID, "identifier": identifier]
    }
}
