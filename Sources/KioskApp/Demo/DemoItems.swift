import Foundation
import Receipts
import Retail

/// A handful of catalog items for the demo panel: everyday items, weighed goods, an age check,
/// a multi-buy offer, a member card, and (in demo mode, see `extras`) coupons signed with the
/// demo key, wallet payment codes and the demo staff badge.
enum DemoItems {
    static func pick(from catalog: Catalog, layout: VariableMeasureLayout = .default,
                     extras: [DemoRoutes.DemoItem] = []) -> [DemoRoutes.DemoItem] {
        let items = catalog.items
        var picked: [DemoRoutes.DemoItem] = []
        func add(_ matches: [CatalogItem], _ count: Int, hint: (CatalogItem) -> String?, code: (CatalogItem) -> String) {
            for item in matches.prefix(count) {
                picked.append(.init(code: code(item), name: item.name, hint: hint(item)))
            }
        }
        let plain = items.filter { $0.pricing == .unit && $0.minimumAge == nil && $0.multiBuy == nil && $0.memberPrice == nil }
        add(plain, 6, hint: { _ in nil }, code: { $0.gtin.displayForm })
        add(items.filter { $0.multiBuy != nil }, 1, hint: { $0.multiBuy?.description }, code: { $0.gtin.displayForm })
        add(items.filter { $0.memberPrice != nil }, 1, hint: { _ in "member price" }, code: { $0.gtin.displayForm })
        add(items.filter { $0.minimumAge != nil }, 1, hint: { "age \($0.minimumAge ?? 18)" }, code: { $0.gtin.displayForm })
        // A weighed item as the scale would label it: 1.00 kg at the reference price (or 1000 g).
        add(items.filter { $0.pricing == .embeddedPrice && layout.rule(for: $0.gtin) != nil }, 1, hint: { _ in "weighed" }, code: { item in
            guard let rule = layout.rule(for: item.gtin) else { return item.gtin.displayForm }
            let limit: Int64 = rule.valueDigits == 4 ? 10_000 : 100_000
            let value = rule.measure == .weight ? 1000 : item.price.minorUnits % limit
            return layout.code(key: item.gtin, value: value) ?? item.gtin.displayForm
        })
        picked.append(.init(code: GTIN.appendingCheckDigit("040000012345"), name: LocalizedName(en: "Member card", zh: "会员卡"), hint: "member"))
        picked.append(.init(code: GTIN.appendingCheckDigit("699999999999"), name: LocalizedName(en: "Unknown item", zh: "未知商品"), hint: "not found"))
        return picked + extras
    }

    /// Demo-mode codes that are not catalog items: two coupons signed with the demo key (new
    /// one-time ids every start), wallet payment codes (one the simulated wallet declines as
    /// expired), and the demo supervisor's badge.
    static func extras(store: StoreProfile, catalog: Catalog, assets: URL, now: Date = Date()) -> [DemoRoutes.DemoItem] {
        var extras: [DemoRoutes.DemoItem] = []
        let seconds = Int64(now.timeIntervalSince1970)
        if !store.couponKeys.isEmpty, let signer = try? CouponSigner.demo(assets: assets) {
            let stamp = String(seconds, radix: 36).uppercased()
            let fiveOff = Coupon(id: "DEMO-\(stamp)-A", value: .amountOff(Money(minorUnits: 500, currency: store.currency)),
                                 minimumSpend: Money(minorUnits: 3000, currency: store.currency),
                                 validFrom: seconds - 3600, validUntil: seconds + 30 * 86_400)
            if let code = try? signer.sign(fiveOff) {
                extras.append(.init(code: code, name: LocalizedName(en: "Coupon: \(fiveOff.description)", zh: "优惠券：满30减5"),
                                    hint: "coupon"))
            }
            if let item = catalog.items.first(where: { $0.pricing == .unit && $0.minimumAge == nil && $0.multiBuy == nil && $0.offer == nil }) {
                let tenPercent = Coupon(id: "DEMO-\(stamp)-B", value: .percentOff(10), gtins: [item.gtin],
                                        validFrom: seconds - 3600, validUntil: seconds + 30 * 86_400)
                if let code = try? signer.sign(tenPercent) {
                    extras.append(.init(code: code, name: LocalizedName(en: "Coupon: 10% off \(item.name.en)", zh: "优惠券：\(item.name.zh ?? item.name.en)九折"),
                                        hint: "item coupon"))
                }
            }
        }
        extras.append(.init(code: "134567890123456789", name: LocalizedName(en: "WeChat Pay code", zh: "微信付款码"), hint: "wallet"))
        extras.append(.init(code: "2800123456789012", name: LocalizedName(en: "Alipay code", zh: "支付宝付款码"), hint: "wallet"))
        extras.append(.init(code: "130000000000000000", name: LocalizedName(en: "WeChat Pay code, expired", zh: "微信付款码（已过期）"),
                            hint: "wallet declined"))
        extras.append(.init(code: "STAFF:\(StaffMember.demoSupervisor.badge)", name: LocalizedName(en: "Staff badge", zh: "员工卡"),
                            hint: "staff"))
        return extras
    }
}
