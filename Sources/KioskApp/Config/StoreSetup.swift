import Foundation
import Logging
import Retail

/// The store profile and catalog the lane sells from, read from files.
struct StoreSetup {
    let profile: StoreProfile
    let catalog: Catalog
    /// Bad catalog rows, each with its line number: reported, skipped, the rest sold.
    let rejectedRows: [CatalogRowError]

    static func load(store storeURL: URL, catalog catalogURL: URL) throws -> StoreSetup {
        let profile = try loadProfile(storeURL)
        let bytes: Data
        do { bytes = try Data(contentsOf: catalogURL) } catch {
            throw KioskSetupError.catalog(catalogURL.path, "cannot be read")
        }
        let imported: CatalogImport
        do { imported = try CatalogCSV(store: profile).read(bytes) } catch {
            throw KioskSetupError.catalog(catalogURL.path, error.description)
        }
        return StoreSetup(profile: profile, catalog: Catalog(items: imported.items), rejectedRows: imported.errors)
    }

    /// The store profile alone, read and validated; every problem names the file.
    static func loadProfile(_ storeURL: URL) throws -> StoreProfile {
        let profile: StoreProfile
        do {
            profile = try JSONDecoder().decode(StoreProfile.self, from: Data(contentsOf: storeURL))
        } catch let error as DecodingError {
            throw KioskSetupError.store(storeURL.path, error.readable)
        } catch {
            throw KioskSetupError.store(storeURL.path, "cannot be read")
        }
        do { try profile.validate() } catch { throw KioskSetupError.store(storeURL.path, error.description) }
        return profile
    }
}

/// Finds the folder with `web/`, `l10n/` and `demo/`: given explicitly, or `$KIOSK_ASSETS`, or
/// the `assets/` beside the executable's checkout (`.build/<config>/kiosk`), or in the current folder.
enum AssetLocator {
    static func find(explicit: String?) throws -> URL {
        var candidates: [URL] = []
        if let explicit { candidates.append(URL(fileURLWithPath: explicit)) }
        if let env = ProcessInfo.processInfo.environment["KIOSK_ASSETS"] { candidates.append(URL(fileURLWithPath: env)) }
        // The running program's own file (found through /proc, also when started through $PATH).
        let program = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var folder = program.resolvingSymlinksInPath().deletingLastPathComponent()
        // Installed (scripts/install): PREFIX/bin/kiosk and PREFIX/share/kiosk/assets.
        candidates.append(folder.deletingLastPathComponent().appendingPathComponent("share/kiosk/assets"))
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent("assets"))
            folder.deleteLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("assets"))
        for candidate in candidates
        where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("web/index.html").path) {
            return candidate.standardizedFileURL
        }
        throw KioskSetupError.assets("cannot find the kiosk's assets folder (with web/index.html); pass --assets DIR or set KIOSK_ASSETS")
    }

    static func resolve(_ path: String, in assets: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : assets.appendingPathComponent(path)
    }
}
