import Foundation

/// Runs `executable` with `arguments` to its end, for tests that check a command-line tool's
/// result: its exit status and what it wrote on standard output (with standard error mixed in
/// when `mergingErrors`, else discarded). The output is read before waiting, so a chatty tool
/// cannot block on a full pipe.
public func runTool(_ executable: URL, _ arguments: [String], mergingErrors: Bool = false) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = mergingErrors ? output : FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Sends `process`'s standard output and error to the end of `log` (made if missing), so a child
/// restarted many times keeps one log of all its runs.
public func appendOutput(of process: Process, to log: URL) throws {
    if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
    let handle = try FileHandle(forWritingTo: log)
    handle.seekToEndOfFile()
    process.standardOutput = handle
    process.standardError = handle
}
