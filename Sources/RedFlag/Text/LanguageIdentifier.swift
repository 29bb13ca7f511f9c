import CExtTextCat
import Foundation

/// Identifies the language of a text with libexttextcat's n-gram fingerprints (Debian's libexttextcat-data).
///
/// It chooses among the languages redflag has rules for and a few common others, answers an ISO 639-1 code,
/// and answers nil when the text is too short or too mixed to tell. One identifier serves one thread at a time.
public final class LanguageIdentifier {
    /// The languages it chooses among, as libexttextcat fingerprint names.
    public static let candidates = [
        "en", "fr", "es", "pt", "de", "id", "tl", "vi", "zh-Hans", "zh-Hant", "ms", "it", "nl", "ru", "ar", "th",
        "ja", "ko", "tr", "pl", "hi", "ro",
    ]
    /// Where Debian installs the fingerprints.
    public static let defaultDataDirectory = "/usr/share/libexttextcat"
    /// At most this many bytes of a text are read: a few hundred suffice.
    static let sampleBytes = 1_500

    private let handle: UnsafeMutableRawPointer

    /// Loads the fingerprints; nil when they are not installed.
    public init?(dataDirectory: String = LanguageIdentifier.defaultDataDirectory) {
        let directory = dataDirectory.hasSuffix("/") ? dataDirectory : dataDirectory + "/"
        let available = Self.candidates.filter { FileManager.default.fileExists(atPath: directory + $0 + ".lm") }
        guard !available.isEmpty else { return nil }
        let configuration = available.map { "\($0).lm \($0)" }.joined(separator: "\n") + "\n"
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("redflag-textcat-\(getpid())-\(UUID().uuidString).conf").path
        guard FileManager.default.createFile(atPath: path, contents: Data(configuration.utf8)) else { return nil }
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard let handle = special_textcat_Init(path, directory) else { return nil }
        textcat_SetProperty(handle, TCPROP_MINIMUM_DOCUMENT_SIZE, 20)
        self.handle = handle
    }

    deinit { textcat_Done(handle) }

    /// The ISO 639-1 code of the text's language, or nil when it cannot tell.
    public func identify(_ text: String) -> String? {
        let found = candidates(for: text)
        return found.count == 1 ? found[0] : nil
    }

    /// The languages the text may be in, the likeliest first: one when the identifier is sure, a few when the text
    /// mixes languages or is close between them (Taglish: tl and en), none when it cannot tell at all.
    public func candidates(for text: String) -> [String] {
        if let script = Self.scriptLanguage(text) { return [script] }
        let byWords = Self.functionWordLanguage(text)
        let found = fingerprintCandidates(for: text)
        // The fingerprints miss Vietnamese typed without accents and mistake short Tagalog or Indonesian for
        // other languages; their function words are distinctive. Keep the fingerprints' other guesses too, so
        // their rules still run on a mixed text.
        guard let byWords, found.first != byWords else { return found }
        return [byWords] + found.filter { $0 != byWords }.prefix(2)
    }

