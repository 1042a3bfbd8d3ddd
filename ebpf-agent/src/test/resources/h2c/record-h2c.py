# How curl-upgrade.rec was made (not run by the tests): an h2c server on hyper-h2 (Debian python3-h2) that
# answers "Upgrade: h2c" with 101 and serves the upgraded request as stream 1, and a proxy that records each
# recv of either side. Run as:
#   /usr/bin/python3 record-h2c.py server 18091 &
#   /usr/bin/python3 record-h2c.py proxy 18092 18091 out.rec &
#   curl --http2 http://127.0.0.1:18092/hello.txt --next --http2 http://127.0.0.1:18092/missing
import select
import socket
import sys


def proxy(listen_port, target_port, out):
    ls = socket.create_server(("127.0.0.1", listen_port))
    c, _ = ls.accept()
    s = socket.create_connection(("127.0.0.1", target_port))
    log = open(out, "w")
    live = {c: True, s: True}
    while any(live.values()):
        ready, _, _ = select.select([x for x in (c, s) if live[x]], [], [], 5)
        if not ready:
            break
        for x in ready:
            d = x.recv(65536)
            other = s if x is c else c
            if not d:
                live[x] = False
                other.shutdown(socket.SHUT_WR)
                continue
            log.write(("C " if x is c else "S ") + d.hex() + "\n")
            log.flush()
            other.sendall(d)


def server(port):
    import h2.config
    import h2.connection
    import h2.events

    sock, _ = socket.create_server(("127.0.0.1", port)).accept()
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(65536)
    lines = head.split(b"\r\n")
    fields = dict((k.strip().lower(), v.strip()) for k, v in (l.split(b":", 1) for l in lines[1:] if b":" in l))
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False))
    sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
    conn.initiate_upgrade_connection(fields[b"http2-settings"])

    def answer(stream, path):
        body = ("you asked for " + path + "\n").encode()
        conn.send_headers(stream, [(":status", "404" if path == "/missing" else "200"),
                                   ("content-type", "text/plain"), ("content-length", str(len(body))),
                                   ("server", "h2c-rec")])
        conn.send_data(stream, body, end_stream=True)

    answer(1, lines[0].split(b" ")[1].decode())
    sock.sendall(conn.data_to_send())
    while True:
        data = sock.recv(65536)
        if not data:
            break
        for ev in conn.receive_data(data):
            if isinstance(ev, h2.events.RequestReceived):
                answer(ev.stream_id, dict(ev.headers)[b":path"].decode())
        sock.sendall(conn.data_to_send())


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]))
    else:
        proxy(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
