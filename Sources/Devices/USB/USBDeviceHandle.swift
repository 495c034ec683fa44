import CLibUSB
import Synchronization

public enum USBTransferType: Sendable, Hashable {
    case bulk, interrupt

    var raw: UInt8 {
        UInt8(self == .bulk ? LIBUSB_TRANSFER_TYPE_BULK.rawValue : LIBUSB_TRANSFER_TYPE_INTERRUPT.rawValue)
    }
}

public struct USBEndpoint: Sendable, Hashable {
    public let address: UInt8
    public let type: USBTransferType
    public let maxPacketSize: Int

    public var isIn: Bool { address & 0x80 != 0 }

    public init(address: UInt8, type: USBTransferType, maxPacketSize: Int) {
        self.address = address
        self.type = type
        self.maxPacketSize = maxPacketSize
    }
}

/// An interface of the active configuration, as its descriptors describe it.
public struct USBInterfaceDescription: Sendable, Hashable {
    public let number: Int
    public let interfaceClass: UInt8
    public let subclass: UInt8
    public let interfaceProtocol: UInt8
    public let endpoints: [USBEndpoint]

    public init(number: Int, interfaceClass: UInt8, subclass: UInt8, interfaceProtocol: UInt8, endpoints: [USBEndpoint]) {
        self.number = number
        self.interfaceClass = interfaceClass
        self.subclass = subclass
        self.interfaceProtocol = interfaceProtocol
        self.endpoints = endpoints
    }
}

/// A class or vendor request on the control endpoint.
public struct USBControlRequest: Sendable, Hashable {
    public let requestType: UInt8
    public let request: UInt8
    public let value: UInt16
    public let index: UInt16

    public init(requestType: UInt8, request: UInt8, value: UInt16, index: UInt16) {
        self.requestType = requestType
        self.request = request
        self.value = value
        self.index = index
    }
}

/// An open device: the one Swift owner of a libusb_device_handle. Claimed interfaces are released
/// (and their kernel drivers, detached to claim them, reattached) when it goes away.
public final class USBDeviceHandle: @unchecked Sendable {
    let raw: OpaquePointer
    public let device: USBDevice
    private let claimed = Mutex<[Int32]>([])

    init(device: USBDevice) throws(USBError) {
        var handle: OpaquePointer?
        let result = libusb_open(device.raw, &handle)
        guard result == 0, let handle else {
            throw USBError(code: result, operation: "open", device: device.info.description)
        }
        raw = handle
        self.device = device
        // usbhid and usblp bind these interfaces; libusb detaches them on claim and reattaches on release.
        _ = libusb_set_auto_detach_kernel_driver(handle, 1)
    }

    deinit {
        for interface in claimed.withLock({ $0 }) { _ = libusb_release_interface(raw, interface) }
        libusb_close(raw)
    }

    var name: String { device.info.description }

    public func claim(interface: Int) throws(USBError) {
        let result = libusb_claim_interface(raw, Int32(interface))
        guard result == 0 else { throw USBError(code: result, operation: "claim interface \(interface)", device: name) }
        claimed.withLock { if !$0.contains(Int32(interface)) { $0.append(Int32(interface)) } }
    }

    /// The interfaces of the active configuration, from its descriptors.
    public func interfaces() throws(USBError) -> [USBInterfaceDescription] {
        try device.interfaces()
    }

    /// Reads one transfer from an IN endpoint; nil timeout waits until data comes or the task is cancelled.
    public func read(_ endpoint: USBEndpoint, length: Int, timeout: Duration?) async throws(USBError) -> [UInt8] {
        try await transfer(type: endpoint.type.raw, endpoint: endpoint.address, payload: [], length: length,
                           timeout: timeout, operation: "read endpoint 0x\(String(endpoint.address, radix: 16))")
    }

    /// Writes bytes to an OUT endpoint in one transfer (libusb splits it into packets).
    public func write(_ endpoint: USBEndpoint, _ bytes: [UInt8], timeout: Duration) async throws(USBError) {
        let operation = "write endpoint 0x\(String(endpoint.address, radix: 16))"
        _ = try await transfer(type: endpoint.type.raw, endpoint: endpoint.address, payload: bytes, length: bytes.count,
                               timeout: timeout, operation: operation)
    }

    /// A control request that reads up to `length` bytes back.
    public func controlIn(_ request: USBControlRequest, length: Int, timeout: Duration) async throws(USBError) -> [UInt8] {
        var setup = [UInt8](repeating: 0, count: 8)
        setup[0] = request.requestType | 0x80
        setup[1] = request.request
        setup[2] = UInt8(request.value & 0xFF)
        setup[3] = UInt8(request.value >> 8)
        setup[4] = UInt8(request.index & 0xFF)
        setup[5] = UInt8(request.index >> 8)
        setup[6] = UInt8(length & 0xFF)
        setup[7] = UInt8(length >> 8)
        let bytes = try await transfer(type: UInt8(LIBUSB_TRANSFER_TYPE_CONTROL.rawValue), endpoint: 0, payload: setup,
                                       length: 8 + length, timeout: timeout, operation: "control request \(request.request)")
        return Array(bytes.dropFirst(8))
    }

