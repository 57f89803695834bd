import LocalPool
import Testing

/// A pool's `LambdaConfig`: which ARNs name a Lambda function, and what is stored.
struct LambdaTriggersTests {
    @Test func onlyLambdaFunctionARNsAreFunctions() {
        #expect(LambdaTriggers.functionName(of: "arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up") == "pre-sign-up")
        #expect(LambdaTriggers.functionName(of: "arn:aws:lambda:eu-west-3:123456789012:function:My_Fn:live") == "My_Fn")
        #expect(LambdaTriggers.functionName(of: "arn:aws-cn:lambda:cn-north-1:123456789012:function:f") == "f")
        for arn in [
            "arn:aws:sns:us-east-1:123456789012:topic",
            "arn:aws:lambda:us-east-1:12345678901:function:eleven-digits",
            "arn:aws:lambda:us-east-1:123456789012:layer:name",
            "arn:aws:lambda:us-east-1:123456789012:function:",
            "arn:aws:lambda:us-east-1:123456789012:function:a/b",
            "arn:aws:lambda:us-east-1:123456789012:function:a:b:c",
            "arn:aws:lambda:US-EAST-1:123456789012:function:f",
            "arn:aws:lambda:us-east-1:123456789012:function:" + String(repeating: "f", count: 65),
            "arn:aws:lambda:us-east-1:123456789012:function:f\u{0}",
            "arn:aws:lambda::123456789012:function:f",
        ] {
            #expect(LambdaTriggers.functionName(of: arn) == nil, "\(arn)")
        }
    }

    @Test func theTokenTriggerIsOneFunctionAndAnEmptyConfigIsNone() throws {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:tokens"
        var triggers = LambdaTriggers()
        #expect(try triggers.checked() == nil)
        triggers.preTokenGenerationConfig = .init(lambdaVersion: "V3_0", lambdaArn: arn)
        let stored = try #require(try triggers.checked())
        #expect(stored.preTokenGeneration == arn)
        #expect(stored.tokenGeneration?.version == "V3_0")
        triggers.preTokenGenerationConfig = .init(lambdaVersion: "V4_0", lambdaArn: arn)
        #expect(throws: LocalPoolError.self) { try triggers.checked() }
        triggers.preTokenGenerationConfig = .init(lambdaVersion: "V1_0", lambdaArn: arn)
        triggers.preTokenGeneration = arn.replacing("tokens", with: "other")
        #expect(throws: LocalPoolError.self) { try triggers.checked() }
        triggers = LambdaTriggers()
        triggers.preTokenGeneration = arn
        #expect(try triggers.checked()?.tokenGeneration?.version == "V1_0")
    }
}
