import Foundation
import Testing

@testable import RedFlag


@Suite struct NormalizerTests {
    let normalizer = Normalizer()

    func normalized(_ text: String) -> String { normalizer.views(of: text).normalized.text }

    @Test(arguments: [
        ("T e l e g r a m", "telegram"),
        ("t.e.l.e.g.r.a.m", "telegram"),
        ("T-E-L-E-G-R-A-M", "telegram"),
        ("te1egram", "telegram"),
        ("wh4tsapp", "whatsapp"),
        ("whats@pp", "whatsapp"),
        ("v1sa", "visa"),
        ("c0ntact", "contact"),
        ("t3l3gr4m", "telegram"),
        ("Tele\u{200B}gram", "telegram"),
        ("Tele\u{00AD}gram", "telegram"),
        ("\u{0422}\u{0435}l\u{0435}gram", "telegram"),
        ("\u{0422}\u{0415}LEGRAM", "telegram"),
        ("\u{FF34}\u{FF45}\u{FF4C}\u{FF45}\u{FF47}\u{FF52}\u{FF41}\u{FF4D}", "telegram"),
        ("\u{1D413}\u{1D41E}\u{1D425}\u{1D41E}\u{1D420}\u{1D42B}\u{1D41A}\u{1D426}", "telegram"),
        ("Tele🔥gram", "telegram"),
        ("T🔥e🔥l🔥e🔥g🔥r🔥a🔥m", "telegram"),
        ("W h a t s A p p", "whatsapp"),
        ("U$DT", "usdt"),
        ("r e c h a r g e z", "rechargez"),
    ])
    func seesThroughDisguises(_ disguised: String, _ plain: String) {
        #expect(normalized(disguised) == plain)
    }

    @Test(arguments: [
        "write to anna.hr@gmail.com today",
        "il y a un chat à la maison",
        "Телеграм канал",
        "call 555 0134 or 2x3",
        "covid19 mp3 usd300 b2b",
        "日薪500元 柬埔寨",
        "lương 35 triệu đồng mỗi tháng",
        "Ärger über Größe",
    ])
    func leavesOrdinaryTextReadable(_ text: String) {
        // Ordinary text only changes case (and NFKC): nothing is joined, mapped or removed.
        #expect(normalized(text) == text.precomposedStringWithCompatibilityMapping.lowercased())
    }

    @Test func recordsWhichTricksItUndid() {
        let views = normalizer.views(of: "Add me on t.e.l.e.g.r.a.m, Wh4tsapp or \u{0422}elegram")
        let text = views.normalized.text
        func tricks(of word: String) -> ObfuscationTricks {
            let range = text.range(of: word)!
            let start = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
            return views.normalized.tricks(start: start, end: start + word.utf8.count)
        }
        #expect(text == "add me on telegram, whatsapp or telegram")
        #expect(tricks(of: "add") == [])
        #expect(tricks(of: "telegram,") == .spacing)
        #expect(tricks(of: "whatsapp") == .leet)
        #expect(views.normalized.tricks(start: text.utf8.count - 8, end: text.utf8.count) == .homoglyph)
    }

    @Test func spansMapBackToTheDisguisedOriginal() {
        let original = "Écrivez-moi sur T e l e g r a m 👍🏽 ou sur whats@pp"
        let view = normalizer.views(of: original).normalized
        let text = view.text
        let range = text.range(of: "telegram")!
        let start = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
        let span = view.originalSpan(start: start, end: start + 8)
        #expect(UTF8Offsets.slice(original, from: span.start, to: span.end) == "T e l e g r a m")
        let app = text.range(of: "whatsapp")!
        let appStart = text.utf8.distance(from: text.startIndex, to: app.lowerBound)
        let appSpan = view.originalSpan(start: appStart, end: appStart + 8)
        #expect(UTF8Offsets.slice(original, from: appSpan.start, to: appSpan.end) == "whats@pp")
    }

