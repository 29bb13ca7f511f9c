import Foundation
import RedFlagRegex

/// The working time a text says a day's work takes ("1–2 hours a day", "chỉ 30 phút mỗi ngày", "每天只需2小时",
/// "2 oras lang"), so that pay can be weighed against the time asked for.
enum StatedWorkTime {
    /// A stated daily working time: its length in hours and its UTF-8 span in the text.
    struct Mention: Equatable {
        let hours: Double
        let start: Int
        let end: Int
    }

    /// Times longer than this are not "short work" (and "24 hours" is a deadline, not a working day).
    static let longestHours = 8.0

    /// The longest daily working time the text states, or nil when it states none.
    static func longest(in text: String, scratch: MatchScratch) -> Mention? {
        let spans = (try? pattern.matches(in: text, scratch: scratch)) ?? []
        return spans.compactMap { span -> Mention? in
            let matched = UTF8Offsets.slice(text, from: span.start, to: span.end)
            guard let hours = hours(in: matched), hours > 0, hours <= longestHours else { return nil }
            return Mention(hours: hours, start: span.start, end: span.end)
        }.max { $0.hours < $1.hours }
    }

    /// The hours a matched mention states: the upper end of a range, minutes converted.
    static func hours(in mention: String) -> Double? {
        let numbers = mention.split(whereSeparator: { !($0.isASCII && ($0.isNumber || $0 == "." || $0 == ",")) })
            .compactMap { Double($0.replacingOccurrences(of: ",", with: ".")) }
        guard let longest = numbers.max(), let lastDigit = mention.lastIndex(where: { $0.isASCII && $0.isNumber }) else {
            return nil
        }
        // The unit follows the last number.
        let unit = mention[mention.index(after: lastDigit)...].lowercased()
        return minuteWords.contains(where: unit.contains) ? longest / 60 : longest
    }

    private static let minuteWords = ["min", "phút", "menit", "分钟"]

    private static let number = #"\d{1,2}(?:[.,]\d)?"#
    private static let range = number + #"(?:\s*(?:-|–|—|~|to|à|a|ou|o|bis|oder|hingga|sampai|atau|đến|tới|hoặc|到|至|或)\s*"# + number + ")?"
    private static let unit = #"\s?(?:hours?|hrs?|h\b|heures?|horas?|Stunden?|Std\.?|jam|oras|giờ|tiếng|个?小时|个?钟头|minutes?|mins?|minutos?|Minuten|menit|phút|分钟)"#
    private static let time = range + unit
    private static let onlyWord = #"(?:\b(?:only|just|seulement|juste|solo|sólo|solamente|apenas|só|nur|hanya|cuma|cukup|lang)\b|chỉ(?:\s+cần|\s+mất)?|只需|只要|仅需|仅)"#
    private static let perDayBefore = #"(?:每天|每日|一天|mỗi\s+ngày|một\s+ngày|\b(?:a|per|each|every)\s+day\b)"#
    private static let perDayAfter = #"(?:\s*\b(?:lang|only|seulement|solamente|apenas|saja|aja|thôi)\b)?\s*(?:\b(?:a|an|per|each|every|par|al|por|pro|am|mỗi|một|se|bawat|kada|isang)\b|/)?\s*(?:\b(?:day|jour|d[ií]a|Tag|hari|araw|ngày)\b|sehari|天|日)"#
    private static let workWord = #"(?:\b(?:work(?:ing)?|trabajando|trabajar|trabajo|travail(?:lant|ler)?|trabalhando|trabalhar|trabalho|Arbeit|arbeiten|kerja|bekerja|trabaho|magtrabaho)\b|làm(?:\s+việc)?|工作|上班)"#

    /// A time with a per-day marker after it ("2 hours a day") or before it ("每天只需2小时"), or an "only" time
    /// next to a word for work ("working only 1-2 hours", "seulement 2 heures de travail"). A bare "just 10
    /// minutes" (from the station, to apply) is not a working time.
    static let pattern: CompiledPattern = {
        let branches = [
            time + perDayAfter,
            perDayBefore + #"\s{0,3}(?:"# + onlyWord + #"\s{0,3})?"# + time,
            workWord + #"[^.!?\n]{0,15}?"# + onlyWord + #"\s{0,3}"# + time,
            onlyWord + #"\s{0,3}"# + time + #"\s{0,3}(?:\b(?:de|of|da|der|ng)\b\s*)?"# + workWord,
        ]
        let source = "(?<![\\d.,])(?:" + branches.joined(separator: "|") + ")"
        // A fixed pattern: a failure to compile is a programming error that every test would show.
        return try! CompiledPattern(source)
    }()
}
