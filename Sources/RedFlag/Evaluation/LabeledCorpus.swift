import Foundation

/// Which fields of a labeled corpus hold what. For CSV they are column names.
public struct CorpusFields: Sendable, Hashable {
    public var text = "text"
    public var id = "id"
    public var label = "label"
    public var split = "split"
    public var language = "language"
    public var group = "group"
    public var tactics = "tactics"

    public init() {}
}

/// Which gold labels count as scam and which as legit; any other label is skipped and counted.
public struct LabelMapping: Sendable, Hashable {
    public var positive: Set<String>
    public var negative: Set<String>

    public static let `default` = LabelMapping(
        positive: ["scam", "fraud", "fraudulent", "1", "true"], negative: ["legit", "ham", "real", "0", "false"])

    /// Labels are compared in lower case.
    public init(positive: Set<String>, negative: Set<String>) {
        self.positive = Set(positive.map { $0.lowercased() })
        self.negative = Set(negative.map { $0.lowercased() })
    }

    /// true for scam, false for legit, nil for a label that is neither.
    public func isScam(_ label: String) -> Bool? {
        let label = label.lowercased()
        if positive.contains(label) { return true }
        if negative.contains(label) { return false }
        return nil
    }
}

/// One labeled text of a corpus.
public struct LabeledRecord: Sendable {
    public let id: RecordID
    public let text: String
    public let isScam: Bool
    public let language: String?
    /// `dev` or `test` when the corpus says, or when assigned by near-duplicate groups.
    public var split: String?
    /// Texts of one group never sit on both sides of a split or of cross-validation folds.
    public var group: String?
    /// The tactics the corpus says the text shows.
    public let tactics: [String]
    /// The file it came from and its 1-based line (for CSV, the line where the row starts).
    public let source: String
    public let line: Int

    public init(
        id: RecordID, text: String, isScam: Bool, language: String? = nil, split: String? = nil, group: String? = nil,
        tactics: [String] = [], source: String = "", line: Int = 0
    ) {
        self.id = id; self.text = text; self.isScam = isScam; self.language = language; self.split = split
        self.group = group; self.tactics = tactics; self.source = source; self.line = line
    }
}

/// What became of one input record of a corpus, in input order.
public enum CorpusEntry: Sendable {
    /// A record with a text and a label of the mapping: `records[index]`.
    case record(index: Int)
    /// A record whose label is neither positive nor negative.
    case skipped(id: RecordID, label: String, source: String, line: Int)
    /// A record that could not be read.
    case failed(id: RecordID, error: RecordError, source: String, line: Int)
}

/// A file of a corpus and the SHA-256 of its bytes.
public struct CorpusSource: Sendable, Hashable {
    public let path: String
    public let sha256: String
}

/// A corpus that cannot be read at all (as opposed to a record that cannot: see `CorpusEntry.failed`).
public enum CorpusError: Error, Sendable, CustomStringConvertible {
    case cannotRead(path: String, reason: String)
    case unterminatedQuote(path: String, line: Int)
    case missingColumn(path: String, column: String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason): return "\(path): cannot read: \(reason)"
        case .unterminatedQuote(let path, let line): return "\(path):\(line): a quoted CSV field is never closed"
        case .missingColumn(let path, let column): return "\(path):1: no column '\(column)' in the CSV header"
        }
    }
}

/// Labeled texts read from JSON Lines files, CSV files (with a header row) and folder trees whose path names the
/// label (`scam/…`, `legit/…`; a `dev` or `test` folder on the path gives the split).
public struct LabeledCorpus: Sendable {
    public private(set) var records: [LabeledRecord] = []
    /// Every input record in input order.
    public private(set) var entries: [CorpusEntry] = []
    public private(set) var sources: [CorpusSource] = []

    public init(records: [LabeledRecord]) {
        self.records = records
        self.entries = records.indices.map { .record(index: $0) }
    }