    /// Every byte span of every view maps inside the original, on scalar boundaries, in order.
    @Test func everySpanMapsBackInsideTheOriginal() {
        let alphabet: [String] = [
            "a", "B", "e", "l", "1", "4", "@", "$", " ", ".", "-", "\n", "é", "e\u{301}", "\u{200B}", "\u{00AD}",
            "\u{0435}", "\u{0422}", "\u{FF21}", "\u{1D41A}", "🔥", "👍🏽", "\u{FE0F}", "\u{200D}", "日", "ß", "ﬁ", "İ",
            "\u{0301}", "ǅ", "ｶ", "\u{E0041}",
        ]
        var generator = SplitMix64(seed: 2026)
        for _ in 0..<1_500 {
            let length = Int.random(in: 0...24, using: &generator)
            let original = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            let originalBytes = Array(original.utf8)
            let boundaries = Set(original.unicodeScalars.indices.map { original.utf8.distance(from: original.startIndex, to: $0) } + [originalBytes.count])
            let views = normalizer.views(of: original)
            for view in [views.folded, views.normalized] {
                let viewText = view.text
                let viewBoundaries = viewText.unicodeScalars.indices.map { viewText.utf8.distance(from: viewText.startIndex, to: $0) } + [viewText.utf8.count]
                var previous = 0
                for (index, start) in viewBoundaries.enumerated() {
                    for end in viewBoundaries[index...] {
                        let span = view.originalSpan(start: start, end: end)
                        #expect(span.start <= span.end, "\(original.debugDescription) \(start)..<\(end)")
                        #expect(boundaries.contains(span.start) && boundaries.contains(span.end), "\(original.debugDescription)")
                        #expect(span.end <= originalBytes.count)
                    }
                    let mapped = view.originalSpan(start: start, end: start).start
                    #expect(mapped >= previous, "map not monotonic for \(original.debugDescription)")
                    previous = mapped
                }
            }
        }
    }

    @Test func emptyAndHugeTexts() {
        #expect(normalized("").isEmpty)
        let huge = String(repeating: "Ordinary words, T e l e g r a m and wh4tsapp. ", count: 20_000)
        let view = normalizer.views(of: huge).normalized
        #expect(view.text.hasSuffix("ordinary words, telegram and whatsapp. "))
    }
}

@Suite struct ObfuscatedVariantTests {
    static let cases: [(plain: String, disguised: [String])] = [
        ("Earn 300 USD per day liking videos. Recharge 100 USDT to unlock the next set of tasks, then message me on Telegram.", [
            "Earn 300 USD per day liking videos. Recharge 100 USDT to unlock the next set of tasks, then message me on T e l e g r a m.",
            "Earn 300 USD per day liking videos. R\u{200B}echarge 100 USDT to unlock the next set of tasks, then message me on te1egram.",
            "Earn 300 USD per day liking videos. Rech@rge 100 USDT to unlock the next set of tasks, then message me on \u{0422}\u{0435}legram.",
        ]),
        ("Trabajo desde casa: gana 150 dólares al día dando me gusta a videos. Para desbloquear las tareas recarga 100 USDT y escríbeme por Telegram.", [
            "Trabajo desde casa: gana 150 dólares al día dando me gusta a videos. Para desbloquear las tareas rec\u{200B}arga 100 USDT y escríbeme por T e l e g r a m.",
        ]),
        ("Trabalho em casa: ganhe R$ 300 por dia curtindo vídeos. Para liberar as tarefas, recarregue 100 USDT e me chama no WhatsApp.", [
            "Trabalho em casa: ganhe R$ 300 por dia curtindo vídeos. Para liberar as tarefas, rec@rregue 100 USDT e me chama no Wh4tsApp.",
        ]),
        ("Nebenjob von zu Hause: verdienen Sie 300 € am Tag mit dem Liken von Videos. Laden Sie 100 USDT auf, um die Aufgaben freizuschalten, und schreiben Sie mir auf Telegram.", [
            "Nebenjob von zu Hause: verdienen Sie 300 € am Tag mit dem Liken von Videos. Laden Sie 100 USDT auf, um die Aufgaben freizuschalten, und schreiben Sie mir auf \u{0422}\u{0435}l\u{0435}gram.",
        ]),
        ("Kerja dari rumah, gaji 1 juta per hari hanya like video. Isi saldo 100 USDT untuk membuka tugas, hubungi admin via Telegram.", [
            "Kerja dari rumah, gaji 1 juta per hari hanya like video. Isi saldo 100 USDT untuk membuka tugas, hubungi admin via T.e.l.e.g.r.a.m.",
        ]),
        ("Việc làm tại nhà, lương 1 triệu mỗi ngày chỉ cần thả tim video. Nạp 100 USDT để mở khóa nhiệm vụ, liên hệ qua Telegram.", [
            "Việc làm tại nhà, lương 1 triệu mỗi ngày chỉ cần thả tim video. Nạp 100 USDT để mở khóa nhiệm vụ, liên hệ qua Tele🔥gram.",
        ]),
        ("兼职日结，在家点赞视频日薪500元。充值100 USDT解锁任务，加飞机联系客服。", [
            "兼职日结，在家点赞视频日薪500元。充\u{200B}值100 ＵＳＤＴ解锁任务，加飞机联系客服。",
        ]),
        ("Bonjour ! Travail simple depuis chez vous : aimez des vidéos et gagnez 150 € par jour. Pour débloquer la mission suivante, rechargez 350 USDT sur votre compte, puis écrivez à notre mentor sur Telegram @mentor_julie.", [
            "Bonjour ! Travail simple depuis chez vous : aimez des vidéos et gagnez 150 € par jour. Pour débloquer la mission suivante, r e c h a r g e z 350 USDT sur votre compte, puis écrivez à notre mentor sur T.e.l.e.g.r.a.m @mentor_julie.",
            "Bonjour ! Travail simple depuis chez vous : aimez des vidéos et gagnez 150 € par jour. Pour débloquer la mission suivante, rech@rgez 350 USDT sur votre compte, puis écrivez à notre mentor sur Tele🔥gram @mentor_julie.",
        ]),
    ]

