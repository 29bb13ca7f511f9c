import Testing

@testable import RedFlag

@Suite struct MetaExpressionTests {
    @Test(arguments: [
        ("A && B || C", "(A && B) || C"),
        ("A && (B || C)", "A && (B || C)"),
        ("!A && B", "!A && B"),
        ("!(A || B)", "!(A || B)"),
        ("2 of (A, B, C)", "2 of (A, B, C)"),
        ("A || 1 of (B, __C) && !D", "A || (1 of (B, __C) && !D)"),
    ])
    func parsesWithPrecedence(_ source: String, _ expected: String) throws {
        let expression = try MetaExpression.parse(source)
        #expect(expression.description.replacingOccurrences(of: "((", with: "(") == expected || expression.description == expected)
        #expect(try MetaExpression.parse(expression.description) == expression)
    }

    @Test(arguments: [
        ("A &&", 4), ("A & B", 2), ("(A || B", 7), ("2 of A", 5), ("A B", 2), ("A + B", 2), ("", 0), ("2 of (A,)", 8),
    ])
    func reportsWhereParsingFailed(_ source: String, _ offset: Int) {
        do {
            _ = try MetaExpression.parse(source)
            Issue.record("'\(source)' parsed")
        } catch {
            #expect(error.offset == offset, "\(error.message)")
        }
    }

    @Test func evaluatesTruthTable() throws {
        let expression = try MetaExpression.parse("(A || B) && !C")
        for a in [false, true] {
            for b in [false, true] {
                for c in [false, true] {
                    let fired = ["A": a, "B": b, "C": c]
                    #expect(expression.evaluate { fired[$0]! } == ((a || b) && !c))
                }
            }
        }
    }

    @Test func atLeastCountsFiredRules() throws {
        let expression = try MetaExpression.parse("2 of (A, B, C)")
        #expect(!expression.evaluate { $0 == "A" })
        #expect(expression.evaluate { $0 == "A" || $0 == "C" })
        #expect(expression.evaluate { _ in true })
        #expect(expression.operands == ["A", "B", "C"])
    }
}
