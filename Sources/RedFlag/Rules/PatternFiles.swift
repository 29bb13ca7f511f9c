import Foundation
import RedFlagRegex

/// The files of a pattern set: `ruleset.yaml`, `tactics.yaml` and `rules/*.yaml`, as text.
public struct PatternFiles: Sendable {
    /// One file: its path relative to the set's folder, the path to show in diagnostics, and its text.
    public struct File: Sendable, Hashable {
        public let relativePath: String
        public let displayPath: String
        public let contents: String

        public init(relativePath: String, displayPath: String, contents: String) {
            self.relativePath = relativePath
            self.displayPath = displayPath
            self.contents = contents
        }
    }

    public let files: [File]
    /// Problems met while reading (RF018), reported with the loader's own.
    public let readDiagnostics: [Diagnostic]
    /// The largest pattern file read; a larger one is refused with RF018 (a rule set is text written by people).
    public static let maxFileBytes = 16 * 1024 * 1024

    /// The fingerprint when known beforehand (the embedded set's, worked out when it was embedded).
    private let knownFingerprint: String?

    public init(files: [File], readDiagnostics: [Diagnostic] = []) {
        self.init(files: files, readDiagnostics: readDiagnostics, knownFingerprint: nil)
    }

    private init(files: [File], readDiagnostics: [Diagnostic], knownFingerprint: String?) {
        self.files = files.sorted { $0.relativePath < $1.relativePath }
        self.readDiagnostics = readDiagnostics
        self.knownFingerprint = knownFingerprint
    }

    /// The default set, embedded in the binary at build time from `Patterns/`.
    public static var embedded: PatternFiles {
        PatternFiles(
            files: EmbeddedPatterns.files.map {
                File(relativePath: $0.path, displayPath: "<embedded>/\($0.path)", contents: $0.contents)
            },
            readDiagnostics: [], knownFingerprint: EmbeddedPatterns.fingerprint)
    }

    /// Reads a pattern set folder. Missing or unreadable files become RF018 diagnostics.
    public static func read(directory: String) -> PatternFiles {
        let base = URL(fileURLWithPath: directory)
        var files: [File] = []
        var problems: [Diagnostic] = []
        func load(_ relative: String) {
            let path = base.appendingPathComponent(relative).path
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
            guard size <= Self.maxFileBytes else {
                problems.append(Diagnostic(
                    .unreadable, "file is \(size) bytes, larger than the \(Self.maxFileBytes) a pattern file may have",
                    at: SourceLocation(file: path, line: 1, column: 1)))
                return
            }
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                guard let text = String(data: data, encoding: .utf8) else {
                    problems.append(Diagnostic(
                        .unreadable, "file is not valid UTF-8", at: SourceLocation(file: path, line: 1, column: 1)))
                    return
                }
                files.append(File(relativePath: relative, displayPath: path, contents: text))
            } catch {
                problems.append(Diagnostic(
                    .unreadable, "cannot read file: \(readReason(error))",
                    at: SourceLocation(file: path, line: 1, column: 1)))
            }
        }
        load("ruleset.yaml")
        load("tactics.yaml")
        let rulesFolder = base.appendingPathComponent("rules").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: rulesFolder)) ?? []
        let ruleFiles = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        if ruleFiles.isEmpty {
            problems.append(Diagnostic(
                .unreadable, "no rules file (rules/*.yaml) in the pattern set",
                at: SourceLocation(file: rulesFolder, line: 1, column: 1)))
        }
        ruleFiles.forEach { load("rules/\($0)") }
        return PatternFiles(files: files, readDiagnostics: problems)
    }

    /// A short hexadecimal fingerprint of every file's path and text (FNV-1a, 64 bits).
    public var fingerprint: String {
        if let knownFingerprint { return knownFingerprint }
        var hash = FNV1a()
        for file in files {
            hash.add(file.relativePath)
            hash.add("\u{0}")
            hash.add(file.contents)
            hash.add("\u{0}")
        }
        return hash.hex
    }
}

private func readReason(_ error: Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError {
        return underlying.localizedDescription.lowercased()
    }
    return nsError.localizedDescription.lowercased()
}
