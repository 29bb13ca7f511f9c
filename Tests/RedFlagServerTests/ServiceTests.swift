import Foundation
import RedFlagService
import Testing

/// The service over a real loopback socket: `redflag-serve` runs as a child process on a free port.
@Suite struct EndpointTests {
    @Test func healthzSaysOkAndNamesTheRuleSet() throws {
        let server = try ServerProcess()
        let response = try server.request("GET", "/healthz")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        let json = try response.json()
        #expect(json["status"] as? String == "ok")
        #expect((json["rules"] as? Int ?? 0) > 100)
        #expect(server.log.contains("listening on http://127.0.0.1:"))  // loopback unless told otherwise
    }

    @Test func oneTextYieldsTheVerdictScanPrints() throws {
        let server = try ServerProcess()
        let texts: [[String: Any]] = [
            ["id": "post-17", "text": "Travail simple : rechargez 350 USDT puis écrivez à notre mentor sur Telegram"],
            ["id": 42, "text": "Recharge 100 USDT to unlock your next set of tasks, message me on Telegram"],
            ["id": "c", "text": canary],
            ["id": "legit", "text": "We are hiring a nurse for our Lyon clinic; apply on our website."],
        ]
        for record in texts {
            let response = try server.post("/v1/classify", json: record)
            #expect(response.status == 200)
            #expect(response.text == (try scanLine(record)))
        }
        // Without an id, one text is record 1, as `check` numbers it.
        let anonymous = try server.post("/v1/classify", json: ["text": canary]).json()
        #expect(anonymous["id"] as? Int == 1)
        #expect(anonymous["label"] as? String == "scam")
    }

    @Test func languageRestrictsTheRulesLikeScanLanguage() throws {
        let server = try ServerProcess()
        let text = "Travail simple : rechargez 350 USDT puis écrivez à notre mentor sur Telegram"
        let response = try server.post("/v1/classify", json: ["id": 1, "text": text, "language": "de"])
        #expect(response.text == (try scanLine(["id": 1, "text": text], extra: ["--language", "de"])))
        #expect(try response.json()["language"] as? String == "de")
    }

    @Test func thresholdOptionsWorkAsInScan() throws {
        let server = try ServerProcess(["--threshold-scam", "0.95", "--threshold-suspicious", "0.9"])
        let record: [String: Any] = ["id": 1, "text": "Recharge 100 USDT to unlock your next set of tasks, message me on Telegram"]
        let response = try server.post("/v1/classify", json: record)
        #expect(response.text == (try scanLine(record, extra: ["--threshold-scam", "0.95", "--threshold-suspicious", "0.9"])))
        let verdict = try response.json()
        let probability = try #require(verdict["probability"] as? Double)
        let expected = probability >= 0.95 ? "scam" : probability >= 0.9 ? "suspicious" : "legit"
        #expect(verdict["label"] as? String == expected)
    }

    @Test func weightsWorkAsInScan() throws {
        let weights = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-serve-w-\(UUID().uuidString).json")
        try #"{"format": "redflag-weights/1", "bias": 3, "thresholds": {"suspicious": 0.5, "scam": 0.9}, "weights": {}}"#
            .write(to: weights, atomically: true, encoding: .utf8)
        let server = try ServerProcess(["--weights", weights.path])
        let record: [String: Any] = ["id": 1, "text": "See you at the bakery at nine"]
        let response = try server.post("/v1/classify", json: record)
        #expect(response.text == (try scanLine(record, extra: ["--weights", weights.path])))
        #expect(try response.json()["label"] as? String == "scam")  // a bias of +3 alone: p = 0.95
    }

    @Test func batchOfTextsYieldsOneResultPerItemInOrder() throws {
        let server = try ServerProcess(["--max-text-bytes", "1000"])
        let items: [Any] = [canary, 5, NSNull(), "hello", String(repeating: "a", count: 1001), ["text": "x"], ""]
        let response = try server.post("/v1/classify", json: ["texts": items])
        #expect(response.status == 200)
        let results = try #require(try response.json()["results"] as? [[String: Any]])
        #expect(results.count == items.count)
        #expect(results.map { $0["id"] as? Int } == [1, 2, 3, 4, 5, 6, 7])
        #expect(results[0]["label"] as? String == "scam")
        let errors = results.map { ($0["error"] as? [String: Any])?["code"] as? String }
        #expect(errors == [nil, "wrong_type", "missing_field", nil, "text_too_large", "wrong_type", nil])
        let lines = results.map { ($0["error"] as? [String: Any])?["line"] as? Int }
        #expect(lines == [nil, 2, 3, nil, 5, 6, nil])
        #expect(results[6]["label"] as? String == "legit")  // an empty text is classified
    }

