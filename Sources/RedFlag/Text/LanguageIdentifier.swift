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

    /// Chinese is told by its script: mostly Han characters and no kana.
    static func scriptLanguage(_ text: String) -> String? {
        var han = 0
        var letters = 0
        var kana = 0
        for scalar in text.unicodeScalars.prefix(600) where scalar.properties.isAlphabetic {
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
