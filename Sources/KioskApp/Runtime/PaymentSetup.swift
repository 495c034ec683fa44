import Foundation
import Payments
import Peripherals
import Retail

/// The lane's payment providers from its settings. Terminals and gateways named in the settings
/// take the payments (in --demo too); without them --demo uses the in-process simulated terminal
/// for cards and wallets, and a store's lane has none (it charges nothing and sells nothing).
enum PaymentSetup {
    static func terminal(_ config: KioskConfig, demo: Bool, state: URL) throws -> (terminal: any PaymentTerminal, status: DeviceState) {
        let simulated = demo
            ? try SimulatedTerminal(rules: config.simulatedTerminal, ledger: state.appendingPathComponent("simulated-terminal.json"))
            : nil
        let status: DeviceState = config.nexoTerminal != nil ? .running : demo ? .simulated : .none
        guard config.nexoTerminal != nil || config.wechatPay != nil || config.alipay != nil else { return (simulated ?? NoPaymentTerminal(), status) }
        var card: any PaymentTerminal = simulated ?? NoPaymentTerminal()
        if let nexo = config.nexoTerminal {
            do { card = try NexoTerminal(settings: nexo) } catch { throw KioskSetupError.config("nexoTerminal", "\(error)") }
        }
        var wallets: [WalletKind: any PaymentTerminal] = [:]
        if let simulated { for kind in WalletKind.allCases { wallets[kind] = simulated } }
        if let wechat = config.wechatPay {
            do { wallets[.wechatPay] = try WeChatPayGateway(settings: wechat) } catch {
                throw KioskSetupError.config("wechatPay", "\(error)")
            }
        }
        if let alipay = config.alipay {
            do { wallets[.alipay] = try AlipayGateway(settings: alipay) } catch { throw KioskSetupError.config("alipay", "\(error)") }
        }
        return (PaymentRouter(card: card, wallets: wallets), status)
    }
}