    @Test func batchOfRecordsKeepsIdsAndMatchesScan() throws {
        let server = try ServerProcess()
        let records: [Any] = [
            ["id": "a", "text": canary],
            ["id": "b"],
            "not an object",
            ["id": 7, "text": 3],
            ["id": "lang", "text": "x", "language": 2],
            ["text": "Recharge 100 USDT to unlock your next set of tasks, message me on Telegram"],
            ["id": "null", "text": NSNull()],
        ]
        let response = try server.post("/v1/classify", json: ["records": records])
        #expect(response.status == 200)
        let results = try #require(try response.json()["results"] as? [[String: Any]])
        #expect(results.count == records.count)
        #expect(results[0]["id"] as? String == "a")
        #expect(results[0]["label"] as? String == "scam")
        let codes = results.map { ($0["error"] as? [String: Any])?["code"] as? String }
        #expect(codes == [nil, "missing_field", "not_an_object", "wrong_type", "wrong_type", nil, "missing_field"])
        #expect(results[1]["id"] as? String == "b")
        #expect(results[2]["id"] as? Int == 3)
        #expect(results[3]["id"] as? Int == 7)
        #expect(results[5]["id"] as? Int == 6)  // no id: the item's position
        // Each verdict is the object `redflag scan` prints for the same record.
        let body = response.text
        #expect(body.contains(try scanLine(["id": "a", "text": canary])))
        #expect(body.contains(try scanLine(["id": 6, "text": "Recharge 100 USDT to unlock your next set of tasks, message me on Telegram"])))
        // An empty batch is an empty answer.
        #expect(try server.post("/v1/classify", json: ["records": []]).text == #"{"results":[]}"#)
    }

    @Test func rulesAndTacticsListTheSetInUse() throws {
        let server = try ServerProcess()
        let rules = try server.request("GET", "/v1/rules").json()
        let list = try #require(rules["rules"] as? [[String: Any]])
        #expect(rules["count"] as? Int == list.count)
        #expect(list.count > 100)
        #expect(list.contains { $0["id"] as? String == "CANARY_REDFLAG_TEST" })
        #expect(rules["fingerprint"] as? String == (try server.request("GET", "/healthz").json()["fingerprint"] as? String))
        let tactics = try #require(try server.request("GET", "/v1/tactics").json()["tactics"] as? [[String: Any]])
        let ids = tactics.compactMap { $0["id"] as? String }
        #expect(ids.contains("task_scam") && ids.contains("offplatform"))
        #expect(tactics.allSatisfy { !($0["describe"] as? String ?? "").isEmpty })
    }

    @Test func openAPIDocumentIsTheCheckedInOne() throws {
        let server = try ServerProcess()
        let response = try server.request("GET", "/openapi.json")
        #expect(response.status == 200)
        let served = try #require(try JSONSerialization.jsonObject(with: response.body) as? NSDictionary)
        let file = try Data(contentsOf: repositoryRoot.appendingPathComponent("docs/openapi.json"))
        let checkedIn = try #require(try JSONSerialization.jsonObject(with: file) as? NSDictionary)
        #expect(served == checkedIn)
        #expect(served["openapi"] as? String == "3.1.0")
    }

