/// A word or a number of a text, with its byte span in the original.
public struct Token: Sendable, Hashable {
    public enum Kind: String, Sendable { case word, number }

    public let kind: Kind
    /// The token as it reads in the view it was taken from (lower case in the folded and normalized views).
    public let text: String
    /// UTF-8 byte offsets into the original text, half-open.
    public let start: Int
    public let end: Int
}

/// Splits text into Unicode words and numbers.
///
/// A word is a run of letters and combining marks; a number is a run of digits, with `.` or `,` between digits
/// kept inside it ("3.000,50"). Han, kana and Hangul have no spaces between words, so each of their characters is a
/// token of its own (a unigram), which is what n-gram features over Chinese need. Everything else separates
/// tokens.
public enum Tokenizer {
    /// The tokens of `view`, with spans mapped back to the original text.
    public static func tokens(in view: TextView) -> [Token] {
        tokens(in: view.text).map { token in
            let span = view.originalSpan(start: token.start, end: token.end)
            return Token(kind: token.kind, text: token.text, start: span.start, end: span.end)
        }
    }

    /// The tokens of `text`, with spans into `text`.
    public static func tokens(in text: String) -> [Token] {
        var tokens: [Token] = []
        var scalars: [(Unicode.Scalar, Int)] = []
        var offset = 0
        for scalar in text.unicodeScalars {
            scalars.append((scalar, offset))
            offset += UTF8.width(scalar)
        }
        let length = offset
        func byteOffset(_ index: Int) -> Int { index < scalars.count ? scalars[index].1 : length }
        func emit(_ kind: Token.Kind, _ from: Int, _ to: Int) {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[from..<to].map(\.0))
            tokens.append(Token(kind: kind, text: String(view), start: byteOffset(from), end: byteOffset(to)))
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index].0
            if isIdeographic(scalar) {
                var end = index + 1
                while end < scalars.count && isMark(scalars[end].0) { end += 1 }
                emit(.word, index, end)
                index = end
            } else if isDigit(scalar) {
                var end = index + 1
                while end < scalars.count {
                    if isDigit(scalars[end].0) {
                        end += 1
                    } else if (scalars[end].0 == "." || scalars[end].0 == ","), end + 1 < scalars.count, isDigit(scalars[end + 1].0) {
                        end += 2
                    } else {
                        break
                    }
                }
                emit(.number, index, end)
                index = end
            } else if scalar.properties.isAlphabetic {
                var end = index + 1
                while end < scalars.count {
                    let next = scalars[end].0
                    guard (next.properties.isAlphabetic || isMark(next)) && !isIdeographic(next) && !isDigit(next) else { break }
                    end += 1
                }
                emit(.word, index, end)
                index = end
            } else {
                index += 1
            }
        }
        return tokens
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.numericType == .decimal
    }

    /// Scripts written without spaces between words: Han, Hiragana, Katakana, Hangul.
    static func isIdeographic(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
