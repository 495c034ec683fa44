import Foundation
import KioskTestSupport

/// A loopback HTTP proxy between head office and a lane (Debian's /usr/bin/python3, its standard
/// library only) that passes everything through, except that once told a seq (the file
/// `corrupt-after` in its folder), it flips one byte in the payload of the first event after that
/// seq in every page of events it forwards: what a bad disk, a broken middlebox or a lane's bug
/// would hand head office. The JSON stays valid; only the hash no longer matches.
enum CorruptingProxy {
    static let script = #"""
        import http.client, http.server, json, os, sys

        upstream, folder = int(sys.argv[1]), sys.argv[2]

        def corrupt_after():
            try:
                with open(os.path.join(folder, "corrupt-after")) as f:
                    return int(f.read())
            except FileNotFoundError:
                return None

        class Proxy(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type", "accept")}
                connection = http.client.HTTPConnection("127.0.0.1", upstream, timeout=60)
                try:
                    connection.request(self.command, self.path, body=body, headers=headers)
                    reply = connection.getresponse()
                    data = reply.read()
                except OSError:
                    self.send_error(502)
                    return
                finally:
                    connection.close()
                after = corrupt_after()
                if after is not None and reply.status == 200 and self.path.startswith("/sync/v1/events"):
                    page = json.loads(data)
                    for event in page["events"]:
                        if event["seq"] > after:
                            payload = event["payload"].encode()
                            middle = len(payload) // 2
                            event["payload"] = (payload[:middle] + bytes([payload[middle] ^ 0x01]) + payload[middle + 1:]).decode("utf-8", "replace")
                            break
                    data = json.dumps(page, separators=(",", ":")).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.getheader("Content-Type") or "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = forward

            def log_message(self, *arguments):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
        print(f"proxy on {server.server_address[1]} ready", flush=True)
        server.serve_forever()
        """#

    /// Starts the proxy in `folder` in front of the lane on `upstream`; the process and its port.
    static func start(in folder: URL, upstream: Int) async throws -> (Process, Int) {
        let file = folder.appendingPathComponent("corrupting-proxy.py")
        try Data(script.utf8).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [file.path, "\(upstream)", folder.path]
        let output = OutputCollector(process: process)
        try process.run()
        guard let line = await output.line(containing: " ready", timeout: 30), let port = Int(line.split(separator: " ")[2]) else {
            process.terminate()
            throw ToolFailed(description: "the corrupting proxy did not start: \(output.text)")
        }
        return (process, port)
    }

    /// From now on, events after `seq` are corrupted on their way to head office.
    static func corrupt(after seq: Int64, in folder: URL) throws {
        try Data("\(seq)".utf8).write(to: folder.appendingPathComponent("corrupt-after"))
    }
}
