import CLibUSB
import Foundation
import Synchronization

/// Where a device sits and what it says it is.
public struct USBDeviceInfo: Sendable, Hashable, Codable, CustomStringConvertible {
    public let vendorID: UInt16
    public let productID: UInt16
    public let bus: UInt8
    public let address: UInt8
    /// The physical port, as the kernel names it ("1-3", "1-3.2"): stable across replugs.
    public let port: String

    public init(vendorID: UInt16, productID: UInt16, bus: UInt8, address: UInt8, port: String) {
        self.vendorID = vendorID
        self.productID = productID
        self.bus = bus
        self.address = address
        self.port = port
    }

    /// "04b8:0e28".
    public var id: String { Self.hex(vendorID) + ":" + Self.hex(productID) }
    public var description: String { "usb \(port) (\(id))" }

    static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

public enum USBHotplugEvent: Sendable {
    case arrived(USBDevice)
    case left(USBDeviceInfo)
}

/// One libusb context and the one thread that runs its events: every transfer completion and
/// hotplug callback happens on that thread, and nothing else polls.
public final class USBContext: @unchecked Sendable {
    let raw: OpaquePointer
    private let loop: EventLoop
    private let sinks = Mutex<[Unmanaged<HotplugSink>]>([])

    public init() throws(USBError) {
        var context: OpaquePointer?
        let result = libusb_init(&context)
        guard result == 0, let context else {
            throw USBError(code: result, operation: "libusb_init", device: "usb")
        }
        raw = context
        loop = EventLoop(context: context)
        loop.start()
    }

    deinit {
        loop.stop()
        for sink in sinks.withLock({ $0 }) { sink.release() }
        libusb_exit(raw)
    }

    /// The devices attached now, then every arrival and departure, until the stream ends.
    public func hotplugEvents() throws(USBError) -> AsyncStream<USBHotplugEvent> {
        guard libusb_has_capability(UInt32(LIBUSB_CAP_HAS_HOTPLUG.rawValue)) != 0 else {
            throw USBError(code: LIBUSB_ERROR_NOT_SUPPORTED.rawValue, operation: "hotplug", device: "usb")
        }
        let (stream, continuation) = AsyncStream.makeStream(of: USBHotplugEvent.self, bufferingPolicy: .unbounded)
        let sink = Unmanaged.passRetained(HotplugSink(context: self, continuation: continuation))
        sinks.withLock { $0.append(sink) }
        var handle: libusb_hotplug_callback_handle = 0
        let events = Int32(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED.rawValue | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT.rawValue)
        let result = libusb_hotplug_register_callback(
            raw, events, Int32(LIBUSB_HOTPLUG_ENUMERATE.rawValue),
            LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
            hotplugCallback, sink.toOpaque(), &handle)
        guard result == 0 else {
            continuation.finish()
            throw USBError(code: result, operation: "hotplug registration", device: "usb")
        }
        let registered = handle
        continuation.onTermination = { [self] _ in libusb_hotplug_deregister_callback(raw, registered) }
        return stream
    }

    /// The devices attached right now.
    public func attachedDevices() throws(USBError) -> [USBDevice] {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(raw, &list)
        guard count >= 0, let list else { throw USBError(code: Int32(count), operation: "list devices", device: "usb") }
        defer { libusb_free_device_list(list, 1) }
        return (0..<count).compactMap { list[$0].map { USBDevice(raw: $0, context: self) } }
    }

    func info(of device: OpaquePointer) -> USBDeviceInfo {
        var descriptor = libusb_device_descriptor()
        _ = libusb_get_device_descriptor(device, &descriptor)
        var ports = [UInt8](repeating: 0, count: 8)
        let count = libusb_get_port_numbers(device, &ports, Int32(ports.count))
        let bus = libusb_get_bus_number(device)
        let path = count > 0 ? ports.prefix(Int(count)).map(String.init).joined(separator: ".") : "0"
        return USBDeviceInfo(vendorID: descriptor.idVendor, productID: descriptor.idProduct,
                             bus: bus, address: libusb_get_device_address(device), port: "\(bus)-\(path)")
    }
}

/// A device libusb reported; holds a libusb reference until released.
public final class USBDevice: @unchecked Sendable {
    let raw: OpaquePointer
    public let info: USBDeviceInfo
    let context: USBContext

