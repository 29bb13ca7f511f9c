import Foundation
import Testing

@testable import RedFlag

private func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-corpus-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite struct LabeledCorpusTests {
    @Test func everyJSONLineBecomesOneEntry() throws {
        let folder = try temporaryFolder()
        let file = folder.appendingPathComponent("c.jsonl")
        var bytes = Data()
        let lines = [
            #"{"id": "a", "text": "Pay the fee on Telegram", "label": "scam", "language": "en", "tactics": ["upfront_fee"]}"#,
            #"{"id": 2, "text": "Bakery assistant, 11 € an hour", "label": 0, "split": "test"}"#,
            #"{"text": "Big sale today", "label": "spam"}"#,
            #"{"text": "truncated"#,
            "",
            #"{"label": "scam"}"#,
            #"{"text": 42, "label": "scam"}"#,
            #"[1, 2]"#,
            #"{"id": 0, "text": null, "label": "scam"}"#,
        ]
        for line in lines { bytes.append(Data((line + "\n").utf8)) }
        bytes.append(contentsOf: [0x7B, 0xFF, 0x7D, 0x0A])  // invalid UTF-8
        try bytes.write(to: file)
        let corpus = try LabeledCorpus.read([file.path])
        #expect(corpus.entries.count == 10)
        #expect(corpus.records.count == 2)
        #expect(corpus.records[0].isScam && corpus.records[0].language == "en" && corpus.records[0].tactics == ["upfront_fee"])
        #expect(!corpus.records[1].isScam && corpus.records[1].id == .number("2") && corpus.records[1].split == "test")
        #expect(corpus.skippedLabels == ["spam": 1])
        #expect(corpus.failures.map(\.error.code) == [
            "invalid_json", "empty_line", "missing_field", "wrong_type", "not_an_object", "missing_field", "invalid_utf8",
        ])
        #expect(corpus.failures.map(\.line) == [4, 5, 6, 7, 8, 9, 10])
        #expect(corpus.failures[5].id == .number("0"))  // a numeric id 0 is an id, not a boolean
        #expect(corpus.sources.first?.sha256 == SHA256.hex([UInt8](bytes)))
    }

    @Test func anEmptyFileHasNoRecordsAndABOMIsIgnored() throws {
        let folder = try temporaryFolder()
        let empty = folder.appendingPathComponent("empty.jsonl")
        try Data().write(to: empty)
        #expect(try LabeledCorpus.read([empty.path]).entries.isEmpty)
        let bom = folder.appendingPathComponent("bom.jsonl")
        try Data([0xEF, 0xBB, 0xBF] + Array(#"{"text": "hello", "label": "legit"}"#.utf8) + [0x0D, 0x0A]).write(to: bom)
        let corpus = try LabeledCorpus.read([bom.path])
        #expect(corpus.entries.count == 1 && corpus.records.count == 1)
    }

    @Test func labelMappingIsConfigurable() throws {
        let file = try temporaryFolder().appendingPathComponent("c.jsonl")
        try #"{"text": "x", "label": "FRAUD"}\#n{"text": "y", "label": "ok"}\#n"#.write(to: file, atomically: true, encoding: .utf8)
        let corpus = try LabeledCorpus.read([file.path], labels: LabelMapping(positive: ["fraud"], negative: ["ok"]))
        #expect(corpus.records.map(\.isScam) == [true, false])
    }

    @Test func csvWithAHeaderRowAndFolderTrees() throws {
        let folder = try temporaryFolder()
        let csv = folder.appendingPathComponent("sms.csv")
        try "class,message\nspam,\"Earn $500 a day, text me\"\nham,see you at 6\nham\n".write(to: csv, atomically: true, encoding: .utf8)
        var fields = CorpusFields()
        fields.text = "message"; fields.label = "class"
        let corpus = try LabeledCorpus.read([csv.path], fields: fields, labels: LabelMapping(positive: ["spam"], negative: ["ham"]))
        #expect(corpus.records.map(\.text) == ["Earn $500 a day, text me", "see you at 6"])
        #expect(corpus.failures.map(\.error.code) == ["wrong_field_count"])
        #expect(throws: CorpusError.self) { try LabeledCorpus.read([csv.path]) }  // no "text" column

        let tree = folder.appendingPathComponent("tree")
        for (path, text) in [("scam/dev/1.txt", "Send the deposit"), ("legit/test/2.txt", "Interview on Monday"), ("other/3.txt", "?")] {
            let url = tree.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let texts = try LabeledCorpus.read([tree.path])
        #expect(texts.records.map(\.isScam) == [false, true])  // sorted paths: legit/… before scam/…
        #expect(texts.records.map(\.split) == ["test", "dev"])
        #expect(texts.skippedLabels == ["other": 1])
    }

    @Test func splitsFollowNearDuplicateGroups() throws {
        var records: [LabeledRecord] = []
        for copy in 0..<6 {
            records.append(LabeledRecord(
                id: .line(copy), text: "Data entry clerk wanted, earn $\(300 + copy) per day from home, contact hr\(copy)@mail.test now",
                isScam: true))
        }
        records.append(LabeledRecord(id: .line(99), text: "Nurse for the night shift at the county hospital, interviews in March", isScam: false))
        var corpus = LabeledCorpus(records: records)
        corpus.assignGroupsAndSplits()
        #expect(Set(corpus.records.prefix(6).map(\.group)).count == 1)
        #expect(Set(corpus.records.prefix(6).map(\.split)).count == 1)
        #expect(corpus.records[6].group != corpus.records[0].group)
    }
}

@Suite struct NearDuplicateGrouperTests {
    @Test func templatesWithOtherNumbersGroupAndOtherTextsDoNot() {
        let texts = [
            "Work from home typing job. Earn 450 USD per week. WhatsApp +1 555 0100 to start today.",
            "Work from home typing job. Earn 900 USD per week. WhatsApp +44 7700 900123 to start today.",
            "Senior accountant for our Lyon office: closing the monthly accounts, reporting to the CFO.",
            "Our bakery is hiring a weekend assistant; apply in person with your CV.",
        ]
        let groups = NearDuplicateGrouper().groups(texts)
        #expect(groups[0] == groups[1])
        #expect(Set(groups).count == 3)
        #expect(NearDuplicateGrouper().groups(texts) == groups)
    }
}