    @Test func metricsCountRequestsVerdictsAndRuleHits() throws {
        let server = try ServerProcess()
        for _ in 0..<2 { _ = try server.post("/v1/classify", json: ["text": canary]) }
        _ = try server.post("/v1/classify", json: ["texts": ["hello", 5]])
        _ = try server.request("GET", "/nope")
        let response = try server.request("GET", "/metrics")
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let samples = Dictionary(
            response.text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line -> (String, Double)? in
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
                return (String(line[..<space]), value)
            }, uniquingKeysWith: { first, _ in first })
        #expect(samples[#"redflag_http_requests_total{route="/v1/classify",method="POST",status="200"}"#] == 3)
        #expect(samples[#"redflag_http_requests_total{route="other",method="GET",status="404"}"#] == 1)
        #expect(samples[#"redflag_verdicts_total{label="scam"}"#] == 2)
        #expect(samples[#"redflag_verdicts_total{label="legit"}"#] == 1)
        #expect(samples[#"redflag_record_errors_total{code="wrong_type"}"#] == 1)
        #expect(samples[#"redflag_rule_hits_total{rule="CANARY_REDFLAG_TEST"}"#] == 2)
        #expect(samples[#"redflag_http_request_duration_seconds_count{route="/v1/classify"}"#] == 3)
        #expect(samples[#"redflag_http_request_duration_seconds_bucket{route="/v1/classify",le="+Inf"}"#] == 3)
        #expect((samples["redflag_rules_loaded"] ?? 0) > 100)
        #expect(samples["redflag_http_requests_in_flight"] == 1)  // the metrics request itself
    }
}