    init(raw: OpaquePointer, context: USBContext) {
        libusb_ref_device(raw)
        self.raw = raw
        self.context = context
        info = context.info(of: raw)
    }

    deinit { libusb_unref_device(raw) }

    public func open() throws(USBError) -> USBDeviceHandle {
        try USBDeviceHandle(device: self)
    }

    /// The interfaces of the active configuration, from its descriptors (read without opening it).
    public func interfaces() throws(USBError) -> [USBInterfaceDescription] {
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        let result = libusb_get_active_config_descriptor(raw, &config)
        guard result == 0, let config else { throw USBError(code: result, operation: "read configuration", device: info.description) }
        defer { libusb_free_config_descriptor(config) }
        var found: [USBInterfaceDescription] = []
        for i in 0..<Int(config.pointee.bNumInterfaces) {
            let interface = config.pointee.interface[i]
            guard interface.num_altsetting > 0 else { continue }
            let setting = interface.altsetting[0]
            var endpoints: [USBEndpoint] = []
            for e in 0..<Int(setting.bNumEndpoints) {
                let endpoint = setting.endpoint[e]
                let kind = Int32(endpoint.bmAttributes & 0x03)
                guard kind == Int32(LIBUSB_ENDPOINT_TRANSFER_TYPE_BULK.rawValue)
                    || kind == Int32(LIBUSB_ENDPOINT_TRANSFER_TYPE_INTERRUPT.rawValue) else { continue }
                endpoints.append(USBEndpoint(address: endpoint.bEndpointAddress,
                                             type: kind == Int32(LIBUSB_ENDPOINT_TRANSFER_TYPE_BULK.rawValue) ? .bulk : .interrupt,
                                             maxPacketSize: Int(endpoint.wMaxPacketSize)))
            }
            found.append(USBInterfaceDescription(number: Int(setting.bInterfaceNumber), interfaceClass: setting.bInterfaceClass,
                                                 subclass: setting.bInterfaceSubClass, interfaceProtocol: setting.bInterfaceProtocol,
                                                 endpoints: endpoints))
        }
        return found
    }
}

/// Receives libusb's hotplug callbacks (on the event thread) for one stream.
private final class HotplugSink: @unchecked Sendable {
    unowned let context: USBContext
    let continuation: AsyncStream<USBHotplugEvent>.Continuation

    init(context: USBContext, continuation: AsyncStream<USBHotplugEvent>.Continuation) {
        self.context = context
        self.continuation = continuation
    }
}

private let hotplugCallback: libusb_hotplug_callback_fn = { _, device, event, userData in
    guard let device, let userData else { return 0 }
    let sink = Unmanaged<HotplugSink>.fromOpaque(userData).takeUnretainedValue()
    if event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED {
        sink.continuation.yield(.arrived(USBDevice(raw: device, context: sink.context)))
    } else {
        sink.continuation.yield(.left(sink.context.info(of: device)))
    }
    return 0 // stay registered
}

/// The thread that runs libusb's events. It sleeps in libusb's poll until something happens.
private final class EventLoop: @unchecked Sendable {
    let context: OpaquePointer
    let stopping = Atomic<Bool>(false)
    let stopped = DispatchSemaphore(value: 0)

    init(context: OpaquePointer) {
        self.context = context
    }

    func start() {
        let thread = Thread { [self] in
            // Set from inside the thread, so the kernel gets the name too (top, /proc/PID/task/*/comm).
            Thread.current.name = "usb-events"
            var completed: Int32 = 0
            while !stopping.load(ordering: .acquiring) {
                var timeout = timeval(tv_sec: 1, tv_usec: 0)
                _ = libusb_handle_events_timeout_completed(context, &timeout, &completed)
            }
            stopped.signal()
        }
        thread.start()
    }

    func stop() {
        stopping.store(true, ordering: .releasing)
        libusb_interrupt_event_handler(context)
        stopped.wait()
    }
}
