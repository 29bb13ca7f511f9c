import Foundation
import RedFlagRegex

/// A value inside an entity's parsed `value` object.
public enum EntityValue: Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
}

/// Something with a meaning of its own found in a text: an amount of money, a URL, an e-mail address, a phone
/// number, a chat handle or a crypto wallet. Offsets are UTF-8 bytes of the original text, half-open.
public struct Entity: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case money, url, email, phone, handle
        case cryptoWallet = "crypto_wallet"
    }

    public let kind: Kind
    public let text: String
    public let start: Int
    public let end: Int
    /// The parsed value, as ordered key–value pairs (see docs/output.md).
    public let value: [(String, EntityValue)]

    public static func == (a: Entity, b: Entity) -> Bool {
        a.kind == b.kind && a.start == b.start && a.end == b.end && a.text == b.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(start)
        hasher.combine(end)
    }

    /// The value for `key`, if any.
    public subscript(key: String) -> EntityValue? {
        value.first { $0.0 == key }?.1
    }
}

/// Finds entities with fixed PCRE2 patterns. One extractor serves one thread (it owns match scratch).
public final class EntityExtractor {
    private let scratch = MatchScratch()

    public init() {}

    /// Every entity in `text`, in order of position; where two overlap, the more specific kind wins (URL and
    /// e-mail over handle, wallet and money over phone).
    public func entities(in text: String) -> [Entity] {
        var found: [Entity] = []
        var taken: [(Int, Int)] = []
        for (kind, pattern) in EntityPatterns.shared.ordered {
            let spans = (try? pattern.matches(in: text, scratch: scratch)) ?? []
            for span in spans where !taken.contains(where: { $0.0 < span.end && span.start < $0.1 }) {
                let matched = UTF8Offsets.slice(text, from: span.start, to: span.end)
                guard let entity = EntityParser.parse(kind, matched, start: span.start, end: span.end) else { continue }
                found.append(entity)
                taken.append((entity.start, entity.end))
            }
        }
        return found.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
    }
}

/// The compiled entity patterns, shared by every extractor.
struct EntityPatterns: Sendable {
    static let shared = EntityPatterns()

    let ordered: [(Entity.Kind, CompiledPattern)]

    static let currencyBefore = #"(?:US\$|R\$|S\$|A\$|C\$|HK\$|NT\$|[$€£₱₫฿¥₹₩]|Rp\.?|RM|USDT|USDC|USD|EUR|GBP|PHP|VND|IDR|MYR|THB|CNY|RMB|CHF|BRL|MXN|INR|SGD|AED|Php|P(?=\d))"#
    static let currencyAfter = #"(?:USDT|USDC|USD|EUR|GBP|PHP|VND|IDR|MYR|THB|CNY|RMB|CHF|BRL|MXN|INR|SGD|AED|dollars?|d[oó]lares|euros?|reais|pesos|rupiah|ringgit|baht|yuan|dong|đồng|đ|元|块|[$€£₫฿¥₱]|F?CFA|MAD|DH)"#
    static let amount = #"\d{1,3}(?:[.,\x{00A0}\x{202F} ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"#
    static let multiplier = #"(?:\s?(?:k|K|mil|juta|jt|triệu|tr|ribu|rb|万|千|m|M|million|millions|millones|milhões)\b|万|千)?"#
    static let period = #"(?:\s*(?:/|per|an?|par|al|por|pro|each|every|bawat|kada|mỗi|một|sehari|每)\s*(?:hours?|hrs?|h|heures?|horas?|hora|Stunden?|Std\.?|jam|oras|giờ|小时|days?|daily|jours?|journée|d[ií]as?|día|Tag|hari|araw|ngày|天|日|weeks?|semaines?|semanas?|semana|Woche|minggu|linggo|tuần|周|星期|months?|mois|mes|m[eê]s|Monat|bulan|buwan|tháng|月|years?|an|año|ano|Jahr|tahun|taon|năm|年)\b|\s*(?:daily|per\s?day|a\s?day|hourly|weekly|monthly|journaliers?|diarios?|di[aá]rias?|täglich|harian|mingguan|bulanan|日薪|月薪|时薪|周薪|月入|日入))?"#

