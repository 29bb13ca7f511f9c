/// Groups texts that are the same advert posted again, possibly as a template with other numbers, names or links.
///
/// Each text becomes a set of word 3-grams after lower-casing and masking every token that holds a digit (so
/// prices, phone numbers and dates do not tell copies apart). MinHash signatures (64 hashes) with locality-sensitive
/// hashing (16 bands of 4) find candidate pairs; a pair whose estimated Jaccard similarity is at least
/// `minimumSimilarity` joins one group. Deterministic: the same texts in the same order give the same groups
/// (a text is compared with the first text of each LSH bucket, so another order may join a borderline pair
/// differently).
public struct NearDuplicateGrouper: Sendable {
    public var minimumSimilarity: Double
    private let hashCount = 64
    private let bandRows = 4

    public init(minimumSimilarity: Double = 0.5) {
        self.minimumSimilarity = minimumSimilarity
    }

    /// A group key per text (`near:` and 16 hex digits); texts with the same key are near-duplicates.
    public func groups(_ texts: [String]) -> [String] {
        let signatures = texts.map(signature(of:))
        var parent = Array(texts.indices)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        for band in 0..<(hashCount / bandRows) {
            var buckets: [[UInt64]: Int] = [:]
            for (index, signature) in signatures.enumerated() {
                let key = Array(signature.hashes[band * bandRows..<(band + 1) * bandRows])
                guard let first = buckets[key] else {
                    buckets[key] = index
                    continue
                }
                let (a, b) = (find(first), find(index))
                if a != b, similarity(signatures[first], signature) >= minimumSimilarity {
                    parent[max(a, b)] = min(a, b)
                }
            }
        }
        // Name each group by the smallest text fingerprint in it, so names do not depend on input order.
        var name: [Int: UInt64] = [:]
        for index in texts.indices {
            let root = find(index)
            name[root] = min(name[root] ?? .max, signatures[index].fingerprint)
        }
        return texts.indices.map { index in
            let hex = String(name[find(index)]!, radix: 16)
            return "near:" + String(repeating: "0", count: 16 - hex.count) + hex
        }
    }

    struct Signature {
        let hashes: [UInt64]
        /// A hash of the whole masked text.
        let fingerprint: UInt64
    }

    func signature(of text: String) -> Signature {
        let tokens = Tokenizer.tokens(in: text.lowercased()).map { token in
            token.text.unicodeScalars.contains { $0.properties.numericType != nil } ? "#" : token.text
        }
        let shingles: [UInt64]
        if tokens.count < 3 {
            shingles = [Self.fnv(tokens.joined(separator: " "))]
        } else {
            shingles = (0...(tokens.count - 3)).map { Self.fnv(tokens[$0..<$0 + 3].joined(separator: " ")) }
        }
        var hashes = [UInt64](repeating: .max, count: hashCount)
        for shingle in shingles {
            for i in 0..<hashCount {
                hashes[i] = min(hashes[i], Self.mix(shingle ^ (UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15)))
            }
        }
        return Signature(hashes: hashes, fingerprint: Self.fnv(tokens.joined(separator: " ")))
    }

    private func similarity(_ a: Signature, _ b: Signature) -> Double {
        Double(zip(a.hashes, b.hashes).filter { $0 == $1 }.count) / Double(hashCount)
    }

    static func fnv(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }

    /// SplitMix64's finalizer: a cheap, well-mixed permutation of 64-bit values.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
