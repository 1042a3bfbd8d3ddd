// An HTTPS server on net/http's ListenAndServeTLS, for the kernel tests of Go's crypto/tls: /ok answers 200,
// /created 201, anything else 404. HTTP/1.1 and HTTP/2 (net/http offers h2 by ALPN). Built by the tests.
//
//	server ADDR CERT KEY
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: server ADDR CERT KEY")
		os.Exit(2)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			fmt.Fprintln(w, "ok")
		case "/created":
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintln(w, "made")
		default:
			http.NotFound(w, r)
		}
	})
	fmt.Fprintln(os.Stderr, http.ListenAndServeTLS(os.Args[1], os.Args[2], os.Args[3], mux))
	os.Exit(1)
}
