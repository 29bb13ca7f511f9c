import Foundation

/// Reads a byte stream line by line, in chunks, without decoding it.
///
/// Lines end at `\n`; a `\r` before it and a UTF-8 byte-order mark at the start of the stream are dropped.
/// A last line without a line end is still a line; the empty piece after a final `\n` is not.
public struct LineReader {
    private let handle: FileHandle
    private let chunkSize: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var firstLine = true
    /// Number of lines returned so far.
    public private(set) var lineNumber = 0

    public init(handle: FileHandle, chunkSize: Int = 1 << 16) {
        self.handle = handle
        self.chunkSize = chunkSize
    }

    /// The next line's bytes, or nil at the end of the stream.
    public mutating func next() throws -> ArraySlice<UInt8>? {
        // Where the search for the next newline resumes: bytes before it were already searched, so a long line
        // read in many chunks is scanned once (linear, not quadratic).
        var searched = position
        while true {
            if let newline = buffer[searched...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[position..<newline]
                position = newline + 1
                return finish(line)
            }
            searched = buffer.count
            if atEnd {
                guard position < buffer.count else { return nil }
                let line = buffer[position...]
                position = buffer.count
                return finish(line)
            }
            if position > 0 {
                buffer.removeFirst(position)
                searched -= position
                position = 0
            }
            let data = try handle.read(upToCount: chunkSize) ?? Data()
            if data.isEmpty { atEnd = true } else { buffer.append(contentsOf: data) }
        }
    }

    private mutating func finish(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        lineNumber += 1
        var line = line
        if firstLine {
            firstLine = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        }
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        return line
    }
}
