"""The demo's frontend: calls the backend over HTTPS (keep-alive) and HTTP, and the payments service
over HTTPS. Python's ssl module loads OpenSSL with dlopen, which the agent finds in /proc/PID/maps.
Arguments: BACKEND_IP BACKEND_CA PAYMENTS_IP PAYMENTS_CA SECONDS_BETWEEN_ROUNDS"""
import http.client
import json
import ssl
import sys
import time

backend, backend_ca, payments, payments_ca, pause = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
to_backend = ssl.create_default_context(cafile=backend_ca)
to_payments = ssl.create_default_context(cafile=payments_ca)
token = {"Authorization": "Bearer demo-token-do-not-log", "Content-Type": "application/json"}


def call(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    response.read()
    return response.status


order = 0
while True:
    try:
        shop = http.client.HTTPSConnection(backend, 8443, context=to_backend, timeout=5)
        for _ in range(3):
            order += 1
            call(shop, "GET", "/api/products?category=tea&session=s3cr3t")
            call(shop, "POST", "/api/orders", json.dumps({"product": 42, "order": order}), token)
            call(shop, "GET", "/api/inventory/42")
            time.sleep(pause)
        call(shop, "POST", "/api/checkout", "{}", token)
        shop.close()
        bank = http.client.HTTPSConnection(payments, 9443, context=to_payments, timeout=5)
        call(bank, "POST", "/v1/charges", json.dumps({"order": order, "amount": 1250}), token)
        bank.close()
        health = http.client.HTTPConnection(backend, 8080, timeout=5)
        call(health, "GET", "/healthz")
        health.close()
    except Exception as e:  # keep going: the demo must survive a restarting peer
        print("frontend: %s" % e, flush=True)
        time.sleep(1)
