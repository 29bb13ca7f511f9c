import Foundation

/// Learned weights for a rule set: a weight per rule and heuristic, the bias and thresholds, and optionally a
/// lexical layer. Written by `redflag train`, loaded by `check`, `scan` and `eval` with `--weights`.
///
/// The file is JSON (format `redflag-weights/1`, see docs/output.md); the lexical layer is a TSV file beside it
/// (`feature<TAB>weight<TAB>idf`), named in the JSON and checked by its SHA-256.
public struct ModelWeights: Sendable {
    public var weights: [String: Double]
    public var bias: Double
    public var thresholds: Thresholds
    public var lexical: LexicalModel?
    /// Free-form facts about how the weights were made (corpus hash, date, cross-validation figures), as JSON.
    public var headerJSON: String
    /// The fingerprint of the rule set the weights were trained for.
    public var ruleSetFingerprint: String
    /// SHA-256 of the weights file and of its lexical file, when read from disk.
    public private(set) var sha256: String?

    public init(
        weights: [String: Double], bias: Double, thresholds: Thresholds, lexical: LexicalModel? = nil,
        headerJSON: String = "{}", ruleSetFingerprint: String
    ) {
        self.weights = weights; self.bias = bias; self.thresholds = thresholds; self.lexical = lexical
        self.headerJSON = headerJSON; self.ruleSetFingerprint = ruleSetFingerprint
    }

    public static let format = "redflag-weights/1"

    /// Writes the weights to `path`, and the lexical layer (if any) to `path` with `.lexical.tsv` for `.json`.
    public func write(to path: String) throws(WeightsError) {
        var lexicalFile: (name: String, bytes: [UInt8])?
        if let lexical {
            var tsv = "# redflag lexical layer: feature<TAB>weight<TAB>idf, heaviest first. Features are lower-case words or word pairs of the normalized text (<num> is any number) and ~abc, a character n-gram of a word (# marks its ends).\n"
            let rows = lexical.features.sorted { ($0.value.weight, $1.key) > ($1.value.weight, $0.key) }
            for (feature, value) in rows {
                tsv += "\(feature)\t\(Self.format(value.weight))\t\(Self.format(value.idf))\n"
            }
            let name = (path.hasSuffix(".json") ? String(path.dropLast(5)) : path) + ".lexical.tsv"
            lexicalFile = ((name as NSString).lastPathComponent, Array(tsv.utf8))
            guard FileManager.default.createFile(atPath: name, contents: Data(tsv.utf8)) else {
                throw .cannotWrite(path: name)
            }
        }
        var out = "{\n"
        out += "  \"format\": \"\(Self.format)\",\n"
        out += "  \"header\": \(headerJSON),\n"
        out += "  \"rule_set_fingerprint\": \(quoted(ruleSetFingerprint)),\n"
        out += "  \"bias\": \(Self.format(bias)),\n"
        out += "  \"thresholds\": {\"suspicious\": \(Self.format(thresholds.suspicious)), \"scam\": \(Self.format(thresholds.scam))},\n"
        if let lexicalFile {
            out += "  \"lexical\": {\"file\": \(quoted(lexicalFile.name)), \"sha256\": \"\(SHA256.hex(lexicalFile.bytes))\", \"features\": \(lexical!.features.count), \"scheme\": \"\(lexical!.scheme.rawValue)\"},\n"
        } else {
            out += "  \"lexical\": null,\n"
        }
        out += "  \"weights\": {\n"
        out += weights.keys.sorted().map { "    \(quoted($0)): \(Self.format(weights[$0]!))" }.joined(separator: ",\n")
        out += "\n  }\n}\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(out.utf8)) else { throw .cannotWrite(path: path) }
    }

