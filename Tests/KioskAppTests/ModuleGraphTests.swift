import Foundation
import KioskTestSupport
import Testing

/// The module graph has one truth: what each target imports. Package.swift must declare exactly
/// those dependencies among the package's own targets, and the README's dependency table must
/// say the same, so neither drifts from the code.
@Suite struct ModuleGraphTests {
    struct Target {
        let name: String
        let folder: URL
        let declared: Set<String>
    }

    /// The package's targets, read with `swift package dump-package` (a scratch path of its own,
    /// so it never waits for the build folder's lock).
    static func targets() throws -> [Target] {
        let scratch = try temporaryDirectory("dump-package")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try runTool(URL(fileURLWithPath: "/usr/bin/env"),
                                 ["swift", "package", "--package-path", repositoryRoot.path, "--scratch-path", scratch.path,
                                  "dump-package"])
        guard result.status == 0 else { throw DumpFailed(output: result.output) }
        struct Package: Decodable {
            struct Target: Decodable {
                let name: String
                let type: String
                let path: String?
                let dependencies: [[String: [String?]]]?
            }
            let targets: [Target]
        }
        let package = try JSONDecoder().decode(Package.self, from: Data(result.output.utf8))
        let local = Set(package.targets.map(\.name))
        return package.targets.filter { $0.type != "system" }.map { target in
            let folder = target.path ?? (target.type == "test" ? "Tests/\(target.name)" : "Sources/\(target.name)")
            let declared = (target.dependencies ?? []).compactMap { $0["byName"]?.first ?? nil }.filter(local.contains)
            return Target(name: target.name, folder: repositoryRoot.appendingPathComponent(folder), declared: Set(declared))
        }
    }

    struct DumpFailed: Error { let output: String }

    /// The package's own modules a folder's Swift files import.
    static func imports(in folder: URL, of local: Set<String>) throws -> Set<String> {
        var found = Set<String>()
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "swift" {
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                let words = line.split(separator: " ")
                guard let index = words.firstIndex(of: "import"), words[..<index].allSatisfy({ $0.hasPrefix("@") }),
                      index + 1 < words.count else { continue }
                let module = String(words[index + 1])
                if local.contains(module) { found.insert(module) }
            }
        }
        return found
    }

    @Test func packageDeclaresExactlyWhatEachTargetImports() throws {
        let targets = try Self.targets()
        let local = Set(targets.map(\.name)).union(["CLibUSB", "CZBar", "CPNG", "CUMockdev", "CTurboJPEG", "CDMTX"])
        #expect(targets.count > 20)
        // Swift targets only: a C target (the USB emulator) says what it uses with #include.
        for target in targets where try Self.hasSwift(target.folder) {
            let imported = try Self.imports(in: target.folder, of: local.subtracting([target.name]))
            #expect(imported == target.declared,
                    "\(target.name): imports \(imported.sorted()), Package.swift declares \(target.declared.sorted())")
        }
    }

    static func hasSwift(_ folder: URL) throws -> Bool {
        (FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? [])
            .contains { $0.pathExtension == "swift" }
    }

    /// README: a table row "| `Module` | `A`, `B` |" per module under Sources/.
    @Test func theReadmeTableIsTheModuleGraph() throws {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var table: [String: Set<String>] = [:]
        // The rows of the table headed "| module | imports of this package |", to its end.
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
        let header = try #require(lines.firstIndex { $0.hasPrefix("| module | imports of this package |") })
        for line in lines[(header + 1)...].prefix(while: { $0.hasPrefix("|") }) where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 2 else { continue }
            let names = { (cell: String) in Set(cell.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }.filter { !$0.isEmpty && $0 != "-" }) }
            guard let module = names(cells[0]).first else { continue }
            table[module] = names(cells[1])
        }
        let sources = try Self.targets().filter { $0.folder.path.contains("/Sources/") }.filter { try Self.hasSwift($0.folder) }
        #expect(Set(table.keys) == Set(sources.map(\.name)))
        for target in sources {
            #expect(table[target.name] == target.declared, "README's row for \(target.name)")
        }
    }
}