    @Test func disguisedVariantsGetTheSameLabelAndRules() throws {
        let scanner = RuleScanner(ruleSet: try RuleSet.embedded())
        for item in Self.cases {
            let plain = scanner.classify(item.plain)
            let plainRules = Set(plain.evidence.map(\.rule))
            #expect(plain.label == .scam)
            #expect(!plainRules.contains("HEUR_OBFUSCATED_WORDS"))
            for variant in item.disguised {
                let verdict = scanner.classify(variant)
                #expect(verdict.label == plain.label, "\(variant)")
                let rules = Set(verdict.evidence.map(\.rule))
                #expect(rules.subtracting(["HEUR_OBFUSCATED_WORDS"]) == plainRules, "\(variant)")
                let heuristic = try #require(verdict.evidence.first { $0.rule == "HEUR_OBFUSCATED_WORDS" }, "\(variant)")
                #expect(!heuristic.tricks.isEmpty)
                let bytes = Array(variant.utf8)
                for item in verdict.evidence {
                    #expect(String(decoding: bytes[item.start..<item.end], as: UTF8.self) == item.text)
                }
            }
        }
    }
}

@Suite struct TokenizerTests {
    @Test func splitsWordsAndNumbers() {
        let tokens = Tokenizer.tokens(in: "Gagnez 3.000,50 € par semaine, l'argent : d'accord!")
        #expect(tokens.map(\.text) == ["Gagnez", "3.000,50", "par", "semaine", "l", "argent", "d", "accord"])
        #expect(tokens.map(\.kind) == [.word, .number, .word, .word, .word, .word, .word, .word])
    }

    @Test func keepsCombiningMarksAndScripts() {
        #expect(Tokenizer.tokens(in: "cafe\u{301} lương tháng Größe Телеграм").map(\.text) == ["cafe\u{301}", "lương", "tháng", "Größe", "Телеграм"])
    }

    @Test func splitsChineseIntoCharacters() {
        let tokens = Tokenizer.tokens(in: "日薪500元，加vx")
        #expect(tokens.map(\.text) == ["日", "薪", "500", "元", "加", "vx"])
        #expect(tokens.map(\.kind) == [.word, .word, .number, .word, .word, .word])
    }

    @Test func spansSliceTheOriginal() {
        let text = "Écrivez-moi sur T e l e g r a m, wh4tsapp 👍🏽 日薪"
        for token in Tokenizer.tokens(in: text) {
            #expect(UTF8Offsets.slice(text, from: token.start, to: token.end) == token.text)
        }
        let view = Normalizer().views(of: text).normalized
        let tokens = Tokenizer.tokens(in: view)
        #expect(tokens.map(\.text).contains("telegram"))
        #expect(tokens.map(\.text).contains("whatsapp"))
        let telegram = tokens.first { $0.text == "telegram" }!
        #expect(UTF8Offsets.slice(text, from: telegram.start, to: telegram.end) == "T e l e g r a m")
    }
}
