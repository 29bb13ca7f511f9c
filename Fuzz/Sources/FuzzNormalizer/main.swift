// Fuzzes the normalizer, tokenizer and entity extractor: every span of every view must map back inside the
// original on scalar boundaries, in order; nothing may crash.
import Foundation
import FuzzSupport
import RedFlag

nonisolated(unsafe) private let normalizer = Normalizer()
nonisolated(unsafe) private let extractor = EntityExtractor()


@_cdecl("LLVMFuzzerTestOneInput")
func fuzzNormalizer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let bytes = Array(text.utf8)
    func isBoundary(_ offset: Int) -> Bool { offset == bytes.count || (offset < bytes.count && bytes[offset] & 0xC0 != 0x80) }
    let views = normalizer.views(of: text)
    for view in [views.folded, views.normalized] {
        let viewBytes = Array(view.text.utf8)
        let starts = (0...viewBytes.count).filter { $0 == viewBytes.count || viewBytes[$0] & 0xC0 != 0x80 }
        var previous = 0
        for (index, start) in starts.enumerated() {
            let point = view.originalSpan(start: start, end: start)
            precondition(point.start >= previous && isBoundary(point.start), "view start map is not monotonic or not on a boundary")
            previous = point.start
            for end in starts[index...].prefix(8) {
                let span = view.originalSpan(start: start, end: end)
                precondition(span.start <= span.end && span.end <= bytes.count, "span outside the original")
                precondition(isBoundary(span.start) && isBoundary(span.end), "span not on scalar boundaries")
            }
        }
    }
    for token in Tokenizer.tokens(in: views.normalized) {
        precondition(token.start <= token.end && token.end <= bytes.count && isBoundary(token.start) && isBoundary(token.end))
    }
    for entity in extractor.entities(in: text) {
        precondition(entity.start < entity.end && entity.end <= bytes.count && isBoundary(entity.start) && isBoundary(entity.end))
    }
    return 0
}

runFuzzer { fuzzNormalizer($0, $1) }