    /// Reads a weights file and its lexical layer.
    public static func read(from path: String) throws(WeightsError) -> ModelWeights {
        guard let data = FileManager.default.contents(atPath: path) else { throw .cannotRead(path: path) }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .invalid(path: path, reason: "not a JSON object")
        }
        guard object["format"] as? String == format else {
            throw .invalid(path: path, reason: "'format' is not \"\(format)\"")
        }
        guard let bias = (object["bias"] as? NSNumber)?.doubleValue, abs(bias) <= largestValue else {
            throw .invalid(path: path, reason: "'bias' is not a number of at most \(largestValue) in size")
        }
        guard let thresholdObject = object["thresholds"] as? [String: Any],
            let suspicious = (thresholdObject["suspicious"] as? NSNumber)?.doubleValue,
            let scam = (thresholdObject["scam"] as? NSNumber)?.doubleValue, suspicious <= scam, suspicious > 0, scam < 1
        else {
            throw .invalid(path: path, reason: "'thresholds' needs 'suspicious' ≤ 'scam', both between 0 and 1")
        }
        guard let weightObject = object["weights"] as? [String: Any] else {
            throw .invalid(path: path, reason: "'weights' is not an object")
        }
        var weights: [String: Double] = [:]
        for (id, value) in weightObject {
            guard let number = (value as? NSNumber)?.doubleValue, abs(number) <= largestValue else {
                throw .invalid(path: path, reason: "the weight of '\(id)' is not a number of at most \(largestValue) in size")
            }
            weights[id] = number
        }
        var hasher = SHA256()
        hasher.update([UInt8](data))
        var lexical: LexicalModel?
        if let lexicalObject = object["lexical"] as? [String: Any] {
            guard let file = lexicalObject["file"] as? String, let expected = lexicalObject["sha256"] as? String else {
                throw .invalid(path: path, reason: "'lexical' needs 'file' and 'sha256'")
            }
            let lexicalPath = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(file)
            guard let bytes = FileManager.default.contents(atPath: lexicalPath).map([UInt8].init) else {
                throw .cannotRead(path: lexicalPath)
            }
            guard SHA256.hex(bytes) == expected else {
                throw .invalid(path: lexicalPath, reason: "its SHA-256 is not the one \(path) names: the files do not belong together")
            }
            // Files written before schemes were named used the joint one.
            let schemeName = lexicalObject["scheme"] as? String ?? LexicalModel.Scheme.joint.rawValue
            guard let scheme = LexicalModel.Scheme(rawValue: schemeName) else {
                let known = LexicalModel.Scheme.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
                throw .invalid(path: path, reason: "'lexical.scheme' is \"\(schemeName)\", not \(known)")
            }
            hasher.update(bytes)
            lexical = try readLexical(bytes, path: lexicalPath, scheme: scheme)
        }
        var model = ModelWeights(
            weights: weights, bias: bias, thresholds: Thresholds(suspicious: suspicious, scam: scam), lexical: lexical,
            ruleSetFingerprint: object["rule_set_fingerprint"] as? String ?? "")
        model.sha256 = hasher.hexDigest()
        return model
    }

    private static func readLexical(_ bytes: [UInt8], path: String, scheme: LexicalModel.Scheme) throws(WeightsError) -> LexicalModel {
        var features: [String: LexicalModel.Feature] = [:]
        for (number, line) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3, let weight = Double(fields[1]), let idf = Double(fields[2]),
                abs(weight) <= largestValue, idf >= 0, idf <= largestValue
            else {
                throw .invalid(path: "\(path):\(number + 1)", reason: "expected feature<TAB>weight<TAB>idf")
            }
            features[String(fields[0])] = LexicalModel.Feature(weight: weight, idf: idf)
        }
        return LexicalModel(features: features, scheme: scheme)
    }

    /// A finite number at full precision (it reads back as the same Double).
    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    /// The largest weight, bias or idf a file may hold: beyond it sums could overflow to infinity.
    static let largestValue = 1e6

    private func quoted(_ text: String) -> String {
        var json = JSONWriter()
        json.string(text)
        return json.output
    }
}

/// A weights file that cannot be used.
public enum WeightsError: Error, Sendable, CustomStringConvertible {
    case cannotRead(path: String)
    case cannotWrite(path: String)
    case invalid(path: String, reason: String)
    /// The file names rules the rule set does not have.
    case unknownRules(path: String, ids: [String])

    public var description: String {
        switch self {
        case .cannotRead(let path): return "\(path): cannot read the weights file"
        case .cannotWrite(let path): return "\(path): cannot write"
        case .invalid(let path, let reason): return "\(path): invalid weights file: \(reason)"
        case .unknownRules(let path, let ids):
            let shown = ids.prefix(5).joined(separator: ", ") + (ids.count > 5 ? " and \(ids.count - 5) more" : "")
            return "\(path): weights for rules the rule set does not have: \(shown) (trained for another rule set?)"
        }
    }
}

extension RuleSet {
    /// The same set scored with learned weights: rule and heuristic weights, bias, thresholds and lexical layer.
    /// Rules the file does not name keep their own weight. `path` names the file in errors.
    public func applying(_ model: ModelWeights, path: String = "weights") throws(WeightsError) -> RuleSet {
        let known = Set(rules.map(\.id)).union(settings.heuristics.map(\.id))
        let unknown = model.weights.keys.filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else { throw .unknownRules(path: path, ids: unknown) }
        var copy = self
        copy.replaceWeights { id, weight in model.weights[id] ?? weight }
        copy.settings.bias = model.bias
        copy.settings.thresholds = model.thresholds
        copy.lexical = model.lexical
        return copy
    }
}
