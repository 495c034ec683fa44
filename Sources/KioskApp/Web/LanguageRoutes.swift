import Foundation
import Hummingbird

/// `GET /api/languages`: the page's languages, one per translation file in assets/l10n, each
/// named in itself (its `lang.name`). The page builds its language switch from this, so a
/// language is added by adding its file.
struct LanguageRoutes {
    let folder: URL

    struct Language: Encodable, Sendable, Equatable {
        let tag: String
        let name: String
    }

    static func languages(in folder: URL) throws -> [Language] {
        let tags = try Translations.languages(in: folder)
        let translations = try Translations.load(tags, from: folder)
        return tags.map { Language(tag: $0, name: translations.text("lang.name", in: $0) ?? $0) }
    }

    func routes() -> RouteCollection<PageRequestContext> {
        let routes = RouteCollection(context: PageRequestContext.self)
        routes.get("/api/languages") { _, _ in
            JSONBody(try Self.languages(in: folder))
        }
        return routes
    }
}
