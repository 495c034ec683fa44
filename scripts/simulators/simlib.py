"""What the payment simulators share: a durable JSON ledger and an HTTPS server on loopback."""
import ctypes, http.server, json, os, signal, ssl, threading


class Ledger:
    """A JSON document on disk, replaced atomically and fsynced before any answer goes out, so a
    SIGKILL never loses a charge the other side may have heard of. An unreadable ledger stops the
    simulator: it never starts over silently."""

    def __init__(self, path, empty):
        self.path, self.lock = path, threading.Lock()
        if os.path.exists(path):
            with open(path) as f:
                self.data = json.load(f)
        else:
            self.data = empty

    def save(self):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.data, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        fd = os.open(os.path.dirname(os.path.abspath(self.path)), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def parse_faults(spec, counted, flags, name):
    """"a:2,b" -> {"a": 2, "b": True}; counted faults take a number, flags none."""
    faults = {}
    for item in filter(None, (spec or "").split(",")):
        key, _, value = item.partition(":")
        if key in counted:
            faults[key] = int(value)
        elif key in flags:
            faults[key] = True
        else:
            raise SystemExit(f"{name}: unknown fault {key!r}")
    return faults


def serve(handler, listen, cert, key, banner):
    """Serves `handler` over TLS on `listen` ("HOST:PORT", 0 picks a port) and prints
    "`banner` listening on https://HOST:PORT" once it accepts connections."""
    host, _, port = listen.rpartition(":")
    server = http.server.ThreadingHTTPServer((host, int(port)), handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    # The handshake runs in the request's thread, so a silent client cannot stall the others.
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    return server, f"{banner} listening on https://{host}:{server.server_address[1]}"


def drop_connection(handler):
    """The answer is lost: the connection closes before any byte of it."""
    handler.close_connection = True
    try:
        handler.connection.shutdown(2)
    except OSError:
        pass


def reply(handler, status, data, kind):
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def exit_with_parent(pid):
    """Ends this simulator when process `pid` (its parent: the demo lane's kiosk, which scripts/run
    became with exec) ends, however it ends, SIGKILL included: Linux's parent-death signal."""
    if pid is None:
        return
    # A parent that blocks signals (a test runner does) passes its mask on: the death signal must
    # get through, and end the process as it does by default.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    PR_SET_PDEATHSIG = 1
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
        raise SystemExit("prctl(PR_SET_PDEATHSIG) failed")
    # The parent may have ended before the signal was asked for.
    if os.getppid() != pid:
        raise SystemExit("the parent process is gone")
    # Ctrl-C reaches the whole process group: end quietly, as SIGTERM does.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
