import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A binary built beside the test bundle (`redflag-serve`, `redflag`).
func builtBinary(_ name: String) -> URL {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory.deleteLastPathComponent()
    }
    return repositoryRoot.appendingPathComponent(".build/debug/\(name)")
}

/// An HTTP response as read off the socket.
struct HTTPResult {
    let status: Int
    let headers: [String: String]
    let body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any], "not a JSON object: \(text)")
    }
    /// `error.code` of a JSON error body.
    var errorCode: String? { ((try? json())?["error"] as? [String: Any])?["code"] as? String }
}

enum HTTPClientError: Error { case connect(Int32), malformed(String) }

/// A minimal HTTP/1.1 client over a real TCP socket to 127.0.0.1: one request per connection (`Connection: close`).
func http(
    _ method: String, _ path: String, port: Int, body: Data? = nil, headers: [String: String] = [:],
    timeout: Int = 120
) throws -> HTTPResult {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw HTTPClientError.connect(errno) }
    defer { close(fd) }
    var time = timeval(tv_sec: timeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw HTTPClientError.connect(errno) }
    var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    if let body, headers["Transfer-Encoding"] == nil { head += "Content-Length: \(body.count)\r\n" }
    head += "\r\n"
    var request = Data(head.utf8)
    if let body { request.append(body) }
    request.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            if sent <= 0 { break }  // the server may answer (413) and close before reading everything
            offset += sent
        }
    }
    var response = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        if count <= 0 { break }
        response.append(contentsOf: buffer[0..<count])
    }
    return try parseResponse(response)
}

private func parseResponse(_ data: Data) throws -> HTTPResult {
    guard let end = data.range(of: Data("\r\n\r\n".utf8)) else {
        throw HTTPClientError.malformed(String(decoding: data.prefix(200), as: UTF8.self))
    }
    let lines = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
    let statusParts = lines[0].split(separator: " ")
    guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw HTTPClientError.malformed(lines[0]) }
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    var body = Data(data[end.upperBound...])
    if headers["transfer-encoding"]?.lowercased() == "chunked" {
        var decoded = Data()
        var rest = body[...]
        while let lineEnd = rest.range(of: Data("\r\n".utf8)),
            let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16), size > 0
        {
            let start = lineEnd.upperBound
            decoded.append(rest[start..<start + size])
            rest = rest[(start + size + 2)...]
        }
        body = decoded
    }
    return HTTPResult(status: status, headers: headers, body: body)
}

/// `redflag-serve` run as a child process on a free port, its log in a file.
final class ServerProcess {
    let process = Process()
    let logFile: URL
    private(set) var port = 0

    /// Starts the server with `arguments` (plus `--port 0`) and waits until it listens.
    init(_ arguments: [String] = [], binary: URL = builtBinary("redflag-serve"), prefix: [String] = []) throws {
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-serve-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process.executableURL = binary
        process.arguments = prefix + ["--port", "0"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: logFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let match = log.firstMatch(of: /listening on http:\/\/127\.0\.0\.1:(\d+)/) {
                port = Int(match.1)!
                return
            }
            if !process.isRunning { break }
            usleep(20_000)
        }
        throw HTTPClientError.malformed("the server did not start: \(log)")
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    func request(_ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]) throws -> HTTPResult {
        try http(method, path, port: port, body: body, headers: headers)
    }

    func post(_ path: String, json: Any, headers: [String: String] = [:]) throws -> HTTPResult {
        try request("POST", path, body: try JSONSerialization.data(withJSONObject: json), headers: headers)
    }

    /// Sends `signal` to the server.
    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits until `condition` holds on the log (at most `seconds`).
    func waitForLog(_ text: String, seconds: Double = 30) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if log.contains(text) { return true }
            usleep(20_000)
        }
        return false
    }

    /// Stops the server (SIGTERM) and returns its exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { signal(SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: logFile)
    }
}

/// The line `redflag scan` prints for one JSON Lines record.
func scanLine(_ record: [String: Any], extra: [String] = []) throws -> String {
    let input = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-scan-\(UUID().uuidString).jsonl")
    try JSONSerialization.data(withJSONObject: record).write(to: input)
    defer { try? FileManager.default.removeItem(at: input) }
    let process = Process()
    process.executableURL = builtBinary("redflag")
    process.arguments = ["scan", "-q"] + extra + [input.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
}

/// A pattern-set folder with one rules file (and a small ruleset.yaml and tactics.yaml).
func makePatternSet(rules: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-set-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
    try "name: t\nversion: '1'\nbias: -2\nthresholds: {suspicious: 0.5, scam: 0.8}\n".write(
        to: folder.appendingPathComponent("ruleset.yaml"), atomically: true, encoding: .utf8)
    try "tactics:\n  - {id: offplatform, describe: chat apps}\n".write(
        to: folder.appendingPathComponent("tactics.yaml"), atomically: true, encoding: .utf8)
    try rules.write(to: folder.appendingPathComponent("rules/x.yaml"), atomically: true, encoding: .utf8)
    return folder
}

/// A rules file with one pattern rule.
func ruleFile(id: String, pattern: String, example: String) -> String {
    """
    rules:
      - id: \(id)
        tactic: offplatform
        weight: 3
        languages: [any]
        describe: test rule
        pattern: '\(pattern)'
        match: ['\(example)']
        nomatch: ['nothing here']

    """
}

let canary = "REDFLAG-CANARY-7F3A9C2E-RECRUITMENT-SCAM-TEST"
