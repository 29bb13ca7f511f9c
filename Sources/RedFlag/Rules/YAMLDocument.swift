import Yams

/// Reads typed values out of a parsed YAML file, recording a diagnostic with its place for each problem.
struct YAMLDocument {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) { self.file = file }

    /// Parses `text`; a syntax error becomes RF001 at the place libyaml gives.
    mutating func parse(_ text: String) -> Node? {
        do {
            // The basic resolver tags every plain scalar as a string: the loader reads numbers itself, and the
            // default resolver's regular expressions (run again for every key hashed) were most of the loading time.
            return try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            let (message, mark) = Self.describe(error)
            report(.invalidYAML, message, at: mark.map(location) ?? SourceLocation(file: file, line: 1, column: 1))
        } catch {
            report(.invalidYAML, "\(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
        return nil
    }

    func location(_ node: Node) -> SourceLocation {
        location(node.mark)
    }

    func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    mutating func report(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, rule: String? = nil) {
        diagnostics.append(Diagnostic(code, message, at: location, rule: rule))
    }

    /// The node as a mapping of string keys, reporting RF004 otherwise and RF002 for keys not in `allowed`.
    mutating func mapping(
        _ node: Node, what: String, allowed: Set<String>, rule: String? = nil
    ) -> [String: (key: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            report(.wrongType, "\(what) must be a mapping", at: location(node), rule: rule)
            return nil
        }
        var result: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                report(.wrongType, "keys of \(what) must be plain strings", at: location(key), rule: rule)
                continue
            }
            guard allowed.contains(name) else {
                let known = allowed.sorted().joined(separator: ", ")
                report(.unknownKey, "unknown key '\(name)' in \(what) (known: \(known))", at: location(key), rule: rule)
                continue
            }
            result[name] = (key, value)
        }
        return result
    }

    mutating func string(_ node: Node, what: String, rule: String? = nil) -> String? {
        guard case .scalar(let scalar) = node else {
            report(.wrongType, "\(what) must be a string", at: location(node), rule: rule)
            return nil
        }
        return scalar.string
    }

    mutating func number(_ node: Node, what: String, rule: String? = nil) -> Double? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Double.construct(from: scalar) else {
            report(.wrongType, "\(what) must be a number", at: location(node), rule: rule)
            return nil
        }
        return value
    }

    /// A sequence of strings; a single string is accepted where `allowSingle` is set.
    mutating func strings(
        _ node: Node, what: String, rule: String? = nil, allowSingle: Bool = false
    ) -> [(String, Node)]? {
        if allowSingle, case .scalar(let scalar) = node { return [(scalar.string, node)] }
        guard case .sequence(let sequence) = node else {
            report(.wrongType, "\(what) must be a list of strings", at: location(node), rule: rule)
            return nil
        }
        var items: [(String, Node)] = []
        for item in sequence {
            guard case .scalar(let scalar) = item else {
                report(.wrongType, "each item of \(what) must be a string", at: location(item), rule: rule)
                continue
            }
            items.append((scalar.string, item))
        }
        return items
    }

    private static func describe(_ error: YamlError) -> (String, Mark?) {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text): " } ?? ""
            return ("invalid YAML: \(prefix)\(problem)", mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ("invalid YAML: duplicate key \(duplicates.joined(separator: ", "))", context.mark)
        case .reader(let problem, _, _, _):
            return ("invalid YAML: \(problem)", nil)
        default:
            return ("invalid YAML: \(error)", nil)
        }
    }
}