    /// Submits one asynchronous transfer and waits for its callback on the event thread.
    /// Cancelling the task cancels the transfer; the call then throws LIBUSB_ERROR_INTERRUPTED.
    private func transfer(type: UInt8, endpoint: UInt8, payload: [UInt8], length: Int, timeout: Duration?,
                          operation: String) async throws(USBError) -> [UInt8] {
        guard let transfer = libusb_alloc_transfer(0) else {
            throw USBError(code: LIBUSB_ERROR_NO_MEM.rawValue, operation: operation, device: name)
        }
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(length, 1))
        buffer.initialize(repeating: 0, count: max(length, 1))
        payload.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { buffer.update(from: base, count: min(payload.count, length)) }
        }
        let box = TransferBox(transfer: transfer, buffer: buffer, isControl: type == UInt8(LIBUSB_TRANSFER_TYPE_CONTROL.rawValue),
                              operation: operation, device: name)
        transfer.pointee.dev_handle = raw
        transfer.pointee.endpoint = endpoint
        transfer.pointee.type = type
        transfer.pointee.timeout = timeout.map(Self.milliseconds) ?? 0
        transfer.pointee.buffer = buffer
        transfer.pointee.length = Int32(length)
        transfer.pointee.callback = transferCallback
        transfer.pointee.user_data = Unmanaged.passRetained(box).toOpaque()

        let result: Result<[UInt8], USBError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in box.submit(continuation) }
        } onCancel: {
            box.cancel()
        }
        return try result.get()
    }

    static func milliseconds(_ duration: Duration) -> UInt32 {
        let (seconds, attoseconds) = duration.components
        return UInt32(clamping: max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }
}

/// One transfer in flight: who waits for it, and whether it may still be cancelled.
private final class TransferBox: @unchecked Sendable {
    enum Phase { case created, submitted, cancelledEarly, finished }

    let transfer: UnsafeMutablePointer<libusb_transfer>
    let buffer: UnsafeMutablePointer<UInt8>
    let isControl: Bool
    let operation: String
    let device: String
    private let state = Mutex<(phase: Phase, waiter: CheckedContinuation<Result<[UInt8], USBError>, Never>?)>((.created, nil))

    init(transfer: UnsafeMutablePointer<libusb_transfer>, buffer: UnsafeMutablePointer<UInt8>, isControl: Bool,
         operation: String, device: String) {
        self.transfer = transfer
        self.buffer = buffer
        self.isControl = isControl
        self.operation = operation
        self.device = device
    }

    func submit(_ waiter: CheckedContinuation<Result<[UInt8], USBError>, Never>) {
        let failure: USBError? = state.withLock { state in
            if state.phase == .cancelledEarly {
                return USBError(code: LIBUSB_ERROR_INTERRUPTED.rawValue, operation: operation, device: device)
            }
            state.waiter = waiter
            let result = libusb_submit_transfer(transfer)
            if result != 0 { return USBError(code: result, operation: operation, device: device) }
            state.phase = .submitted
            return nil
        }
        if let failure {
            // Never submitted, so no callback will take back the reference the transfer holds.
            Unmanaged<TransferBox>.fromOpaque(transfer.pointee.user_data).release()
            release()
            waiter.resume(returning: .failure(failure))
        }
    }

    func cancel() {
        state.withLock { state in
            switch state.phase {
            case .created: state.phase = .cancelledEarly
            case .submitted: _ = libusb_cancel_transfer(transfer) // the callback reports LIBUSB_TRANSFER_CANCELLED
            case .cancelledEarly, .finished: break
            }
        }
    }

    /// Called on the event thread when libusb is done with the transfer.
    func finish() {
        let status = transfer.pointee.status
        let actual = Int(transfer.pointee.actual_length)
        let result: Result<[UInt8], USBError>
        if status == LIBUSB_TRANSFER_COMPLETED {
            // A control transfer's buffer starts with its 8-byte setup packet.
            let count = isControl ? 8 + actual : actual
            result = .success(Array(UnsafeBufferPointer(start: buffer, count: count)))
        } else {
            result = .failure(.transfer(status, operation: operation, device: device))
        }
        let waiter = state.withLock { state in
            state.phase = .finished
            return state.waiter
        }
        release()
        waiter?.resume(returning: result)
    }

    private func release() {
        buffer.deallocate()
        libusb_free_transfer(transfer)
    }
}

private let transferCallback: libusb_transfer_cb_fn = { transfer in
    guard let transfer, let userData = transfer.pointee.user_data else { return }
    Unmanaged<TransferBox>.fromOpaque(userData).takeRetainedValue().finish()
}
