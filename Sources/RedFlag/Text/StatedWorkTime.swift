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
    private static let range = number + #"(?:\s*(?:-|–|—|~|to|à|a|ou|o|bis|oder|hingga|sampai|atau|-|đến|tới|hoặc|到|至|或)\s*"# + number + ")?"
    private static let unit = #"\s?(?:hours?|hrs?|h\b|heures?|horas?|Stunden?|Std\.?|jam|oras|giờ|tiếng|个?小时|个?钟头|minutes?|mins?|minutos?|Minuten|menit|minuto|phút|分钟)"#
    private static let onlyBefore = #"(?:only|just|seulement|juste|que|solo|sólo|solamente|apenas|só|nur|hanya|cuma|cukup|chỉ(?:\s+cần|\s+mất)?|只需|只要|仅需|仅|每天|每日|一天|mỗi\s+ngày|một\s+ngày)"#
    private static let perDayAfter = #"(?:\s*(?:lang|only|seulement|solamente|apenas|saja|aja|thôi))?\s*(?:a|an|per|/|each|every|par|al|por|pro|am|mỗi|một|se|sehari|bawat|kada|isang)?\s*(?:day|jour|d[ií]a|Tag|hari|araw|ngày|天|日)"#
    private static let langAfter = #"\s*(?:lang|only|thôi|saja|aja)\b"#

    /// `onlyBefore` + time, or time + per-day marker, or time + "only" (Tagalog "2 oras lang").
    static let pattern: CompiledPattern = {
        let source = "(?<![\\d.,])(?:" + onlyBefore + "\\s{0,3}" + range + unit + "|" + range + unit + "(?:" + perDayAfter + "|" + langAfter + "))"
        // A fixed pattern: a failure to compile is a programming error that every test would show.
        return try! CompiledPattern(source)
    }()
}
