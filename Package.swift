// swift-tools-version:6.2
import PackageDescription

// Release executables on Linux: linked by lld with packed relative relocations (RELR, glibc 2.36+)
// and without exporting every symbol. The toolchain's static-stdlib link exports all of them, which
// kept 4 MB of symbol tables and 3.5 MB of relocations resident in every lane (scripts/bench startup).
let leanFlags = ["-use-ld=lld", "-Xlinker", "--no-export-dynamic", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"]
let leanRelease: [LinkerSetting] = [.unsafeFlags(leanFlags, .when(platforms: [.linux], configuration: .release))]
// The kiosk also puts the functions a lane runs side by side (scripts/make-link-order): 11 MB of
// its 32 MB of code resident at idle instead of 29 MB. This needs every function in its own
// section: scripts/build-release compiles so.
let kioskRelease: [LinkerSetting] = [
    .unsafeFlags(leanFlags + ["-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/kiosk/link-order.txt",
                              "-Xlinker", "--no-warn-symbol-ordering"],
                 .when(platforms: [.linux], configuration: .release)),
]

let package = Package(
    name: "kiosk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kiosk", targets: ["kiosk"]),
        .executable(name: "kiosk-hq", targets: ["kiosk-hq"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", exact: "2.8.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        // Hummingbird's own dependencies, named because Sync uses them directly (channels, the TLS handshake).
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
        // The lane's /metrics: swift-metrics' API, exposed in Prometheus's format.
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        // Head office (kiosk-hq): PostgreSQL, and HTTPS requests to the lanes.
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
    ],
    targets: [
        // C libraries, as Debian packages them. No logic here.
        .systemLibrary(name: "CLibUSB", pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
        .systemLibrary(name: "CZBar", pkgConfig: "zbar", providers: [.apt(["libzbar-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        // DataMatrix (GS1 DataMatrix on fresh food), which libzbar does not read.
        .systemLibrary(name: "CDMTX", pkgConfig: "libdmtx", providers: [.apt(["libdmtx-dev"])]),
        // The V4L2 capture ioctls (macros and unions Swift cannot import): a few C functions.
        .target(name: "CV4L2"),
        // Test support: umockdev's testbed, for the USB emulator below.
        .systemLibrary(name: "CUMockdev", pkgConfig: "umockdev-1.0", providers: [.apt(["libumockdev-dev"])]),

        // Pure modules: no I/O, no clock.
        .target(name: "Retail"),
        .target(name: "Checkout", dependencies: ["Retail"]),
        .target(name: "Receipts", dependencies: ["Retail"]),
        // What scanners and printers are to the rest of the kiosk: protocols and values only.
        .target(name: "Peripherals", dependencies: ["Receipts"]),

        // I/O modules.
        .target(name: "Journal", dependencies: [
            "Retail", "Checkout",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The catalog store: versioned SQLite files, streamed CSV import, raw sqlite3 point lookups.
        .target(name: "CatalogStore", dependencies: ["Retail", .product(name: "GRDB", package: "GRDB.swift")]),
        // Payment terminals and wallet gateways: their protocols over HTTPS (AsyncHTTPClient).
        .target(name: "Payments", dependencies: [
            "Retail",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Crypto", package: "swift-crypto"),
            // AES-CBC and PBKDF2, for the nexo local-encryption envelope.
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        .target(name: "Devices", dependencies: [
            "CLibUSB", "Peripherals", "Receipts", .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Vision", dependencies: ["CZBar", "CDMTX", "CPNG", "CV4L2", "CTurboJPEG", "Peripherals"]),
        // The head-office sync listener: its own port, TLS, token or client-certificate authentication,
        // and the pull routes (the journal, read as head office sees it).
        .target(name: "Sync", dependencies: [
            "Journal",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            // NIOThreadPool: the pull's SQLite reads block, and run there rather than on the concurrency pool.
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "KioskApp", dependencies: [
            "Retail", "Checkout", "Receipts", "Peripherals", "Journal", "CatalogStore", "Payments", "Devices", "Vision", "Sync", "Deadlines",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
            // Scrypt, for staff PINs.
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            // `kiosk scan`'s request to the running lane (LocalAPI).
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .executableTarget(name: "kiosk", dependencies: [
            "KioskApp", "Devices", "Retail", "Vision",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], exclude: ["link-order.txt"], linkerSettings: kioskRelease),

        // Head office: pulls every lane's journal into PostgreSQL, verified, and reports on it.
        // A call given up at its deadline without waiting for it (the payment terminal, head office's steps).
        .target(name: "Deadlines"),
        .target(name: "HeadOffice", dependencies: [
            "Retail", "Journal", "Deadlines",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "kiosk-hq", dependencies: [
            "HeadOffice", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], linkerSettings: leanRelease),

        // Micro-benchmarks for scripts/bench (release builds only; not part of the kiosk).
        .executableTarget(name: "kiosk-bench", dependencies: ["Receipts", "Retail", "Checkout", "Journal", "CatalogStore", "Vision", "KioskApp"],
                         linkerSettings: leanRelease),

        // Test support: emulated USB devices (umockdev) that the real libusb code runs against.
        .executableTarget(name: "kiosk-usb-emulator", dependencies: ["CUMockdev"], path: "Tests/USBEmulator"),
        // Test support: what several test targets need (seeded generator, store fixtures, temp dirs,
        // waits, camera test frames), once. Only the pure modules: pure test targets stay light.
        .target(name: "KioskTestSupport", dependencies: ["Retail", "Checkout"], path: "Tests/KioskTestSupport"),

        .testTarget(name: "RetailTests", dependencies: [
            "Retail", "KioskTestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "CheckoutTests", dependencies: [
            "Checkout", "Retail", "KioskTestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "ReceiptsTests", dependencies: ["Receipts", "Retail", "CZBar", "KioskTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "JournalTests", dependencies: [
            "Journal", "Checkout", "Retail", "KioskTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "CatalogStoreTests", dependencies: ["CatalogStore", "Retail", "KioskTestSupport"]),
        .testTarget(name: "PaymentsTests", dependencies: [
            "Payments", "Retail", "KioskTestSupport",
            // RSA keys for the Alipay answer-signature tests.
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "DevicesTests", dependencies: ["Devices", "Peripherals", "KioskTestSupport"]),
        .testTarget(name: "VisionTests", dependencies: ["Vision", "Peripherals", "CPNG", "KioskTestSupport"]),
        .testTarget(name: "SyncTests", dependencies: [
            "Sync", "Journal", "KioskTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "HeadOfficeTests", dependencies: [
            "HeadOffice", "Deadlines", "Journal", "Retail", "KioskTestSupport",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "KioskAppTests", dependencies: [
            "KioskApp", "Journal", "Checkout", "Retail", "Peripherals", "Payments", "Devices", "Vision", "Sync", "KioskTestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ]
)
