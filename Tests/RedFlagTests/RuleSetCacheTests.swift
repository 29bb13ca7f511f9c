import Foundation
import Testing

@testable import RedFlag
@testable import RedFlagRegex

/// A snapshot loads the same rule set the YAML does, and a damaged or stale one is never used.
@Suite struct RuleSetCacheTests {
    private func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-cache-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func aSnapshotClassifiesEveryCorpusTextAsTheYAMLDoes() throws {
        let fromYAML = EngineEquivalenceTests.ruleSet
        let snapshot = RuleSetSnapshot.encode(fromYAML)
        let fromSnapshot = try #require(RuleSetSnapshot.decode(snapshot, fingerprint: fromYAML.fingerprint))
        #expect(fromSnapshot.rules.count == fromYAML.rules.count)
        #expect(fromSnapshot.settings == fromYAML.settings)
        #expect(fromSnapshot.tactics == fromYAML.tactics)
        #expect(fromSnapshot.fingerprint == fromYAML.fingerprint)
        #expect(zip(fromSnapshot.rules, fromYAML.rules).allSatisfy {
            $0.id == $1.id && $0.source == $1.source && $0.weight == $1.weight && $0.languages == $1.languages
                && $0.describe == $1.describe && $0.describeLocal == $1.describeLocal
                && $0.references == $1.references && $0.flags == $1.flags && $0.unless == $1.unless
                && $0.location == $1.location && $0.view == $1.view
        })
        // Their texts stay encoded until read.
        #expect(fromSnapshot.rules.allSatisfy { if case .encoded = $0.texts.storage { true } else { false } })
        let texts = EngineEquivalenceTests.corpusTexts
        #expect(texts.count > 1000)
        // The prefilter layout comes with the snapshot, as worked out from the patterns.
        #expect(fromSnapshot.hasPrefilterLayout)
        #expect(fromSnapshot.prefilterLayout == fromYAML.prefilterLayout)
        let yamlScanner = RuleScanner(ruleSet: fromYAML)
        let snapshotScanner = RuleScanner(ruleSet: fromSnapshot)
        // What `check` uses: the literal table built from the snapshot's layout, against PCRE2 alone.
        let reference = RuleScanner(ruleSet: fromYAML, engine: .pcre2, prefiltered: false)
        let tableFromSnapshot = RuleScanner(ruleSet: fromSnapshot, engine: .pcre2, prefiltered: true)
        for (index, text) in texts.enumerated() {
            let expected = yamlScanner.classify(text).json(id: .line(index))
            #expect(snapshotScanner.classify(text).json(id: .line(index)) == expected)
            #expect(tableFromSnapshot.classify(text).json(id: .line(index)) == reference.classify(text).json(id: .line(index)))
        }
    }

    @Test func aRulesTextsBlockThatIsNotOneReadsAsNoTexts() {
        func int(_ value: Int) -> [UInt8] { withUnsafeBytes(of: Int64(value).littleEndian) { Array($0) } }
        func string(_ value: String) -> [UInt8] { int(value.utf8.count) + Array(value.utf8) }
        // describe, one language key, its value, one reference: a block as the writer lays it out.
        let good = string("Asks for a fee") + int(1) + string("fr") + int(1) + string("Demande des frais") + int(1)
            + string("https://example.org")
        let read = RuleSetSnapshot.decodeTexts(good, range: 0..<good.count)
        #expect(read.describe == "Asks for a fee" && read.describeLocal == ["fr": "Demande des frais"])
        #expect(read.references == ["https://example.org"])
        // One key and no value: not a block, so no texts (and no crash).
        let unpaired = string("Asks for a fee") + int(1) + string("fr") + int(0) + int(0)
        let none = RuleSetSnapshot.decodeTexts(unpaired, range: 0..<unpaired.count)
        #expect(none.describe.isEmpty && none.describeLocal.isEmpty && none.references.isEmpty)
        // A block with bytes after its last list is not one either.
        #expect(RuleSetSnapshot.decodeTexts(good + [0], range: 0..<(good.count + 1)).describe.isEmpty)
        // Ranges past the bytes, or a describe longer than its block, never read outside it.
        #expect(RuleSetSnapshot.decodeDescribe(good, range: 0..<(good.count + 8)) == "")
        #expect(RuleSetSnapshot.decodeDescribe(good, range: 0..<12) == "")
        // Invalid UTF-8 is no text.
        let invalid = int(2) + [0xC3, 0x28]
        #expect(RuleSetSnapshot.decodeDescribe(invalid, range: 0..<invalid.count) == "")
    }

    @Test func aPrefilterLayoutThatDoesNotAddUpIsRefused() throws {
        let set = EngineEquivalenceTests.ruleSet
        let layout = set.prefilterLayout
        #expect(layout.isConsistent(ruleCount: set.rules.count))
        #expect(!layout.isConsistent(ruleCount: set.rules.count + 1))
        // An id at or beyond the number of literals would index past the per-text `found` array.
        var outOfRange = layout
        let view = try #require(outOfRange.literals.firstIndex { $0.count > 0 })
        let list = outOfRange.literals[view]
        outOfRange.literals[view] = try #require(
            LiteralList(bytes: list.bytes, offsets: list.offsets, ids: list.ids.dropLast() + [Int32(layout.literalCount)]))
        #expect(!outOfRange.isConsistent(ruleCount: set.rules.count))
        var shifted = layout
        let first = try #require(shifted.conditionStart.firstIndex { $0 != nil })
        shifted.conditionStart[first] = shifted.conditionStart[first]! + 1  // inside a node, not at its start
        #expect(!shifted.isConsistent(ruleCount: set.rules.count))
        var dropped = layout
        dropped.conditionStart[first] = nil  // a node no rule starts at
        #expect(!dropped.isConsistent(ruleCount: set.rules.count))
        var badTag = layout
        var words = badTag.code.words
        words[0] = 7
        badTag.code = ConditionCode(words: words)
        #expect(!badTag.isConsistent(ruleCount: set.rules.count))
        var cut = layout
        cut.code = ConditionCode(words: Array(layout.code.words.dropLast()))
        #expect(!cut.isConsistent(ruleCount: set.rules.count))
    }

    @Test func damagedOrStaleSnapshotsAreRefused() throws {
        let set = EngineEquivalenceTests.ruleSet
        let snapshot = RuleSetSnapshot.encode(set)
        #expect(RuleSetSnapshot.decode(snapshot, fingerprint: "0000000000000000") == nil)
        #expect(RuleSetSnapshot.decode(Array(snapshot.dropLast()), fingerprint: set.fingerprint) == nil)
        #expect(RuleSetSnapshot.decode(snapshot + [0], fingerprint: set.fingerprint) == nil)
        #expect(RuleSetSnapshot.decode([], fingerprint: set.fingerprint) == nil)
        // Flipped bytes anywhere: the checksum refuses them.
        var random = SplitMix64(seed: 5)
        for _ in 0..<300 {
            var damaged = snapshot
            damaged[Int.random(in: 0..<damaged.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            #expect(RuleSetSnapshot.decode(damaged, fingerprint: set.fingerprint) == nil)
        }
        // A snapshot of another build is stale, even with a good checksum.
        var otherBuild = Array(snapshot.dropLast(8))
        let key = Array(RuleSetSnapshot.buildKey.utf8)
        let at = try #require(otherBuild.firstRange(of: key))
        otherBuild[at.lowerBound] = otherBuild[at.lowerBound] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        withUnsafeBytes(of: checksum(otherBuild[...]).littleEndian) { otherBuild.append(contentsOf: $0) }
        #expect(RuleSetSnapshot.decode(otherBuild, fingerprint: set.fingerprint) == nil)
    }

    @Test func theCacheSavesLoadsAndReplacesABadSnapshot() throws {
        let cache = RuleSetCache(directory: try temporaryFolder())
        let files = Fixture.files(Fixture.sample)
        let first = try cache.load(files)
        let path = cache.path(for: files.fingerprint)
        #expect(FileManager.default.fileExists(atPath: path))
        let second = try cache.load(files)
        #expect(second.rules.map(\.id) == first.rules.map(\.id))
        // A snapshot in the folder is what is read: plant one of another set under this fingerprint.
        let other = try RuleSet.load(Fixture.files(UnlessTests.rules))
        let planted = RuleSet(
            settings: other.settings, tactics: other.tactics, rules: other.rules, metaOrder: other.metaOrder,
            fingerprint: files.fingerprint)
        try Data(RuleSetSnapshot.encode(planted)).write(to: URL(fileURLWithPath: path))
        #expect(try cache.load(files).rules.map(\.id) == other.rules.map(\.id))
        // Garbage in the cache file: loaded from the YAML again and the file rewritten.
        try Data("not a snapshot".utf8).write(to: URL(fileURLWithPath: path))
        let third = try cache.load(files)
        #expect(third.rules.map(\.id) == first.rules.map(\.id))
        #expect(RuleSetSnapshot.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), fingerprint: files.fingerprint) != nil)
        // A folder that cannot be made only costs the saving.
        let blocked = RuleSetCache(directory: path + "/inside-a-file")
        #expect(try blocked.load(files).rules.count == first.rules.count)
        // Pattern errors are reported as without a cache.
        #expect(throws: RuleSetError.self) { try cache.load(Fixture.files("rules: [{id: X}]")) }
    }

    /// `scan`'s Hyperscan prefilter is compiled once and read back from the cache folder by later runs.
    @Test(.enabled(if: LiteralPrefilter.isHyperscanSupported))
    func theCacheKeepsTheHyperscanDatabasesOfASet() throws {
        let cache = RuleSetCache(directory: try temporaryFolder())
        let files = Fixture.files(Fixture.sample)
        let path = cache.databasePath(for: files.fingerprint)
        let texts = ["Message me on Telegram to start", "We never ask for fees", "telegram TELEGRAM", ""]
        func verdicts(_ set: RuleSet, _ engine: MatchEngine) -> [String] {
            let scanner = RuleScanner(ruleSet: set, engine: engine)
            return texts.enumerated().map { scanner.classify($1).json(id: .line($0)) }
        }
        let first = try cache.load(files)
        #expect(!FileManager.default.fileExists(atPath: path))  // nothing until a Hyperscan prefilter is built
        guard case .success(let compiled) = first.prefilter(.hyperscan) else { Issue.record("no prefilter"); return }
        #expect(compiled.compiledAny)
        #expect(FileManager.default.fileExists(atPath: path))
        let expected = verdicts(first, .pcre2)
        #expect(verdicts(first, .hyperscan) == expected)
        // The next run reads the databases back.
        let second = try cache.load(files)
        guard case .success(let readBack) = second.prefilter(.hyperscan) else { Issue.record("no prefilter"); return }
        #expect(!readBack.compiledAny)
        #expect(verdicts(second, .hyperscan) == expected)
        // A damaged file is compiled over and replaced by a good one.
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: path))
        let third = try cache.load(files)
        guard case .success(let recompiled) = third.prefilter(.hyperscan) else { Issue.record("no prefilter"); return }
        #expect(recompiled.compiledAny)
        #expect(verdicts(third, .hyperscan) == expected)
        #expect(!PrefilterDatabaseStore(cache: cache, path: path).read().isEmpty)
        // The table engine neither reads nor writes it.
        let fourth = try cache.load(files)
        guard case .success(let table) = fourth.prefilter(.pcre2) else { Issue.record("no prefilter"); return }
        #expect(!table.compiledAny && table.serializedDatabases.allSatisfy { $0 == nil })
    }

    @Test func filesOthersMayWriteAreIgnoredAndStaleTemporariesPruned() throws {
        let folder = try temporaryFolder()
        let cache = RuleSetCache(directory: folder)
        let files = Fixture.files(Fixture.sample)
        _ = try cache.load(files)
        let path = cache.path(for: files.fingerprint)
        #expect(RuleSetCache.readFile(path) != nil)
        // Group-writable: someone else could have put it there.
        #expect(chmod(path, 0o664) == 0)
        #expect(RuleSetCache.readFile(path) == nil)
        #expect(chmod(path, 0o600) == 0)
        // A killed run's temporary file is removed once old; a fresh one (a write in progress) is kept.
        let manager = FileManager.default
        let stale = "\(folder)/ruleset-0-0.bin.1.tmp", fresh = "\(folder)/ruleset-0-0.bin.2.tmp"
        #expect(manager.createFile(atPath: stale, contents: Data([1])) && manager.createFile(atPath: fresh, contents: Data([2])))
        try manager.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: stale)
        cache.write([0], to: "\(folder)/ruleset-1-1.bin")
        #expect(!manager.fileExists(atPath: stale) && manager.fileExists(atPath: fresh))
    }

    @Test func theStandardFolderFollowsTheEnvironment() {
        #expect(RuleSetCache.standard(environment: ["REDFLAG_CACHE_DIR": "off", "HOME": "/root"]) == nil)
        #expect(RuleSetCache.standard(environment: ["REDFLAG_CACHE_DIR": "/x"])?.directory == "/x")
        #expect(RuleSetCache.standard(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/h"])?.directory == "/c/redflag")
        #expect(RuleSetCache.standard(environment: ["HOME": "/h"])?.directory == "/h/.cache/redflag")
        #expect(RuleSetCache.standard(environment: [:]) == nil)
    }

    @Test func aDeferredPatternThatDoesNotCompileFailsItsMatchesOnly() throws {
        let broken = CompiledPattern(deferred: "(unclosed")
        #expect(throws: MatchError.self) { try broken.firstMatch(in: "text", scratch: MatchScratch()) }
        #expect(throws: MatchError.self) { try broken.firstMatch(in: "text", scratch: MatchScratch()) }
        #expect(!broken.isJITCompiled)
        let fine = CompiledPattern(deferred: #"\bvisa\b"#)
        #expect(try fine.firstMatch(in: "a free VISA", scratch: MatchScratch()) == MatchSpan(start: 7, end: 11))
    }
}
