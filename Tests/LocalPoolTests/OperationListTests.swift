import Foundation
import Testing

@testable import LocalPool

/// The README lists every operation the pool serves, and says nothing of one it does not.
struct OperationListTests {
    @Test func theReadmeNamesEveryOperation() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        // The paragraph that starts there (up to the first blank line).
        let start = try #require(readme.range(of: "The cognito-idp JSON API")?.lowerBound)
        let section = String(readme[start..<(readme[start...].range(of: "\n\n")?.lowerBound ?? readme.endIndex)])
        let served = Set(CognitoAPI.handlers.keys)
        #expect(served.count >= 50)
        for operation in served.sorted() {
            #expect(section.range(of: #"\b\#(operation)\b"#, options: .regularExpression) != nil, "\(operation) is not in the README")
        }
    }
}