    init() {
        let money = """
            (?<![\\w.,])(?:(?:日薪|月薪|时薪|周薪|月入|日入)\\s*)?(?:\(Self.currencyBefore))\\s?(?:\(Self.amount))\(Self.multiplier)(?:\\s?(?:-|–|to|à|a|bis|hingga|sampai|~)\\s?(?:\(Self.currencyBefore)\\s?)?(?:\(Self.amount))\(Self.multiplier))?\(Self.period)\
            |(?:日薪|月薪|时薪|周薪|月入|日入)\\s*(?:\(Self.amount))\(Self.multiplier)(?:\\s?\(Self.currencyAfter))?\
            |(?<![\\w.,])(?:(?:日薪|月薪|时薪|周薪|月入|日入)\\s*)?(?:\(Self.amount))\(Self.multiplier)(?:\\s?(?:-|–|to|à|a|bis|hingga|sampai|~)\\s?(?:\(Self.amount))\(Self.multiplier))?\\s?\(Self.currencyAfter)(?![\\w])\(Self.period)
            """
        let sources: [(Entity.Kind, String)] = [
            (.email, #"\b[a-z0-9._%+-]{1,64}@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b"#),
            (.url, #"\b(?:(?:https?://|www\.)[^\s<>"'()]+|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|net|org|io|me|ly|co|app|info|biz|xyz|top|site|online|link|gl|gd|cc|to|tk|ml|ga|cf|gq|ru|cn|vn|id|ph|my|th|kh|fr|de|es|pt|br|uk|us|in|example|test|shop|store|club|work|jobs|careers|xn--[a-z0-9]+)\b(?:/[^\s<>"'()]*)?)"#),
            (.cryptoWallet, #"\b(?:0x[a-fA-F0-9]{40}|bc1[ac-hj-np-z02-9]{25,59}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|T[1-9A-HJ-NP-Za-km-z]{33})\b"#),
            (.handle, #"(?<![\w@.])@[a-z0-9_](?:[a-z0-9_.]{1,30}[a-z0-9_])\b|(?<![a-z])(?:telegram|tg|whats\s?app|wa|wechat|weixin|vx|wx|line|signal|viber|zalo|skype|kakao(?:talk)?)(?:\s?id)?\s?[:：=]\s?@?[a-z0-9_][a-z0-9_.-]{2,31}\b"#),
            (.money, money),
            (.phone, #"(?<![\w+])(?:\+|00)?\d[\d\s().-]{6,18}\d(?![\w])"#),
        ]
        ordered = sources.map { kind, source in
            // Fixed patterns, tested by the suite: a failure to compile is a programming error.
            return (kind, try! CompiledPattern(source, options: kind == .cryptoWallet ? [] : .caseless))
        }
    }
}

/// Turns a matched entity text into its parsed value.
enum EntityParser {
    static let freeMailDomains: Set<String> = [
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.fr", "yahoo.es", "yahoo.com.br", "ymail.com", "outlook.com",
        "outlook.fr", "hotmail.com", "hotmail.fr", "hotmail.es", "live.com", "live.fr", "msn.com", "aol.com",
        "icloud.com", "me.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com",
        "mail.ru", "yandex.com", "yandex.ru", "qq.com", "163.com", "126.com", "sina.com", "orange.fr", "free.fr",
        "laposte.net", "sfr.fr", "wanadoo.fr", "libero.it", "uol.com.br", "bol.com.br", "terra.com.br", "zoho.com",
        "tutanota.com", "t-online.de",
    ]
    static let shorteners: Set<String> = [
        "bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "cutt.ly", "rebrand.ly", "shorturl.at",
        "tiny.cc", "s.id", "rb.gy", "bitly.com", "t.ly", "v.gd", "lnkd.in",
    ]
    static let messagingHosts: [String: String] = [
        "t.me": "telegram", "telegram.me": "telegram", "telegram.dog": "telegram", "wa.me": "whatsapp",
        "api.whatsapp.com": "whatsapp", "chat.whatsapp.com": "whatsapp", "line.me": "line", "signal.me": "signal",
        "zalo.me": "zalo", "u.wechat.com": "wechat", "viber.me": "viber",
    ]

    /// Helper expressions, compiled once (NSRegularExpression matching is thread-safe).
    nonisolated(unsafe) private static let dateLike = try! NSRegularExpression(pattern: #"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$"#)
    nonisolated(unsafe) private static let amountExpression = try! NSRegularExpression(
        pattern: #"(\d{1,3}(?:[.,\x{00A0}\x{202F} ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)\s?(k|mil|juta|jt|triệu|tr|ribu|rb|万|千|million|millions|millones|milhões|m)?(?![a-z])"#,
        options: [.caseInsensitive])
    nonisolated(unsafe) private static let pesoPrefix = try! NSRegularExpression(pattern: #"(?<![a-z])p\d"#)
    nonisolated(unsafe) private static let dongSuffix = try! NSRegularExpression(pattern: #"\dđ|\d\s?đ\b"#)

    private static func matches(_ expression: NSRegularExpression, _ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func parse(_ kind: Entity.Kind, _ text: String, start: Int, end: Int) -> Entity? {
        switch kind {
        case .url: return url(text, start, end)
        case .email: return email(text, start, end)
        case .cryptoWallet: return wallet(text, start, end)
        case .handle: return handle(text, start, end)
        case .money: return money(text, start, end)
        case .phone: return phone(text, start, end)
        }
    }

    private static func url(_ text: String, _ start: Int, _ end: Int) -> Entity? {
        var trimmed = text
        var end = end
        while let last = trimmed.last, ".,;:!?".contains(last) {
            trimmed.removeLast()
            end -= last.utf8.count
        }
        let lower = trimmed.lowercased()
        var rest = Substring(lower)
        for scheme in ["https://", "http://"] where rest.hasPrefix(scheme) { rest = rest.dropFirst(scheme.count) }
        var host = String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
        if host.hasPrefix("www.") { host.removeFirst(4) }
        var value: [(String, EntityValue)] = [("host", .string(host))]
        if let app = messagingHosts[host] { value.append(("messaging", .string(app))) }
        if shorteners.contains(host) { value.append(("shortener", .bool(true))) }
        if host.split(separator: ".").contains(where: { $0.hasPrefix("xn--") }) { value.append(("punycode", .bool(true))) }
        return Entity(kind: .url, text: trimmed, start: start, end: end, value: value)
    }

    private static func email(_ text: String, _ start: Int, _ end: Int) -> Entity? {
        let lower = text.lowercased()
        let domain = String(lower.split(separator: "@").last ?? "")
        return Entity(kind: .email, text: text, start: start, end: end, value: [
            ("address", .string(lower)), ("domain", .string(domain)), ("free_mail", .bool(freeMailDomains.contains(domain))),
        ])
    }

    private static func wallet(_ text: String, _ start: Int, _ end: Int) -> Entity? {
        let chain: String
        if text.hasPrefix("0x") {
            chain = "ethereum"
        } else if text.hasPrefix("T") {
            chain = "tron"
        } else {
            // Base58 addresses mix letters and digits; a run of one kind is a word or a number, not a wallet.
            guard text.contains(where: \.isNumber), text.contains(where: \.isLetter) else { return nil }
            chain = "bitcoin"
        }
        return Entity(kind: .cryptoWallet, text: text, start: start, end: end, value: [("chain", .string(chain)), ("address", .string(text))])
    }

    private static func handle(_ text: String, _ start: Int, _ end: Int) -> Entity? {
        let lower = text.lowercased()
        var platform = "unknown"
        let platforms: [(String, String)] = [
            ("telegram", "telegram"), ("tg", "telegram"), ("whats", "whatsapp"), ("wa", "whatsapp"), ("wechat", "wechat"),
            ("weixin", "wechat"), ("vx", "wechat"), ("wx", "wechat"), ("line", "line"), ("signal", "signal"),
            ("viber", "viber"), ("zalo", "zalo"), ("skype", "skype"), ("kakao", "kakaotalk"),
        ]
        if !lower.hasPrefix("@") {
            platform = platforms.first { lower.hasPrefix($0.0) }?.1 ?? "unknown"
        }
        let name = lower.split(whereSeparator: { ":：=".contains($0) }).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? lower
        let handle = name.hasPrefix("@") ? String(name.dropFirst()) : name
        return Entity(kind: .handle, text: text, start: start, end: end, value: [("handle", .string(handle)), ("platform", .string(platform))])
    }

    private static func phone(_ text: String, _ start: Int, _ end: Int) -> Entity? {
        let digits = text.filter(\.isASCII).filter(\.isNumber)
        guard (8...15).contains(digits.count) else { return nil }
        // Dates, times and plain amounts are not phone numbers.
        if matches(dateLike, text) { return nil }
        let international = text.hasPrefix("+") || text.hasPrefix("00")
        let normalized = (international ? "+" : "") + (text.hasPrefix("00") ? String(digits.dropFirst(2)) : digits)
        return Entity(kind: .phone, text: text, start: start, end: end, value: [
            ("number", .string(normalized)), ("international", .bool(international)),
        ])
    }

    // MARK: - Money

    private static func money(_ text: String, _ start: Int, _ end: Int) -> Entity? {
        var trimmed = text
        var end = end
        while let last = trimmed.last, last == " " {
            trimmed.removeLast()
            end -= 1
        }
        let amounts = moneyAmounts(trimmed)
        guard let low = amounts.first else { return nil }
        let high = amounts.count > 1 ? amounts[1] : nil
        let currency = currencyCode(trimmed)
        let period = moneyPeriod(trimmed)
        var value: [(String, EntityValue)] = [("amount", .number(low))]
        if let high { value.append(("amount_max", .number(high))) }
        value.append(("currency", .string(currency)))
        if let period {
            value.append(("period", .string(period.name)))
            value.append(("per_day", .number(((high ?? low) * period.perDay * 100).rounded() / 100)))
        }
        return Entity(kind: .money, text: trimmed, start: start, end: end, value: value)
    }

    /// The amounts in a money text, with thousands separators and multipliers resolved.
    static func moneyAmounts(_ text: String) -> [Double] {
        let range = NSRange(text.startIndex..., in: text)
        return amountExpression.matches(in: text, range: range).compactMap { match -> Double? in
            guard let numberRange = Range(match.range(at: 1), in: text) else { return nil }
            guard var number = parseNumber(String(text[numberRange])) else { return nil }
            if let unitRange = Range(match.range(at: 2), in: text) {
                switch text[unitRange].lowercased() {
                case "k", "rb", "ribu", "千": number *= 1_000
                case "万": number *= 10_000
                case "mil": number *= 1_000
                case "juta", "jt", "triệu", "tr", "m", "million", "millions", "millones", "milhões": number *= 1_000_000
                default: break
                }
            }
            return number
        }
    }

    /// Parses "3.000,50", "3,000.50", "1 500", "3,5", "300" as numbers.
    static func parseNumber(_ raw: String) -> Double? {
        let text = raw.replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
        let separators = text.filter { $0 == "." || $0 == "," || $0 == " " }
        guard let lastSeparator = text.lastIndex(where: { $0 == "." || $0 == "," }) else {
            return Double(text.replacingOccurrences(of: " ", with: ""))
        }
        let decimals = text[text.index(after: lastSeparator)...]
        let isDecimal = decimals.count != 3 || (separators.count > 1 && Set(separators).count > 1 && text[lastSeparator] != separators.first)
        var digits = ""
        for (index, character) in zip(text.indices, text) {
            if character.isNumber {
                digits.append(character)
            } else if index == lastSeparator && isDecimal {
                digits.append(".")
            }
        }
        return Double(digits)
    }

    static func currencyCode(_ text: String) -> String {
        let lower = text.lowercased()
        for (marker, code) in currencyMarkers where lower.contains(marker) { return code }
        if ["薪", "月入", "日入"].contains(where: lower.contains) { return "CNY" }
        if matches(pesoPrefix, lower) { return "PHP" }
        if matches(dongSuffix, lower) { return "VND" }
        return "unknown"
    }

    /// Currency markers and their codes, most specific first ("us$" before "$").
    private static let currencyMarkers: [(String, String)] = [
        ("usdt", "USDT"), ("usdc", "USDC"), ("us$", "USD"), ("r$", "BRL"), ("s$", "SGD"), ("hk$", "HKD"),
        ("a$", "AUD"), ("c$", "CAD"), ("nt$", "TWD"), ("usd", "USD"), ("eur", "EUR"), ("gbp", "GBP"), ("php", "PHP"),
        ("vnd", "VND"), ("idr", "IDR"), ("myr", "MYR"), ("thb", "THB"), ("cny", "CNY"), ("rmb", "CNY"),
        ("chf", "CHF"), ("brl", "BRL"), ("mxn", "MXN"), ("inr", "INR"), ("sgd", "SGD"), ("aed", "AED"),
        ("cfa", "XOF"), ("mad", "MAD"), ("€", "EUR"), ("euro", "EUR"), ("£", "GBP"), ("₱", "PHP"), ("₫", "VND"),
        ("đồng", "VND"), ("dong", "VND"), ("฿", "THB"), ("baht", "THB"), ("¥", "CNY"), ("元", "CNY"), ("块", "CNY"),
        ("yuan", "CNY"), ("₹", "INR"), ("₩", "KRW"), ("rp", "IDR"), ("rupiah", "IDR"), ("rm", "MYR"),
        ("ringgit", "MYR"), ("reais", "BRL"), ("peso", "PHP"), ("dólar", "USD"), ("dolar", "USD"), ("dollar", "USD"),
        ("$", "USD"), ("triệu", "VND"), ("juta", "IDR"),
    ]

    /// Hours in the working day that hourly pay is converted with.
    static let workingHoursPerDay = 8.0

    /// The period a money text is paid per, and how many of it make a working day.
    static func moneyPeriod(_ text: String) -> (name: String, perDay: Double)? {
        let lower = text.lowercased()
        let periods: [(String, [String], Double)] = [
            ("hour", ["hour", "hr", "/h", " h", "heure", "hora", "stunde", "std", "jam", "oras", "giờ", "小时", "hourly", "时薪"], workingHoursPerDay),
            ("week", ["week", "semaine", "semana", "woche", "minggu", "linggo", "tuần", "周", "星期", "weekly", "mingguan", "周薪"], 1.0 / 5),
            ("month", ["month", "mois", "mes", "mês", "monat", "bulan", "buwan", "tháng", "月", "monthly", "bulanan"], 1.0 / 22),
            ("year", ["year", "/an", " an", "año", "ano", "jahr", "tahun", "taon", "năm", "年"], 1.0 / 260),
            ("day", ["day", "jour", "journée", "día", "dia", "tag", "hari", "araw", "ngày", "天", "日", "daily", "diari", "diári", "täglich", "harian", "journalier"], 1),
        ]
        // Look only at what follows the last digit, where the period is written.
        guard let lastDigit = lower.lastIndex(where: \.isNumber) else { return nil }
        let tail = String(lower[lastDigit...])
        let head = String(lower[..<lastDigit])
        for (name, markers, perDay) in periods where markers.contains(where: { tail.contains($0) }) {
            return (name, perDay)
        }
        // Chinese puts the period first: 日薪500元, 月薪3万.
        for (prefix, name, perDay) in [("日薪", "day", 1.0), ("日入", "day", 1.0), ("时薪", "hour", workingHoursPerDay), ("周薪", "week", 0.2), ("月薪", "month", 1.0 / 22), ("月入", "month", 1.0 / 22)]
        where head.contains(prefix) {
            return (name, perDay)
        }
        return nil
    }
}