@Suite struct ErrorTests {
    @Test func malformedBodiesAre400WithACode() throws {
        let server = try ServerProcess()
        let cases: [(Data, String)] = [
            (Data("{\"text\": ".utf8), "invalid_json"),
            (Data([0x7B, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D]), "invalid_utf8"),
            (Data("[1, 2]".utf8), "not_an_object"),
            (Data("{}".utf8), "missing_field"),
            (Data(#"{"text": null}"#.utf8), "missing_field"),
            (Data(#"{"text": 5}"#.utf8), "wrong_type"),
            (Data(#"{"text": "a", "texts": ["b"]}"#.utf8), "conflicting_fields"),
            (Data(#"{"texts": "a"}"#.utf8), "wrong_type"),
            (Data(#"{"records": {"text": "a"}}"#.utf8), "wrong_type"),
            (Data(#"{"text": "a", "language": 5}"#.utf8), "wrong_type"),
            (Data(), "invalid_json"),
        ]
        for (body, code) in cases {
            let response = try server.request("POST", "/v1/classify", body: body)
            #expect(response.status == 400, "\(String(decoding: body, as: UTF8.self))")
            #expect(response.errorCode == code, "\(response.text)")
            #expect(response.headers["content-type"] == "application/json")
        }
    }

    @Test func oddTextsNeitherCrashNorLoseAnItem() throws {
        let server = try ServerProcess()
        // A lone surrogate escape, a NUL, a BOM, CRLF, only white space: each body gets an answer, and the server
        // keeps answering.
        for body in [#"{"text": "\ud800"}"#, #"{"text": "a\u0000b"}"#, "\u{FEFF}{\"text\": \"x\"}", #"{"text": "a\r\nb"}"#, #"{"text": "  "}"#] {
            let response = try server.request("POST", "/v1/classify", body: Data(body.utf8))
            #expect([200, 400].contains(response.status), "\(body): \(response.text)")
            #expect(response.headers["content-type"] == "application/json")
        }
        let batch = try server.post("/v1/classify", json: ["texts": ["a\u{0}b", "", " ", "\u{FEFF}x", String(repeating: "€", count: 30_000)]])
        #expect(batch.status == 200)
        #expect((try batch.json()["results"] as? [Any])?.count == 5)
        #expect(try server.request("GET", "/healthz").status == 200)
    }

    @Test func overALimitIs413NamingIt() throws {
        let server = try ServerProcess(["--max-body-bytes", "2000", "--max-batch", "3", "--max-text-bytes", "100"])
        func limit(_ response: HTTPResult) throws -> (String?, Double?) {
            let error = try #require(try response.json()["error"] as? [String: Any])
            return (error["limit"] as? String, error["max"] as? Double)
        }
        let big = try server.post("/v1/classify", json: ["text": String(repeating: "a", count: 3000)])
        #expect(big.status == 413)
        #expect(big.errorCode == "body_too_large")
        #expect(try limit(big) == ("max_body_bytes", 2000))
        // Without Content-Length (chunked), the body is cut off at the limit as it streams in.
        let json = #"{"text":""# + String(repeating: "b", count: 3000) + #""}"#
        let halves = [json.prefix(1500), json.dropFirst(1500)]
        let chunked = halves.map { String($0.utf8.count, radix: 16) + "\r\n" + $0 + "\r\n" }.joined() + "0\r\n\r\n"
        let streamed = try server.request(
            "POST", "/v1/classify", body: Data(chunked.utf8), headers: ["Transfer-Encoding": "chunked"])
        #expect(streamed.status == 413)
        #expect(try limit(streamed) == ("max_body_bytes", 2000))
        let batch = try server.post("/v1/classify", json: ["texts": ["a", "b", "c", "d"]])
        #expect(batch.status == 413)
        #expect(batch.errorCode == "batch_too_large")
        #expect(try limit(batch) == ("max_batch", 3))
        let text = try server.post("/v1/classify", json: ["text": String(repeating: "é", count: 51)])
        #expect(text.status == 413)
        #expect(text.errorCode == "text_too_large")
        #expect(try limit(text) == ("max_text_bytes", 100))
        // At the limits, the same requests pass.
        #expect(try server.post("/v1/classify", json: ["texts": ["a", "b", "c"]]).status == 200)
        #expect(try server.post("/v1/classify", json: ["text": String(repeating: "é", count: 50)]).status == 200)
    }

    @Test func slowRequestIs503NamingTheTimeout() throws {
        // 60 texts of 19 KB take seconds to classify; the 1 MB body is sent long before the 0.2 s are up.
        let server = try ServerProcess(["--request-timeout", "0.2", "--max-body-bytes", "10000000"])
        let text = String(repeating: "Recharge 100 USDT to unlock your tasks, message me on Telegram. ", count: 300)
        let response = try server.post("/v1/classify", json: ["texts": Array(repeating: text, count: 60)])
        #expect(response.status == 503)
        #expect(response.errorCode == "timeout")
        #expect((try response.json()["error"] as? [String: Any])?["limit"] as? String == "request_timeout")
        // The service goes on answering.
        #expect(try server.request("GET", "/healthz").status == 200)
    }

    @Test func unknownPathIs404AndWrongMethodIs405() throws {
        let server = try ServerProcess()
        let missing = try server.request("GET", "/v2/classify")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        let wrong = try server.request("GET", "/v1/classify")
        #expect(wrong.status == 405)
        #expect(wrong.errorCode == "method_not_allowed")
        #expect(wrong.headers["allow"] == "POST")
        let post = try server.request("POST", "/healthz", body: Data())
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET")
    }
}

@Suite struct AuthTests {
    @Test func tokenIsRequiredEverywhereButHealthz() throws {
        let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-token-\(UUID().uuidString)")
        try "s3cret-token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: tokenFile) }
        let server = try ServerProcess(["--token-file", tokenFile.path])
        let body = try JSONSerialization.data(withJSONObject: ["text": canary])
        for headers in [[:], ["Authorization": "Bearer wrong-token!"], ["Authorization": "Bearer s3cret-toke"], ["Authorization": "s3cret-token"]] {
            let response = try server.request("POST", "/v1/classify", body: body, headers: headers)
            #expect(response.status == 401)
            #expect(response.errorCode == "unauthorized")
            #expect(response.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        }
        for path in ["/v1/rules", "/v1/tactics", "/metrics", "/openapi.json"] {
            #expect(try server.request("GET", path).status == 401)
            #expect(try server.request("GET", path, headers: ["Authorization": "Bearer s3cret-token"]).status == 200)
        }
        let authorized = try server.request("POST", "/v1/classify", body: body, headers: ["Authorization": "Bearer s3cret-token"])
        #expect(authorized.status == 200)
        #expect(try authorized.json()["label"] as? String == "scam")
        #expect(try server.request("GET", "/healthz").status == 200)
    }

    @Test func constantTimeCompareIsEquality() {
        let token = Array("abcdef".utf8)
        #expect(constantTimeEqual(token, token))
        #expect(!constantTimeEqual(Array("abcdeg".utf8), token))
        #expect(!constantTimeEqual(Array("abcde".utf8), token))
        #expect(!constantTimeEqual(Array("abcdef\0".utf8), token))
        #expect(!constantTimeEqual([], token))
        #expect(constantTimeEqual([], []))
    }
}

@Suite struct LifecycleTests {
    @Test func sighupReloadsAGoodSetAndKeepsTheOldOneOnABadOne() throws {
        let folder = try makePatternSet(rules: ruleFile(id: "FIRST_RULE", pattern: "alpha", example: "alpha"))
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try ServerProcess(["--patterns", folder.path])
        func firedRules(_ text: String) throws -> [String] {
            let verdict = try server.post("/v1/classify", json: ["text": text]).json()
            return (verdict["evidence"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        }
        func ruleIDs() throws -> [String] {
            (try server.request("GET", "/v1/rules").json()["rules"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        #expect(try firedRules("alpha beta") == ["FIRST_RULE"])

        // A good file: the new rules are in use once the reload is logged.
        try ruleFile(id: "SECOND_RULE", pattern: "beta", example: "beta").write(
            to: folder.appendingPathComponent("rules/x.yaml"), atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        #expect(server.waitForLog("rule set reloaded"))
        #expect(try ruleIDs() == ["SECOND_RULE"])
        #expect(try firedRules("alpha beta") == ["SECOND_RULE"])

        // A bad file: logged with its diagnostics, the set in use stays.
        try "rules:\n  - id: BROKEN\n    pattern: '(unclosed'\n".write(
            to: folder.appendingPathComponent("rules/x.yaml"), atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        #expect(server.waitForLog("rule set reload failed"))
        #expect(server.log.contains("x.yaml"))
        #expect(try ruleIDs() == ["SECOND_RULE"])
        #expect(try firedRules("alpha beta") == ["SECOND_RULE"])
        let metrics = try server.request("GET", "/metrics").text
        #expect(metrics.contains(#"redflag_rule_set_reloads_total{result="success"} 1"#))
        #expect(metrics.contains(#"redflag_rule_set_reloads_total{result="failure"} 1"#))
        #expect(server.stop() == 0)
    }

    @Test func reloadsDropNoRequest() throws {
        let folder = try makePatternSet(rules: ruleFile(id: "FIRST_RULE", pattern: "alpha", example: "alpha"))
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try ServerProcess(["--patterns", folder.path])
        let port = server.port
        let statuses = StatusLog()
        let group = DispatchGroup()
        for worker in 0..<4 {
            DispatchQueue.global().async(group: group) {
                for index in 0..<25 {
                    let body = try! JSONSerialization.data(withJSONObject: ["id": "\(worker)-\(index)", "text": "alpha \(index)"])
                    let status = (try? http("POST", "/v1/classify", port: port, body: body).status) ?? -1
                    statuses.add(status)
                }
            }
        }
        for _ in 0..<5 {
            usleep(100_000)
            server.signal(SIGHUP)
        }
        group.wait()
        #expect(statuses.all.count == 100)
        #expect(statuses.all.allSatisfy { $0 == 200 })
        #expect(server.waitForLog("rule set reloaded"))
        #expect(server.stop() == 0)
    }

    @Test func sigtermLetsTheRequestInFlightFinish() throws {
        let server = try ServerProcess(["--max-batch", "1000", "--max-body-bytes", "10000000"])
        let port = server.port
        let text = String(repeating: "Recharge 100 USDT to unlock your tasks, message me on Telegram. ", count: 20)
        let body = try JSONSerialization.data(withJSONObject: ["texts": Array(repeating: text, count: 150)])
        let result = ResultBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            result.value = try? http("POST", "/v1/classify", port: port, body: body)
            done.signal()
        }
        // Wait until the request is being answered (the metrics request itself is the other one), then stop.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !(try server.request("GET", "/metrics").text.contains("redflag_http_requests_in_flight 2")) {
            usleep(10_000)
        }
        server.signal(SIGTERM)
        done.wait()
        let response = try #require(result.value)
        #expect(response.status == 200)
        #expect((try response.json()["results"] as? [Any])?.count == 150)
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        #expect(throws: (any Error).self) { try http("GET", "/healthz", port: port) }
    }

    @Test func redflagServeRunsTheServerBinary() throws {
        let server = try ServerProcess(["--log-level", "warning"], binary: builtBinary("redflag"), prefix: ["serve"])
        #expect(try server.request("GET", "/healthz").status == 200)
        #expect(server.stop() == 0)
    }
}

final class StatusLog: @unchecked Sendable {
    private let lock = NSLock()
    private var statuses: [Int] = []
    func add(_ status: Int) { lock.withLock { statuses.append(status) } }
    var all: [Int] { lock.withLock { statuses } }
}

final class ResultBox: @unchecked Sendable {
    var value: HTTPResult?
}
