import CLibUSB

/// A libusb failure with what was being done and to which device, keeping libusb's own code
/// (LIBUSB_ERROR_*) so logs and tests can tell "no device" from "busy" from "timed out".
public struct USBError: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: Int32
    public let operation: String
    public let device: String

    public init(code: Int32, operation: String, device: String) {
        self.code = code
        self.operation = operation
        self.device = device
    }

    /// libusb's name for the code, e.g. "LIBUSB_ERROR_BUSY".
    public var name: String { String(cString: libusb_error_name(code)) }

    /// The device was unplugged (or reset away): the handle is dead, wait for it to come back.
    public var deviceGone: Bool { code == LIBUSB_ERROR_NO_DEVICE.rawValue }
    public var timedOut: Bool { code == LIBUSB_ERROR_TIMEOUT.rawValue }
    public var cancelled: Bool { code == LIBUSB_ERROR_INTERRUPTED.rawValue }

    public var description: String {
        var text = "\(operation) on \(device) failed: \(name) (\(code))"
        if code == LIBUSB_ERROR_BUSY.rawValue {
            text += "; another program or a kernel driver holds the interface"
        } else if code == LIBUSB_ERROR_ACCESS.rawValue {
            text += "; no permission: install the udev rules from `kiosk devices udev-rules`"
        }
        return text
    }

    /// The error for a finished transfer's status, in libusb error codes.
    static func transfer(_ status: libusb_transfer_status, operation: String, device: String) -> USBError {
        let code: libusb_error
        switch status {
        case LIBUSB_TRANSFER_TIMED_OUT: code = LIBUSB_ERROR_TIMEOUT
        case LIBUSB_TRANSFER_STALL: code = LIBUSB_ERROR_PIPE
        case LIBUSB_TRANSFER_NO_DEVICE: code = LIBUSB_ERROR_NO_DEVICE
        case LIBUSB_TRANSFER_OVERFLOW: code = LIBUSB_ERROR_OVERFLOW
        case LIBUSB_TRANSFER_CANCELLED: code = LIBUSB_ERROR_INTERRUPTED
        default: code = LIBUSB_ERROR_IO
        }
        return USBError(code: code.rawValue, operation: operation, device: device)
    }
}
