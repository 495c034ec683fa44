import Foundation
import Journal

/// `kiosk report z`: the day's Z report from the lane's journal, as the staff screen prints it.
/// Read only: the command line previews (unnumbered); the staff screen numbers and saves it.
public enum ZReportCommand {
    public enum Format: String, CaseIterable, Sendable { case text, json }

    /// `day` is `yyyy-MM-dd` (nil: today) in this machine's time zone, the lane's.
    public static func render(stateDirectory: URL, configFile: URL?, assets: String?, day: String?, format: Format) throws -> String {
        let path = stateDirectory.appendingPathComponent("journal.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { throw KioskSetupError.state("no journal at \(path)") }
        let config = try KioskConfig.forCommand(configFile)
        let store = try StoreSetup.loadProfile(AssetLocator.resolve(config.storeOrDemo, in: try AssetLocator.find(explicit: assets)))
        let reportDay: ReportDay
        do { reportDay = try ReportDay(day) } catch { throw KioskSetupError.config("--date", error.description) }
        let report = try ZReport.load(journal: try LaneJournal(path: path), day: reportDay.text, range: reportDay.range,
                                      laneID: config.laneID, currency: store.currency)
        switch format {
        case .text: return report.text().joined(separator: "\n")
        case .json: return report.wire.text
        }
    }
}
