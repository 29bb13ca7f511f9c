/// Finds shouting: capitals, runs of exclamation marks, dense emoji.
enum Shouting {
    /// The span to show as evidence (the whole text, or its first exclamation or emoji run), or nil when calm.
    static func find(in text: String) -> (start: Int, end: Int)? {
        var letters = 0
        var capitals = 0
        var exclamations = 0
        var emoji = 0
        var characters = 0
        var firstLoud: Int?
        var offset = 0
        for scalar in text.unicodeScalars {
            characters += 1
            if scalar == "!" || scalar == "\u{FF01}" {
                exclamations += 1
                if firstLoud == nil { firstLoud = offset }
            } else if isEmojiLike(scalar) && scalar.properties.isEmojiPresentation {
                emoji += 1
                if firstLoud == nil { firstLoud = offset }
            } else if scalar.isASCII {
                // ASCII without the Unicode property tables: most of most texts.
                let value = scalar.value
                if value >= 0x41 && value <= 0x5A {
                    letters += 1
                    capitals += 1
                } else if value >= 0x61 && value <= 0x7A {
                    letters += 1
                }
            } else if scalar.properties.isAlphabetic {
                letters += 1
                if scalar.properties.isUppercase { capitals += 1 }
            }
            offset += UTF8.width(scalar)
        }
        let length = text.utf8.count
        if letters >= 20 && capitals * 2 >= letters { return (0, length) }
        let loudEmoji = emoji >= 3 && emoji * 50 >= characters
        guard exclamations >= 3 || loudEmoji, let start = firstLoud else { return nil }
        // Point at the first loud character: the whole text is the evidence, but the span must be a slice.
        let scalar = text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: start)...]
        let width = scalar.first.map { $0 >= 0xF0 ? 4 : $0 >= 0xE0 ? 3 : $0 >= 0xC0 ? 2 : 1 } ?? 1
        return (start, min(start + width, length))
    }
}
