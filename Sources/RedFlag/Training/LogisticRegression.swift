import Foundation

/// A sparse feature vector: the indices of its non-zero features and their values.
public struct SparseRow: Sendable, Hashable {
    public var indices: [Int]
    public var values: [Double]

    public init(indices: [Int], values: [Double]) {
        self.indices = indices
        self.values = values
    }

    func dot(_ weights: [Double]) -> Double {
        var sum = 0.0
        for k in indices.indices { sum += weights[indices[k]] * values[k] }
        return sum
    }
}

/// L2-regularized logistic regression fitted by L-BFGS: minimizes
/// Σᵢ sᵢ · logloss(yᵢ, σ(w·xᵢ + b)) + ½ Σⱼ λⱼ (wⱼ − pⱼ)², where sᵢ are sample weights, λⱼ per-feature penalties and
/// pⱼ prior weights (so a feature the data says nothing about keeps its prior). The bias is not penalized.
/// Deterministic: no randomness, the same data give the same weights.
public struct LogisticRegression: Sendable {
    public var penalties: [Double]
    public var prior: [Double]
    public var maxIterations = 500
    /// Stop when the largest gradient component is below this.
    public var tolerance = 1e-6

    public init(featureCount: Int, penalty: Double = 1, prior: [Double]? = nil) {
        penalties = Array(repeating: penalty, count: featureCount)
        self.prior = prior ?? Array(repeating: 0, count: featureCount)
    }

    public struct Fit: Sendable {
        public let weights: [Double]
        public let bias: Double
        public let iterations: Int
        public let loss: Double
    }

    /// Fits weights to `rows` with labels `labels` (true: scam) and optional sample weights.
    public func fit(_ rows: [SparseRow], labels: [Bool], sampleWeights: [Double]? = nil, initialBias: Double = 0) -> Fit {
        let n = penalties.count
        let s = sampleWeights ?? Array(repeating: 1, count: rows.count)
        // θ = weights followed by the bias.
        func objective(_ theta: [Double]) -> (Double, [Double]) {
            var loss = 0.0
            var gradient = [Double](repeating: 0, count: n + 1)
            let bias = theta[n]
            for (i, row) in rows.enumerated() {
                let z = row.dot(theta) + bias
                // log(1 + e^z) − y·z, computed stably.
                let softplus = z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
                loss += s[i] * (softplus - (labels[i] ? z : 0))
                let residual = s[i] * (1 / (1 + exp(-z)) - (labels[i] ? 1 : 0))
                for k in row.indices.indices { gradient[row.indices[k]] += residual * row.values[k] }
                gradient[n] += residual
            }
            for j in 0..<n {
                let d = theta[j] - prior[j]
                loss += 0.5 * penalties[j] * d * d
                gradient[j] += penalties[j] * d
            }
            return (loss, gradient)
        }
        var theta = prior + [initialBias]
        let (iterations, loss) = LBFGS(memory: 10, maxIterations: maxIterations, tolerance: tolerance).minimize(&theta, objective)
        return Fit(weights: Array(theta[0..<n]), bias: theta[n], iterations: iterations, loss: loss)
    }
}

/// Limited-memory BFGS with a backtracking (Armijo) line search, for smooth convex objectives.
struct LBFGS {
    let memory: Int
    let maxIterations: Int
    let tolerance: Double

    /// Minimizes `f` from `x`, in place; returns the iterations done and the final value.
    func minimize(_ x: inout [Double], _ f: ([Double]) -> (Double, [Double])) -> (Int, Double) {
        var (value, gradient) = f(x)
        var steps: [[Double]] = [], changes: [[Double]] = [], rhos: [Double] = []
        for iteration in 0..<maxIterations {
            if gradient.map(abs).max() ?? 0 < tolerance { return (iteration, value) }
            // Two-loop recursion: direction = −H·g.
            var q = gradient
            var alphas = [Double](repeating: 0, count: steps.count)
            for k in stride(from: steps.count - 1, through: 0, by: -1) {
                alphas[k] = rhos[k] * dot(steps[k], q)
                axpy(-alphas[k], changes[k], &q)
            }
            if let s = steps.last, let y = changes.last {
                let scale = dot(s, y) / dot(y, y)
                for i in q.indices { q[i] *= scale }
            } else {
                let norm = dot(q, q).squareRoot()
                if norm > 0 { for i in q.indices { q[i] /= max(1, norm) } }
            }
            for k in steps.indices {
                let beta = rhos[k] * dot(changes[k], q)
                axpy(alphas[k] - beta, steps[k], &q)
            }
            var direction = q.map { -$0 }
            var slope = dot(gradient, direction)
            if slope >= 0 {  // not a descent direction: restart from the gradient
                direction = gradient.map { -$0 }
                slope = dot(gradient, direction)
                steps.removeAll(); changes.removeAll(); rhos.removeAll()
            }
            var step = 1.0
            var candidate = x, next = (value, gradient)
            var accepted = false
            for _ in 0..<40 {
                candidate = x
                axpy(step, direction, &candidate)
                next = f(candidate)
                if next.0 <= value + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            guard accepted else { return (iteration, value) }
            let s = zip(candidate, x).map { $0 - $1 }
            let y = zip(next.1, gradient).map { $0 - $1 }
            let sy = dot(s, y)
            let improvement = value - next.0
            x = candidate
            (value, gradient) = next
            if sy > 1e-12 {
                steps.append(s); changes.append(y); rhos.append(1 / sy)
                if steps.count > memory { steps.removeFirst(); changes.removeFirst(); rhos.removeFirst() }
            }
            if improvement <= 1e-12 * max(1, abs(value)) { return (iteration + 1, value) }
        }
        return (maxIterations, value)
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }

    private func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        for i in y.indices { y[i] += alpha * x[i] }
    }
}

/// Assigns groups of records to k folds for cross-validation: all records of a group in one fold, folds of
/// similar size, deterministic for a seed.
public enum GroupFolds {
    public static func assign(groups: [String], folds k: Int, seed: UInt64) -> [Int] {
        var sizes: [String: Int] = [:]
        for group in groups { sizes[group, default: 0] += 1 }
        var generator = SplitMix64(seed: seed)
        var order = sizes.keys.sorted()
        order.shuffle(using: &generator)
        // Largest groups first (a stable sort keeps the shuffled order among equals), each to the smallest fold.
        order = order.enumerated().sorted { (sizes[$0.element]!, -$0.offset) > (sizes[$1.element]!, -$1.offset) }.map(\.element)
        var foldOf: [String: Int] = [:]
        var load = [Int](repeating: 0, count: k)
        for group in order {
            let fold = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
            foldOf[group] = fold
            load[fold] += sizes[group]!
        }
        return groups.map { foldOf[$0]! }
    }
}

/// A small, fast, seedable random number generator (SplitMix64), so training is reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
