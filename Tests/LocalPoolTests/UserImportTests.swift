import Foundation
import GatehouseCore
import Testing

@testable import LocalPool

/// The import file's CSV and rules, and jobs kept in the pool's file across a restart.
struct UserImportTests {
    @Test func csvRecordsWithQuotesLineBreaksAndBlankLines() throws {
        let text = "\u{FEFF}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n,,\r\nlast,\"\",end"
        let records = try CSVReader.records(Array(text.utf8))
        #expect(records.map(\.line) == [1, 2, 5, 6])
        #expect(records.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["", "", ""], ["last", "", "end"]])
    }

    @Test(arguments: [
        ("a,\"open\n", CSVReader.Failure.unterminatedQuote(line: 1)), ("a,\"closed\"x\n", .textAfterQuote(line: 1)),
    ])
    func malformedQuotingRefusesTheFile(_ text: String, _ failure: CSVReader.Failure) {
        #expect(throws: failure) { try CSVReader.records(Array(text.utf8)) }
    }

    @Test func aFileThatIsNotUTF8IsRefused() {
        #expect(throws: CSVReader.Failure.notUTF8) { try CSVReader.records([0x61, 0xFF, 0x0A]) }
    }

    @Test func rowsAreCheckedOneByOne() throws {
        let columns: Set<String> = ["email", "email_verified", "phone_number", "phone_number_verified", "cognito:mfa_enabled", "cognito:username"]
        let csv = """
            cognito:username,email,email_verified,cognito:mfa_enabled,phone_number,phone_number_verified
            ana,ana@example.com,true,false,,
            ben,,,false,+15555550100,true
            cy,cy@example.com,false,false,,
            dee,dee@example.com,TRUE,false,,
            eve,eve@example.com,true,true,,
            ,x@example.com,true,false,,
            frank,frank@example.com,true
            """
        let plan = try UserImportRules.plan(Array(csv.utf8), columns: columns).get()
        #expect(plan.users.map(\.username) == ["ana", "ben"])
        #expect(plan.users[0].attributes == [.init(name: "email", value: "ana@example.com"), .init(name: "email_verified", value: "true")])
        #expect(plan.failures.map(\.line) == [4, 5, 6, 7, 8])
        #expect(plan.failures[0].reason == "The user needs a verified email or phone number to get the code that sets a password.")
        #expect(plan.failures[4].reason == "The row has 3 cells; the header has 6.")
    }

    @Test(arguments: [
        "cognito:username,email_verified\n", "cognito:username,cognito:mfa_enabled,email\n",
        "cognito:username,cognito:mfa_enabled,email_verified,shoe_size\n",
        "cognito:username,cognito:mfa_enabled,email_verified,email_verified\n", "",
    ])
    func aBadHeaderRefusesTheFile(_ csv: String) {
        let columns: Set<String> = ["email", "email_verified", "cognito:mfa_enabled", "cognito:username"]
        #expect(throws: LocalPoolError.self) { try UserImportRules.plan(Array(csv.utf8), columns: columns).get() }
    }

    @Test func jobsAreKeptAcrossARestartAndImportOnce() async throws {
        let fixture = try PoolFixture(backing: .file)
        let pool = try await fixture.service.pools.createPool(name: "p")
        let imports = fixture.service.imports
        let job = try await imports.createJob(poolID: pool.id, name: "old system", roleArn: "arn:aws:iam::123456789012:role/Import")
        let url = imports.preSignedURL(job)
        let token = try #require(url.split(separator: "token=").last.map(String.init))
        #expect(token == job.uploadToken && token.count >= 43)
        let csv = Data("cognito:username,cognito:mfa_enabled,email,email_verified\nana,false,ana@example.com,true\n".utf8)
        guard case .forbidden = try await imports.upload(jobID: job.jobId, token: token + "x", csv: csv) else {
            Issue.record("a wrong token was accepted")
            return
        }
        guard case .stored = try await imports.upload(jobID: job.jobId, token: token, csv: csv) else {
            Issue.record("the right token was refused")
            return
        }
        let restarted = try PoolFixture(directory: fixture.directory)
        #expect(restarted.service.imports.preSignedURL(try await restarted.service.imports.job(poolID: pool.id, id: job.jobId)) == url)
        let ended = try await restarted.service.imports.start(poolID: pool.id, id: job.jobId)
        #expect((ended.status, ended.imported, ended.failed, ended.csv) == ("Succeeded", 1, 0, nil))
        #expect(try await restarted.service.users.user(poolID: pool.id, username: "ana").status == .resetRequired)
        #expect(try await restarted.service.imports.jobs(poolID: pool.id) == [ended])
        guard case .conflict = try await restarted.service.imports.upload(jobID: job.jobId, token: token, csv: csv) else {
            Issue.record("an ended job took a file")
            return
        }
    }
}
