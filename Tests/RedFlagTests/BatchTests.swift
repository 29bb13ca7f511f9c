import Foundation
import Testing

@testable import RedFlag

@Suite struct RecordDecoderTests {
    let decoder = RecordDecoder(format: .jsonLines(textField: "text", idField: "id"))

    func decode(_ line: String) -> Result<InputRecord, DecodeFailure> {
        decoder.decode(ArraySlice(Array(line.utf8)), line: 7)
    }

    @Test func readsTextAndKeepsTheIdAsWritten() throws {
        let record = try decode(#"{"id": "a-1", "text": "hello"}"#).get()
        #expect(record.id == .string("a-1"))
        #expect(record.text == "hello")
        #expect(try decode(#"{"id": 42, "text": "x"}"#).get().id == .number("42"))
        #expect(try decode(#"{"text": "x"}"#).get().id == .line(7))
        #expect(try decode(#"{"id": true, "text": "x"}"#).get().id == .line(7))
    }

    @Test(arguments: [
        ("{\"text\": \"unterminated", "invalid_json"),
        ("[1, 2]", "not_an_object"),
        ("{\"id\": 3}", "missing_field"),
        ("{\"text\": 12}", "wrong_type"),
        ("{\"text\": null}", "missing_field"),
        ("   ", "empty_line"),
        ("", "empty_line"),
    ])
    func reportsWhyALineFails(_ line: String, _ code: String) {
        guard case .failure(let failure) = decode(line) else {
            Issue.record("'\(line)' decoded")
            return
        }
        #expect(failure.error.code == code)
    }

    @Test func invalidUTF8IsAnErrorNotACrash() {
        let bytes: [UInt8] = Array(#"{"text": "caf"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        guard case .failure(let failure) = decoder.decode(ArraySlice(bytes), line: 3) else {
            Issue.record("invalid UTF-8 decoded")
            return
        }
        #expect(failure.error.code == "invalid_utf8")
        #expect(failure.error.json(id: failure.id, line: 3) == #"{"id":3,"error":{"code":"invalid_utf8","message":"line is not valid UTF-8","line":3}}"#)
    }

    @Test func errorsKeepTheRecordIdWhenThereIsOne() {
        guard case .failure(let failure) = decode(#"{"id": "post-9", "text": 5}"#) else { return }
        #expect(failure.id == .string("post-9"))
    }
}

@Suite struct LineReaderTests {
    func lines(_ bytes: [UInt8], chunk: Int = 4) throws -> [String] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-lines-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var reader = LineReader(handle: try FileHandle(forReadingFrom: url), chunkSize: chunk)
        var result: [String] = []
        while let line = try reader.next() { result.append(String(decoding: line, as: UTF8.self)) }
        #expect(reader.lineNumber == result.count)
        return result
    }

    @Test func splitsOnNewlinesAcrossChunks() throws {
        #expect(try lines(Array("one\ntwo\n\nthree\n".utf8)) == ["one", "two", "", "three"])
    }

    @Test func keepsALastLineWithoutNewline() throws {
        #expect(try lines(Array("one\ntwo".utf8)) == ["one", "two"])
    }

    @Test func dropsCarriageReturnsAndTheByteOrderMark() throws {
        #expect(try lines([0xEF, 0xBB, 0xBF] + Array("a\r\nb\r\n".utf8), chunk: 2) == ["a", "b"])
    }

    @Test func emptyInputHasNoLines() throws {
        #expect(try lines([]).isEmpty)
    }
}

@Suite struct BatchClassifierTests {
    @Test func everyLineYieldsOneRecord() throws {
        let classifier = BatchClassifier(
            ruleSet: try RuleSet.load(Fixture.files(Fixture.sample)), format: .jsonLines(textField: "body", idField: "key"))
        let inputs = [#"{"key": 1, "body": "pay the training fee on telegram"}"#, "garbage", #"{"key": 2, "body": "hi"}"#]
        var summary = BatchSummary()
        var outputs: [String] = []
        for (index, line) in inputs.enumerated() {
            let (json, outcome) = classifier.classify(line: ArraySlice(Array(line.utf8)), number: index + 1)
            outputs.append(json)
            summary.add(outcome, bytes: line.utf8.count)
        }
        #expect(outputs.count == 3)
        #expect(outputs[0].hasPrefix(#"{"id":1,"label":"scam""#))
        #expect(outputs[1] == #"{"id":2,"error":{"code":"invalid_json","message":"line is not valid JSON","line":2}}"#)
        #expect(outputs[2].hasPrefix(#"{"id":2,"label":"legit""#))
        #expect(summary.description == "3 records: 1 scam, 0 suspicious, 1 legit, 1 error")
    }
}

@Suite struct JSONWriterTests {
    @Test func escapesStrings() throws {
        var json = JSONWriter()
        json.beginObject()
        json.key("s"); json.string("quote \" backslash \\ newline \n tab \t bell \u{7} é 👍 \u{2028}")
        json.key("n"); json.number(0.1234567)
        json.key("i"); json.number(3)
        json.key("nan"); json.number(.nan)
        json.key("a"); json.beginArray(); json.int(1); json.bool(true); json.null(); json.endArray()
        json.endObject()
        #expect(json.output == #"{"s":"quote \" backslash \\ newline \n tab \t bell \u0007 é 👍 \u2028","n":0.123457,"i":3,"nan":null,"a":[1,true,null]}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect(parsed?["s"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{7} é 👍 \u{2028}")
    }
}
