import Foundation
import Journal
import Retail

/// The Z report's two forms: JSON (money in minor units: the `--format json` output and what the
/// journal's `z-report` event keeps) and text (the command line and the receipt printer).
extension ZReport {
    var wire: JSONValue {
        func money(_ m: Money) -> JSONValue { .int(m.minorUnits) }
        func tally(_ t: Tally) -> JSONValue { .object(["count": .int(Int64(t.count)), "amount": money(t.amount)]) }
        func counts(_ c: [String: Int]) -> JSONValue { .object(c.mapValues { .int(Int64($0)) }) }
        var fields: [String: JSONValue] = [
            "day": .string(day), "lane": .string(laneID),
            "currency": .object(["code": .string(currency.code), "minorDigits": .int(Int64(currency.minorDigits))]),
            "sales": tally(sales), "items": .int(Int64(items)),
            "taxes": .array(taxes.keys.sorted().compactMap { taxes[$0] }.map {
                .object(["code": .string($0.rate.code), "basisPoints": .int(Int64($0.rate.basisPoints)), "label": .string($0.rate.label),
                         "gross": money($0.gross), "tax": money($0.tax)])
            }),
            "tenders": .object(tenders.mapValues(tally)), "discounts": .object(discounts.mapValues(tally)),
            "coupons": tally(coupons), "voids": tally(voids), "sessions": counts(sessions),
            "refusals": counts(refusals), "receipts": counts(receipts), "staffActions": counts(staffActions),
        ]
        fields["number"] = number.map { .int(Int64($0)) }
        return .object(fields)
    }

    /// Lines for a terminal or a receipt `columns` wide.
    func text(columns: Int = 42) -> [String] {
        func row(_ label: String, _ value: String) -> String {
            let gap = max(columns - label.count - value.count, 1)
            return label + String(repeating: " ", count: gap) + value
        }
        func tallyRows(_ title: String, _ tallies: [String: Tally]) -> [String] {
            tallies.isEmpty ? [] : [title] + tallies.keys.sorted().map { row("  \($0) x\(tallies[$0]!.count)", tallies[$0]!.amount.description) }
        }
        func countRows(_ title: String, _ counts: [String: Int]) -> [String] {
            counts.isEmpty ? [] : [title] + counts.keys.sorted().map { row("  \($0)", String(counts[$0]!)) }
        }
        var out = ["Z REPORT / Z 报表", number.map { "No. \($0)" } ?? "preview (not saved)", row("lane", laneID), row("day", day),
                   String(repeating: "-", count: columns),
                   row("sales x\(sales.count)", sales.amount.description), row("items", String(items))]
        if !taxes.isEmpty {
            out.append("tax")
            for code in taxes.keys.sorted() {
                let figure = taxes[code]!
                out.append(row("  \(figure.rate.label) on \(figure.gross)", figure.tax.description))
            }
        }
        out += tallyRows("tenders", tenders)
        out += tallyRows("discounts", discounts)
        out.append(row("coupons x\(coupons.count)", coupons.amount.description))
        out.append(row("voids x\(voids.count)", voids.amount.description))
        out += countRows("sessions", sessions)
        out += countRows("refusals", refusals)
        out += countRows("receipts", receipts)
        out += countRows("staff actions", staffActions)
        return out
    }
}

/// A day in the lane's time zone: `yyyy-MM-dd` and its milliseconds.
struct ReportDay: Equatable, Sendable {
    let text: String
    let range: Range<Int64>

    /// `text` must be a real date (`2026-02-30` is refused); nil `text` is the day `now` falls in.
    init(_ text: String?, now: Date = Date(), timeZone: TimeZone = .current) throws(ReportDayError) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.isLenient = false
        let start: Date
        if let text {
            guard text.utf8.count == 10, let date = formatter.date(from: text), formatter.string(from: date) == text else {
                throw ReportDayError(text: text)
            }
            start = calendar.startOfDay(for: date)
        } else {
            start = calendar.startOfDay(for: now)
        }
        guard let end = calendar.date(byAdding: .day, value: 1, to: start) else { throw ReportDayError(text: text ?? "") }
        self.text = formatter.string(from: start)
        range = Int64(start.timeIntervalSince1970 * 1000)..<Int64(end.timeIntervalSince1970 * 1000)
    }
}

struct ReportDayError: Error, CustomStringConvertible {
    let text: String
    var description: String { "\"\(text)\" is not a date: give it as yyyy-MM-dd, e.g. 2026-03-14" }
}