    private func fingerprintCandidates(for text: String) -> [String] {
        // The fingerprints are of lower-case text; a text in capitals would otherwise read as another language.
        var prefix = String.UnicodeScalarView()
        prefix.append(contentsOf: text.unicodeScalars.prefix(Self.sampleBytes))
        var sample = Array(String(prefix).lowercased().utf8.prefix(Self.sampleBytes))
        while let last = sample.last, last & 0xC0 == 0x80 { sample.removeLast() }
        if let last = sample.last, last >= 0xC0 { sample.removeLast() }
        guard sample.count >= 20 else { return [] }
        let size = sample.count
        // libexttextcat reads the sample as a C string (to its NUL), whatever the size given: terminate it, or
        // it reads past the buffer and the answer depends on what lies there.
        sample.append(0)
        let answer = sample.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                textcat_Classify(handle, pointer, size).map { String(cString: $0) }
            }
        }
        guard let answer, answer.hasPrefix("[") else { return [] }
        var codes: [String] = []
        for part in answer.split(separator: "]") {
            let name = part.drop { $0 == "[" }
            let code = name.hasPrefix("zh") ? "zh" : String(name)
            if !code.isEmpty && !codes.contains(code) { codes.append(code) }
        }
        // More than a few candidates: the identifier cannot tell.
        return codes.count <= 3 ? codes : []
    }

    /// Function words of the languages the fingerprints confuse: Tagalog, Indonesian, and Vietnamese with and
    /// without its accents. Only words that are not also common short words of the other languages redflag reads
    /// ("la", "se", "da", "di", "na", "pero" are left out), and none is a content word of a job advert.
    static let functionWords: [String: Set<String>] = [
        "tl": [
            "ang", "ng", "mga", "ay", "po", "opo", "naman", "lang", "lamang", "kayo", "kami", "tayo", "sila", "siya",
            "niyo", "ninyo", "namin", "natin", "nila", "nang", "yung", "iyong", "iyan", "hindi", "wala", "mayroon",
            "kung", "din", "rin", "ngayon", "lahat", "kaya", "ako", "ikaw",
        ],
        "id": [
            "yang", "dan", "dari", "untuk", "dengan", "ini", "itu", "tidak", "akan", "bisa", "kamu", "anda", "saya",
            "kita", "mereka", "juga", "atau", "jika", "kalau", "sudah", "belum", "dalam", "pada", "oleh", "karena",
            "hanya", "lebih", "sangat", "harus", "agar", "supaya", "bagi", "tanpa", "setiap",
        ],
        "vi": [
            "khong", "không", "duoc", "được", "nguoi", "người", "cua", "của", "voi", "với", "một", "nhung",
            "những", "nhưng", "trong", "nếu", "thi", "thì", "chung", "chúng", "tôi", "minh", "mình",
            "cac", "các", "lam", "làm", "viec", "việc", "ngay", "ngày", "trên", "rất", "dang", "đang",
            "nhan", "nhận", "tiền", "bạn", "này", "đã", "sẽ", "là", "và", "có", "đến", "về", "cho",
        ],
    ]

    /// The language whose function words make at least 8% of the first words (four different ones at least, in
    /// a text of eight words or more), twice as many as any other's; nil otherwise. Chosen on the Corpus dev split:
    /// it tells 32 of 38 Vietnamese, 25 of 39 Tagalog and 23 of 40 Indonesian texts, and no text in another
    /// language.
    static func functionWordLanguage(_ text: String) -> String? {
        // Each word made a String once, not once per language: this runs on every text without a script of its own.
        // Words are runs of letters and combining marks (Vietnamese typed with combining accents), read by scalar.
        var words: [String] = []
        var word = String.UnicodeScalarView()
        for scalar in text.unicodeScalars.prefix(sampleBytes) {
            if isWordScalar(scalar) {
                word.append(scalar)
                continue
            }
            if !word.isEmpty {
                words.append(String(word).lowercased())
                word = String.UnicodeScalarView()
                if words.count == 200 { break }
            }
        }
        if !word.isEmpty && words.count < 200 { words.append(String(word).lowercased()) }
        guard words.count >= 8 else { return nil }
        let scores = functionWords.map { language, list -> (language: String, hits: Int, distinct: Int) in
            let hits = words.filter(list.contains)
            return (language, hits.count, Set(hits).count)
        }.sorted { ($0.hits, $1.language) > ($1.hits, $0.language) }
        let best = scores[0], second = scores[1]
        guard best.distinct >= 4, best.hits * 100 >= words.count * 8, best.hits >= 2 * second.hits else { return nil }
        return best.language
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value | 0x20 >= 0x61 && scalar.value | 0x20 <= 0x7A }
        if scalar.properties.isAlphabetic { return true }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Chinese is told by its script: mostly Han characters and no kana.
    static func scriptLanguage(_ text: String) -> String? {
        var han = 0
        var letters = 0
        var kana = 0
        for scalar in text.unicodeScalars.prefix(600) {
            // ASCII letters count without the Unicode property tables.
            if scalar.isASCII {
                if scalar.value | 0x20 >= 0x61 && scalar.value | 0x20 <= 0x7A { letters += 1 }
                continue
            }
            guard scalar.properties.isAlphabetic else { continue }
            letters += 1
            switch scalar.value {
            case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF: han += 1
            case 0x3040...0x30FF: kana += 1
            default: break
            }
        }
        guard letters > 0 else { return nil }
        return kana == 0 && han * 10 >= letters * 3 ? "zh" : nil
    }
}

extension LanguageIdentifier {
    /// Starts loading the fingerprints (a couple of milliseconds) on another thread, for a process that classifies
    /// one text: the loading overlaps with loading the rule set, and the next `RuleScanner` made takes the result.
    public static func preload() { PreloadedIdentifier.shared.start() }

    /// The identifier `preload()` loaded, if any (waiting for it to be ready), else a new one.
    static func preloadedOrNew() -> LanguageIdentifier? {
        if let preloaded = PreloadedIdentifier.shared.take() { return preloaded }
        return LanguageIdentifier()
    }
}

/// One identifier loaded on another thread and handed over once.
private final class PreloadedIdentifier: @unchecked Sendable {
    static let shared = PreloadedIdentifier()
    private let lock = NSLock()
    private var loading: DispatchGroup?
    private var loaded: LanguageIdentifier?

    func start() {
        lock.lock()
        defer { lock.unlock() }
        guard loading == nil, loaded == nil else { return }
        let group = DispatchGroup()
        loading = group
        DispatchQueue.global(qos: .userInitiated).async(group: group) {
            let identifier = LanguageIdentifier()
            self.lock.lock()
            self.loaded = identifier
            self.lock.unlock()
        }
    }

    /// The loaded identifier, once; nil when none was started or it could not load.
    func take() -> LanguageIdentifier? {
        lock.lock()
        let group = loading
        lock.unlock()
        guard let group else { return nil }
        group.wait()
        lock.lock()
        defer { lock.unlock() }
        let identifier = loaded
        loaded = nil
        loading = nil
        return identifier
    }
}
