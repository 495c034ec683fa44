import Foundation
import Receipts

/// The words a receipt prints, in the store's receipt languages (`receiptLanguages`), from the
/// translation files' `paper.*` texts; several languages print side by side ("小计 / Subtotal").
struct ReceiptWords: Sendable, Equatable {
    var labels: ReceiptLabels
    var weighed: String
    var copy: String
    /// With `{amount}`.
    var memberSavings: String

    /// What receipts printed before they had languages (tests that build a composer by hand).
    static let builtIn = ReceiptWords(labels: .english, weighed: "weighed", copy: "COPY / 副本",
                                      memberSavings: "Member prices saved you {amount}")

    /// Every key a receipt needs, for the translation test.
    static let keys = ["subtotal", "total", "taxRate", "gross", "tax", "net", "reference", "member", "sale", "time",
                       "integrityCode", "eReceipt", "weighed", "copy", "memberSavings"].map { "paper." + $0 }

    /// Throws when a language lacks one of the texts (a setup error, found at start).
    init(_ translations: Translations, languages: [String]) throws {
        func word(_ name: String) throws -> String {
            let key = "paper." + name
            return try languages.map { language in
                guard let text = translations.text(key, in: language), !text.isEmpty else {
                    throw KioskSetupError.config("l10n/\(language).json", "has no text for \(key)")
                }
                return text
            }.joined(separator: " / ")
        }
        labels = ReceiptLabels(subtotal: try word("subtotal"), total: try word("total"), taxRate: try word("taxRate"),
                               gross: try word("gross"), tax: try word("tax"), net: try word("net"),
                               reference: try word("reference"), member: try word("member"), sale: try word("sale"),
                               time: try word("time"), integrityCode: try word("integrityCode"), eReceipt: try word("eReceipt"))
        weighed = try word("weighed")
        copy = try word("copy")
        memberSavings = try word("memberSavings")
    }

    init(labels: ReceiptLabels, weighed: String, copy: String, memberSavings: String) {
        self.labels = labels
        self.weighed = weighed
        self.copy = copy
        self.memberSavings = memberSavings
    }
}
