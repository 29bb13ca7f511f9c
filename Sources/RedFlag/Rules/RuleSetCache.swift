import Foundation

/// A folder of rule-set snapshots (`RuleSetSnapshot`), so that short runs such as `redflag check` skip parsing
/// and compiling the set they loaded before. Snapshots are keyed by the fingerprint of the pattern files;
/// one that cannot be read is ignored and replaced, and a folder that cannot be written only costs the saving.
public struct RuleSetCache: Sendable {
    public let directory: String
    /// Files of each kind kept (snapshots, Hyperscan databases); older ones are removed when a new one is written.
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

    /// Where the Hyperscan databases of the set with this fingerprint are kept (`PrefilterDatabaseStore`).
    func databasePath(for fingerprint: String) -> String {
        "\(directory)/hyperscan-\(fingerprint)-\(RuleSetSnapshot.buildKey).bin"
    }

    /// Snapshots are a few megabytes at most; anything larger, or not a regular file, is not one.
    static let largestSnapshot = 64 * 1024 * 1024

    /// The set in `files`: from its snapshot when there is a good one, else loaded (errors as `RuleSet.load`)
    /// and saved as a snapshot for next time. Its Hyperscan prefilter, when one is built, is kept here too.
    public func load(_ files: PatternFiles) throws(RuleSetError) -> RuleSet {
        guard files.readDiagnostics.isEmpty else { return try RuleSet.load(files) }
        let fingerprint = files.fingerprint
        let path = path(for: fingerprint)
        let set: RuleSet
        if let bytes = Self.readFile(path), let snapshot = RuleSetSnapshot.decode(bytes, fingerprint: fingerprint) {
            // Mark it used, so pruning keeps the snapshots in use rather than the last written.
            utimensat(AT_FDCWD, path, nil, 0)
            set = snapshot
        } else {
            set = try RuleSet.load(files)
            write(RuleSetSnapshot.encode(set), to: path)
        }
        set.prefilterCache.keepDatabases(in: PrefilterDatabaseStore(cache: self, path: databasePath(for: fingerprint)))
        return set
    }

    /// The bytes of the regular file at `path` when it is no larger than `largestSnapshot`, read straight into an
    /// array (Foundation's `Data` and the copy out of it cost a one-text `check` a millisecond).
    static func readFile(_ path: String) -> [UInt8]? {
        // Not through a symbolic link, and never blocking on a FIFO planted under the snapshot's name.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        // Only a file of this user's that no one else may write: a Hyperscan database is native code's data, and
        // its checksum guards against damage, not against someone planting one.
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0,
            info.st_size <= largestSnapshot, info.st_uid == geteuid(), info.st_mode & (S_IWGRP | S_IWOTH) == 0
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

    /// Writes `bytes` beside the file's final name and renames it, so a reader never sees half a file; then
    /// removes the oldest files of its kind (its name's prefix) beyond `kept`.
    func write(_ bytes: [UInt8], to path: String) {
        let manager = FileManager.default
        guard (try? manager.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil else { return }
        let temporary = "\(path).\(ProcessInfo.processInfo.processIdentifier).tmp"
        guard manager.createFile(atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else { return }
        guard rename(temporary, path) == 0 else {
            try? manager.removeItem(atPath: temporary)
            return
        }
        let name = path.split(separator: "/").last ?? ""
        pruneOldFiles(prefix: String(name.prefix { $0 != "-" }) + "-")
    }

    private func pruneOldFiles(prefix: String) {
        let manager = FileManager.default
        let names = ((try? manager.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix(prefix) }
        // Temporary files of runs that were killed before renaming theirs (an hour is far longer than a write).
        for name in names where name.hasSuffix(".tmp") {
            let path = "\(directory)/\(name)"
            let modified = (try? manager.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? .distantFuture
            if modified < Date(timeIntervalSinceNow: -3600) { try? manager.removeItem(atPath: path) }
        }
        let files = names.filter { !$0.hasSuffix(".tmp") }.map { "\(directory)/\($0)" }
        guard files.count > Self.kept else { return }
        let byAge = files.sorted {
            let a = (try? manager.attributesOfItem(atPath: $0)[.modificationDate] as? Date) ?? .distantPast
            let b = (try? manager.attributesOfItem(atPath: $1)[.modificationDate] as? Date) ?? .distantPast
            return (a, $0) > (b, $1)
        }
        for old in byAge.dropFirst(Self.kept) { try? manager.removeItem(atPath: old) }
    }
}

/// The compiled Hyperscan databases of one rule set's prefilter, kept in a `RuleSetCache` folder beside the set's
/// snapshot, so that a later `scan` reads them back instead of running Hyperscan's compiler (0.4 s for the
/// default set, the part of a scan's start that no second core shortens). Named like the snapshot (fingerprint and
/// build); each database also carries a digest of the literals it was compiled from, and Hyperscan checks its own
/// version, the CPU's features and a checksum: a file that fails any check is compiled over and replaced.
struct PrefilterDatabaseStore: Sendable {
    static let magic = "redflag-hyperscan/1"

    let cache: RuleSetCache
    let path: String

    /// By view kind, the serialized databases (nil where none was kept); empty when there is no good file.
    func read() -> [[UInt8]?] {
        guard let bytes = RuleSetCache.readFile(path), bytes.count > 8 else { return [] }
        let payload = 0..<(bytes.count - 8)
        var trailer = ByteReader(bytes, range: payload.upperBound..<bytes.count)
        guard let stored = trailer.int(), UInt64(bitPattern: Int64(stored)) == checksum(bytes[payload]) else { return [] }
        var input = ByteReader(bytes, range: payload)
        guard input.string() == Self.magic, let count = input.count() else { return [] }
        var databases: [[UInt8]?] = []
        for _ in 0..<count {
            guard let present = input.byte() else { return [] }
            if present == 0 {
                databases.append(nil)
            } else {
                guard let database = input.rawBytes() else { return [] }
                databases.append(Array(database))
            }
        }
        guard input.isAtEnd else { return [] }
        utimensat(AT_FDCWD, path, nil, 0)  // in use: pruning keeps it
        return databases
    }

    /// Writes `databases` (by view kind) for later runs; a folder that cannot be written only costs the saving.
    func write(_ databases: [[UInt8]?]) {
        var out = ByteWriter()
        out.string(Self.magic)
        out.int(databases.count)
        for database in databases {
            out.byte(database == nil ? 0 : 1)
            if let database { out.data(database) }
        }
        let sum = checksum(out.bytes[...])
        out.int(Int(Int64(bitPattern: sum)))
        cache.write(out.bytes, to: path)
    }
}