    /// Reads `paths` in order; a folder is read as a tree, a `.csv` file as CSV, anything else as JSON Lines.
    public static func read(
        _ paths: [String], fields: CorpusFields = CorpusFields(), labels: LabelMapping = .default
    ) throws(CorpusError) -> LabeledCorpus {
        var corpus = LabeledCorpus(records: [])
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .cannotRead(path: path, reason: "no such file or folder")
            }
            if isDirectory.boolValue {
                try corpus.readTree(path, labels: labels)
            } else if path.lowercased().hasSuffix(".csv") {
                try corpus.readCSV(path, fields: fields, labels: labels)
            } else {
                try corpus.readJSONLines(path, fields: fields, labels: labels)
            }
        }
        return corpus
    }

    /// One hash for the whole corpus: the SHA-256 of its files' hashes in order.
    public var sha256: String {
        SHA256.hex(sources.map(\.sha256).joined(separator: "\n").utf8)
    }

    /// Counts of skipped labels.
    public var skippedLabels: [String: Int] {
        var counts: [String: Int] = [:]
        for case .skipped(_, let label, _, _) in entries { counts[label, default: 0] += 1 }
        return counts
    }

    public var failures: [(id: RecordID, error: RecordError, source: String, line: Int)] {
        entries.compactMap { if case .failed(let id, let error, let source, let line) = $0 { (id, error, source, line) } else { nil } }
    }

    /// The same corpus with only the records of `split` (entries of other records are dropped too).
    public func filtered(split: String) -> LabeledCorpus {
        filtered { _, record in record.split == split }
    }

    /// The same corpus with only the records (by index) that `keep` accepts; skipped and failed entries stay.
    public func filtered(_ keep: (Int, LabeledRecord) -> Bool) -> LabeledCorpus {
        var copy = LabeledCorpus(records: [])
        copy.sources = sources
        for entry in entries {
            switch entry {
            case .record(let index):
                guard keep(index, records[index]) else { continue }
                copy.entries.append(.record(index: copy.records.count))
                copy.records.append(records[index])
            case .skipped, .failed:
                copy.entries.append(entry)
            }
        }
        return copy
    }

    /// Fills in missing groups with near-duplicate groups (`NearDuplicateGrouper`, or `nearGroups` computed
    /// already), and missing splits from a hash of the group, so a template posted twice lands on one side only.
    /// About half of the groups go to `test`.
    public mutating func assignGroupsAndSplits(nearGroups: [String]? = nil) {
        let clusters = nearGroups ?? NearDuplicateGrouper().groups(records.map(\.text))
        for index in records.indices {
            if records[index].group == nil { records[index].group = clusters[index] }
            if records[index].split == nil {
                let hash = SHA256.hex(records[index].group!.utf8)
                records[index].split = "01234567".contains(hash.first!) ? "dev" : "test"
            }
        }
    }

    /// How many `test` records have a near-duplicate (by `nearGroups`, one per record) among the `dev` records:
    /// texts a model fitted on dev has in effect seen. Nil when the corpus has no dev or no test records.
    public func crossSplitNearDuplicates(nearGroups: [String]) -> Int? {
        let devGroups = Set(records.indices.filter { records[$0].split == "dev" }.map { nearGroups[$0] })
        let test = records.indices.filter { records[$0].split == "test" }
        guard !devGroups.isEmpty, !test.isEmpty else { return nil }
        return test.filter { devGroups.contains(nearGroups[$0]) }.count
    }

    private mutating func add(
        id: RecordID, text: String?, label: String?, language: String?, split: String?, group: String?,
        tactics: [String], source: String, line: Int, labels: LabelMapping, fields: CorpusFields
    ) {
        guard let label else {
            entries.append(.failed(id: id, error: RecordError(code: "missing_field", message: "no '\(fields.label)' field"), source: source, line: line))
            return
        }
        guard let text else {
            entries.append(.failed(id: id, error: RecordError(code: "missing_field", message: "no '\(fields.text)' field"), source: source, line: line))
            return
        }
        guard let isScam = labels.isScam(label) else {
            entries.append(.skipped(id: id, label: label, source: source, line: line))
            return
        }
        entries.append(.record(index: records.count))
        records.append(LabeledRecord(
            id: id, text: text, isScam: isScam, language: language.flatMap { $0.isEmpty ? nil : $0 },
            split: split.flatMap { $0.isEmpty ? nil : $0 }, group: group.flatMap { $0.isEmpty ? nil : $0 },
            tactics: tactics, source: source, line: line))
    }

    private static func contents(_ path: String) throws(CorpusError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .cannotRead(path: path, reason: "not readable")
        }
        return [UInt8](data)
    }

    private mutating func readJSONLines(_ path: String, fields: CorpusFields, labels: LabelMapping) throws(CorpusError) {
        let bytes = try Self.contents(path)
        sources.append(CorpusSource(path: path, sha256: SHA256.hex(bytes)))
        var lineNumber = 0
        for var line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.isEmpty && line.endIndex == bytes.endIndex { break }  // after the final newline, or an empty file
            func fail(_ code: String, _ message: String, id: RecordID = .line(lineNumber)) {
                entries.append(.failed(id: id, error: RecordError(code: code, message: message), source: path, line: lineNumber))
            }
            let object: [String: Any]
            switch RecordDecoder.jsonObject(line) {
            case .success(let fields): object = fields
            case .failure(let error): fail(error.code, error.message); continue
            }
            let id = object[fields.id].flatMap(RecordDecoder.recordID) ?? .line(lineNumber)
            if let value = object[fields.text], !(value is String), !(value is NSNull) {
                fail("wrong_type", "'\(fields.text)' is not a string", id: id)
                continue
            }
            add(
                id: id, text: object[fields.text] as? String, label: object[fields.label].flatMap(Self.scalarText),
                language: object[fields.language].flatMap(Self.scalarText), split: object[fields.split].flatMap(Self.scalarText),
                group: object[fields.group].flatMap(Self.scalarText),
                tactics: (object[fields.tactics] as? [Any])?.compactMap { $0 as? String } ?? [],
                source: path, line: lineNumber, labels: labels, fields: fields)
        }
    }

    private mutating func readCSV(_ path: String, fields: CorpusFields, labels: LabelMapping) throws(CorpusError) {
        let bytes = try Self.contents(path)
        sources.append(CorpusSource(path: path, sha256: SHA256.hex(bytes)))
        let rows: [CSVReader.Row]
        do {
            rows = try CSVReader.rows(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw .unterminatedQuote(path: path, line: error.line)
        }
        guard let header = rows.first else { return }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{FEFF}", with: "") }
        func column(_ name: String) -> Int? { names.firstIndex(of: name) }
        guard let textColumn = column(fields.text) else { throw .missingColumn(path: path, column: fields.text) }
        guard let labelColumn = column(fields.label) else { throw .missingColumn(path: path, column: fields.label) }
        for row in rows.dropFirst() {
            guard row.fields.count == names.count else {
                entries.append(.failed(
                    id: .line(row.line),
                    error: RecordError(code: "wrong_field_count", message: "\(row.fields.count) fields, the header has \(names.count)"),
                    source: path, line: row.line))
                continue
            }
            func value(_ name: String) -> String? { column(name).map { row.fields[$0] } }
            let tactics = value(fields.tactics)?.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == " " }).map(String.init) ?? []
            add(
                id: value(fields.id).map(RecordID.string) ?? .line(row.line), text: row.fields[textColumn],
                label: row.fields[labelColumn], language: value(fields.language), split: value(fields.split),
                group: value(fields.group), tactics: tactics, source: path, line: row.line, labels: labels, fields: fields)
        }
    }

    private mutating func readTree(_ root: String, labels: LabelMapping) throws(CorpusError) {
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw .cannotRead(path: root, reason: "cannot list the folder")
        }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = root + "/" + relative
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
               !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                files.append(relative)
            }
        }
        var treeHash = SHA256()
        for relative in files.sorted() {
            let bytes = try Self.contents(root + "/" + relative)
            treeHash.update(relative.utf8)
            treeHash.update(SHA256.hex(bytes).utf8)
            let folders = relative.split(separator: "/").dropLast().map(String.init)
            let label = folders.first { labels.isScam($0) != nil } ?? folders.first { $0 != "dev" && $0 != "test" } ?? ""
            let split = folders.first { $0 == "dev" || $0 == "test" }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                entries.append(.failed(
                    id: .string(relative), error: RecordError(code: "invalid_utf8", message: "file is not valid UTF-8"),
                    source: root + "/" + relative, line: 1))
                continue
            }
            add(
                id: .string(relative), text: text, label: label, language: nil, split: split, group: nil, tactics: [],
                source: root + "/" + relative, line: 1, labels: labels, fields: CorpusFields())
        }
        sources.append(CorpusSource(path: root, sha256: treeHash.hexDigest()))
    }

    /// A string, number or boolean as text (labels such as 1 or true).
    private static func scalarText(_ value: Any) -> String? {
        if let text = value as? String { return text }
        if let number = value as? NSNumber { return number.stringValue }
        return nil
    }
}
