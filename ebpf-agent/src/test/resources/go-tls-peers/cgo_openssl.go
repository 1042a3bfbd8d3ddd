// A Go program that does TLS both ways, for the kernel tests: through Go's crypto/tls (net/http) and through
// OpenSSL (libssl, linked with cgo). It waits for a line on stdin, then makes one request each way and prints
// "go LOCALPORT STATUS" and "openssl BYTES". Built by the tests.
//
//	cgo_openssl HOST:PORT
package main

/*
#cgo LDFLAGS: -lssl -lcrypto
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>

// One HTTP/1.1 request over a new TLS connection; returns the bytes of the answer's first read, or < 0.
static int openssl_get(const char *hostport, const char *request) {
	char buf[4096];
	int n = -1;
	SSL *ssl = NULL;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		return -1;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	BIO *b = BIO_new_ssl_connect(ctx);
	if (b) {
		BIO_get_ssl(b, &ssl);
		SSL_set_mode(ssl, SSL_MODE_AUTO_RETRY);
		BIO_set_conn_hostname(b, hostport);
		if (BIO_do_connect(b) > 0 && SSL_write(ssl, request, (int)strlen(request)) > 0)
			n = SSL_read(ssl, buf, sizeof buf);
		BIO_free_all(b);
	}
	SSL_CTX_free(ctx);
	return n;
}
*/
import "C"

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"unsafe"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: cgo_openssl HOST:PORT")
		os.Exit(2)
	}
	bufio.NewReader(os.Stdin).ReadString('\n')
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
		TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{}}
	var local string
	trace := &httptrace.ClientTrace{GotConn: func(c httptrace.GotConnInfo) {
		_, local, _ = net.SplitHostPort(c.Conn.LocalAddr().String())
	}}
	req, _ := http.NewRequest("GET", "https://"+os.Args[1]+"/ok?via=go", nil)
	resp, err := (&http.Client{Transport: tr}).Do(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	fmt.Println("go", local, resp.StatusCode)
	hostport := C.CString(os.Args[1])
	request := C.CString("GET /created?via=openssl HTTP/1.1\r\nHost: " + os.Args[1] + "\r\nConnection: close\r\n\r\n")
	defer C.free(unsafe.Pointer(hostport))
	defer C.free(unsafe.Pointer(request))
	n := C.openssl_get(hostport, request)
	fmt.Println("openssl", int(n))
	if n <= 0 {
		os.Exit(1)
	}
}
