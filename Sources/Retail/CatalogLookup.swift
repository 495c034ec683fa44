/// The items a lane sells, looked up by GTIN. Immutable: a new catalog replaces the old one whole,
/// so a scan never sees half an update.
public struct Catalog: Hashable, Sendable {
    /// In the order given, without later duplicates.
    public let items: [CatalogItem]
    private let byGTIN: [GTIN: CatalogItem]

    /// When two items share a GTIN the first one wins, as in `CatalogCSV`.
    public init(items: [CatalogItem]) {
        var byGTIN: [GTIN: CatalogItem] = [:]
        var kept: [CatalogItem] = []
        for item in items where byGTIN[item.gtin] == nil {
            byGTIN[item.gtin] = item
            kept.append(item)
        }
        self.items = kept
        self.byGTIN = byGTIN
    }

    public func item(for gtin: GTIN) -> CatalogItem? { byGTIN[gtin] }

    public var count: Int { items.count }
}
