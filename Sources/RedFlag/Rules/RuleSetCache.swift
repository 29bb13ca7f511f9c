import Foundation

/// A folder of rule-set snapshots (`RuleSetSnapshot`), so that short runs such as `redflag check` skip parsing
/// and compiling the set they loaded before. Snapshots are keyed by the fingerprint of the pattern files;
/// one that cannot be read is ignored and replaced, and a folder that cannot be written only costs the saving.
public struct RuleSetCache: Sendable {
    public let directory: String
    /// Snapshots kept; older ones are removed when a new one is written.
    public static let kept = 8

    public init(directory: String) { self.directory = directory }

    /// The folder named by `REDFLAG_CACHE_DIR` (`off` turns the cache off), else `$XDG_CACHE_HOME/redflag`, else
    /// `~/.cache/redflag`; nil when caching is off or there is no home.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> RuleSetCache? {
        if let folder = environment["REDFLAG_CACHE_DIR"] {
            return folder == "off" || folder.isEmpty ? nil : RuleSetCache(directory: folder)
        }
        if let base = environment["XDG_CACHE_HOME"], base.hasPrefix("/") {
            return RuleSetCache(directory: base + "/redflag")
        }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return RuleSetCache(directory: home + "/.cache/redflag")
    }

    /// Named by the files' fingerprint and the build, so two redflag builds sharing a folder keep a snapshot each.
    func path(for fingerprint: String) -> String { "\(directory)/ruleset-\(fingerprint)-\(RuleSetSnapshot.buildKey).bin" }

    /// Snapshots are a few megabytes at most; anything larger, or not a regular file, is not one.
    static let largestSnapshot = 64 * 1024 * 1024

    /// The set in `files`: from its snapshot when there is a good one, else loaded (errors as `RuleSet.load`)
    /// and saved as a snapshot for next time.
    public func load(_ files: PatternFiles) throws(RuleSetError) -> RuleSet {
        guard files.readDiagnostics.isEmpty else { return try RuleSet.load(files) }
        let fingerprint = files.fingerprint
        let path = path(for: fingerprint)
        if let bytes = Self.readSnapshot(path), let set = RuleSetSnapshot.decode(bytes, fingerprint: fingerprint) {
            // Mark it used, so pruning keeps the snapshots in use rather than the last written.
            utimensat(AT_FDCWD, path, nil, 0)
            return set
        }
        let set = try RuleSet.load(files)
        save(set, to: path)
        return set
    }

    /// The bytes of the regular file at `path` when it is no larger than `largestSnapshot`, read straight into an
    /// array (Foundation's `Data` and the copy out of it cost a one-text `check` a millisecond).
    static func readSnapshot(_ path: String) -> [UInt8]? {
        // Not through a symbolic link, and never blocking on a FIFO planted under the snapshot's name.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0,
            info.st_size <= largestSnapshot
        else {
            return nil
        }
        let size = Int(info.st_size)
        var complete = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let count = read(descriptor, buffer.baseAddress! + done, size - done)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                done += count
            }
            complete = done == size  // a file cut short since fstat is not read (the checksum catches the rest)
            initialized = done
        }
        return complete ? bytes : nil
    }

    /// Writes the snapshot beside its final name and renames it, so a reader never sees half a file.
    private func save(_ set: RuleSet, to path: String) {
        let manager = FileManager.default
        guard (try? manager.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil else { return }
        let temporary = "\(path).\(ProcessInfo.processInfo.processIdentifier).tmp"
        guard manager.createFile(atPath: temporary, contents: Data(RuleSetSnapshot.encode(set))) else { return }
        guard rename(temporary, path) == 0 else {
            try? manager.removeItem(atPath: temporary)
            return
        }
        pruneOldSnapshots()
    }

    private func pruneOldSnapshots() {
        let manager = FileManager.default
        let snapshots = ((try? manager.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("ruleset-") }
            .map { "\(directory)/\($0)" }
        guard snapshots.count > Self.kept else { return }
        let byAge = snapshots.sorted {
            let a = (try? manager.attributesOfItem(atPath: $0)[.modificationDate] as? Date) ?? .distantPast
            let b = (try? manager.attributesOfItem(atPath: $1)[.modificationDate] as? Date) ?? .distantPast
            return (a, $0) > (b, $1)
        }
        for old in byAge.dropFirst(Self.kept) { try? manager.removeItem(atPath: old) }
    }
}
