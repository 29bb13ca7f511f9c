import ArgumentParser
import Foundation

/// `redflag serve`: runs the `redflag-serve` binary that sits beside this one, so the CLI does not link the HTTP
/// server.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve redflag over HTTP (runs the redflag-serve binary next to redflag).",
        discussion: """
            Every argument is passed to redflag-serve; `redflag serve --help` lists its options.

            Examples:
              redflag serve --host 127.0.0.1 --port 8080
              redflag serve --port 8080 --patterns ./Patterns --token-file token.txt

            Build the server with `swift build --product redflag-serve` (or `swift build`).
            """
    )

    @Argument(parsing: .captureForPassthrough, help: "Options for redflag-serve.")
    var arguments: [String] = []

    func run() throws {
        let server = Self.serverPath()
        guard FileManager.default.isExecutableFile(atPath: server) else {
            StandardError.write(
                "redflag: the HTTP server is not built: \(server) is missing (run `swift build --product redflag-serve`)\n")
            throw ReportedFailure(code: 2)
        }
        // Replace this process, so signals (SIGHUP to reload, SIGTERM to stop) reach the server directly.
        let argv = ([server] + arguments).map { strdup($0) } + [nil]
        execv(server, argv)
        StandardError.write("redflag: cannot run \(server): \(String(cString: strerror(errno)))\n")
        throw ReportedFailure(code: 2)
    }

    /// `redflag-serve` in the folder of the running executable (symbolic links resolved).
    static func serverPath() -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
        let resolved = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        return resolved.deletingLastPathComponent().appendingPathComponent("redflag-serve").path
    }
}
