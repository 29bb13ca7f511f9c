/// A boolean expression over rule ids, as written in a meta rule.
///
/// Grammar, loosest first: `expr := and ('||' and)*`, `and := unary ('&&' unary)*`,
/// `unary := '!' unary | ID | '(' expr ')' | N 'of' '(' ID (',' ID)* ')'`.
public indirect enum MetaExpression: Sendable, Hashable, CustomStringConvertible {
    case rule(String)
    case not(MetaExpression)
    case and([MetaExpression])
    case or([MetaExpression])
    /// True when at least `count` of the listed rules fire.
    case atLeast(Int, [String])

    /// Every rule id the expression names.
    public var operands: [String] {
        switch self {
        case .rule(let id): return [id]
        case .not(let inner): return inner.operands
        case .and(let terms), .or(let terms): return terms.flatMap(\.operands)
        case .atLeast(_, let ids): return ids
        }
    }

    /// Evaluates the expression; `fires` tells whether a rule id fired.
    public func evaluate(_ fires: (String) -> Bool) -> Bool {
        switch self {
        case .rule(let id): return fires(id)
        case .not(let inner): return !inner.evaluate(fires)
        case .and(let terms): return terms.allSatisfy { $0.evaluate(fires) }
        case .or(let terms): return terms.contains { $0.evaluate(fires) }
        case .atLeast(let count, let ids): return ids.lazy.filter(fires).count >= count
        }
    }

    public var description: String {
        switch self {
        case .rule(let id): return id
        case .not(let inner): return "!\(inner.parenthesized)"
        case .and(let terms): return terms.map(\.parenthesized).joined(separator: " && ")
        case .or(let terms): return terms.map(\.parenthesized).joined(separator: " || ")
        case .atLeast(let count, let ids): return "\(count) of (\(ids.joined(separator: ", ")))"
        }
    }

    private var parenthesized: String {
        switch self {
        case .and, .or: return "(\(description))"
        default: return description
        }
    }
}

/// Why a meta expression did not parse: a message and the 0-based character offset in the expression.
public struct MetaParseError: Error, Sendable, Equatable {
    public let message: String
    public let offset: Int
}

extension MetaExpression {
    /// Parses a meta expression such as `A && (B || !C)` or `2 of (A, B, C)`.
    public static func parse(_ source: String) throws(MetaParseError) -> MetaExpression {
        var parser = MetaParser(tokens: try MetaToken.tokenize(source), sourceLength: source.unicodeScalars.count)
        let expression = try parser.parseOr()
        if let extra = parser.peek {
            throw MetaParseError(message: "unexpected '\(extra.text)'", offset: extra.offset)
        }
        return expression
    }
}

struct MetaToken: Equatable {
    enum Kind: Equatable { case identifier, number, and, or, not, open, close, comma, of }
    let kind: Kind
    let text: String
    let offset: Int

    /// The tokens of `source`; offsets count Unicode scalars (the same as characters in the ASCII a valid
    /// expression is written in).
    static func tokenize(_ source: String) throws(MetaParseError) -> [MetaToken] {
        let scalars = Array(source.unicodeScalars)
        func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
        }
        var tokens: [MetaToken] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let start = index
            if scalar.properties.isWhitespace {
                index += 1
                continue
            }
            func twoCharacter(_ second: Unicode.Scalar, _ kind: Kind) throws(MetaParseError) {
                guard index + 1 < scalars.count, scalars[index + 1] == second else {
                    throw MetaParseError(message: "expected '\(scalar)\(second)'", offset: start)
                }
                tokens.append(MetaToken(kind: kind, text: "\(scalar)\(second)", offset: start))
                index += 2
            }
            func single(_ kind: Kind) {
                tokens.append(MetaToken(kind: kind, text: String(scalar), offset: start))
                index += 1
            }
            switch scalar {
            case "&": try twoCharacter("&", .and)
            case "|": try twoCharacter("|", .or)
            case "!": single(.not)
            case "(": single(.open)
            case ")": single(.close)
            case ",": single(.comma)
            default:
                guard isWordScalar(scalar) else {
                    // Name the whole character (a letter with its accents), as the author sees it.
                    let character = String(String.UnicodeScalarView(scalars[start...]).prefix(1))
                    throw MetaParseError(message: "unexpected character '\(character)'", offset: start)
                }
                while index < scalars.count, isWordScalar(scalars[index]) { index += 1 }
                let word = String(String.UnicodeScalarView(scalars[start..<index]))
                let kind: Kind = word.utf8.allSatisfy { (48...57).contains($0) } ? .number : (word == "of" ? .of : .identifier)
                tokens.append(MetaToken(kind: kind, text: word, offset: start))
            }
        }
        return tokens
    }
}

struct MetaParser {
    let tokens: [MetaToken]
    let sourceLength: Int
    var position = 0

    var peek: MetaToken? { position < tokens.count ? tokens[position] : nil }

    mutating func next() -> MetaToken? {
        defer { position += 1 }
        return peek
    }

    mutating func expect(_ kind: MetaToken.Kind, _ what: String) throws(MetaParseError) -> MetaToken {
        guard let token = peek, token.kind == kind else {
            throw MetaParseError(message: "expected \(what)", offset: peek?.offset ?? sourceLength)
        }
        position += 1
        return token
    }

    mutating func parseOr() throws(MetaParseError) -> MetaExpression {
        var terms = [try parseAnd()]
        while peek?.kind == .or {
            position += 1
            terms.append(try parseAnd())
        }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    mutating func parseAnd() throws(MetaParseError) -> MetaExpression {
        var terms = [try parseUnary()]
        while peek?.kind == .and {
            position += 1
            terms.append(try parseUnary())
        }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    mutating func parseUnary() throws(MetaParseError) -> MetaExpression {
        guard let token = next() else {
            throw MetaParseError(message: "expected a rule id, '!', '(' or 'N of (…)'", offset: sourceLength)
        }
        switch token.kind {
        case .not:
            return .not(try parseUnary())
        case .identifier:
            return .rule(token.text)
        case .open:
            let inner = try parseOr()
            _ = try expect(.close, "')'")
            return inner
        case .number:
            _ = try expect(.of, "'of' after a count")
            _ = try expect(.open, "'(' after 'of'")
            var ids = [try expect(.identifier, "a rule id").text]
            while peek?.kind == .comma {
                position += 1
                ids.append(try expect(.identifier, "a rule id").text)
            }
            _ = try expect(.close, "')'")
            return .atLeast(Int(token.text) ?? 0, ids)
        default:
            throw MetaParseError(message: "unexpected '\(token.text)'", offset: token.offset)
        }
    }
}
