// An HTTPS client on net/http, for the kernel tests of Go's crypto/tls. It waits for a line on stdin before
// its first request (so the test can see its probes attached), then makes REQUESTS requests on each of
// WORKERS goroutines, all through one keep-alive Transport, and prints one line per request:
// "LOCALPORT STATUS PROTO".
//
//	client [-h2] URL WORKERS REQUESTS
package main

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"strconv"
	"strings"
	"sync"
)

func main() {
	args := os.Args[1:]
	h2 := len(args) > 0 && args[0] == "-h2"
	if h2 {
		args = args[1:]
	}
	if len(args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: client [-h2] URL WORKERS REQUESTS")
		os.Exit(2)
	}
	workers, _ := strconv.Atoi(args[1])
	requests, _ := strconv.Atoi(args[2])
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, ForceAttemptHTTP2: h2,
		MaxIdleConnsPerHost: workers}
	if !h2 {
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	client := &http.Client{Transport: tr}
	bufio.NewReader(os.Stdin).ReadString('\n')
	var out sync.Mutex
	var wg sync.WaitGroup
	failed := false
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < requests; i++ {
				var local string
				trace := &httptrace.ClientTrace{GotConn: func(c httptrace.GotConnInfo) {
					_, local, _ = net.SplitHostPort(c.Conn.LocalAddr().String())
				}}
				url := args[0]
				if strings.Contains(url, "?") {
					url += fmt.Sprintf("&w=%d&i=%d", w, i)
				}
				req, _ := http.NewRequest("GET", url, nil)
				req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
				resp, err := client.Do(req)
				out.Lock()
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					failed = true
				} else {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					fmt.Println(local, resp.StatusCode, resp.Proto)
				}
				out.Unlock()
			}
		}(w)
	}
	wg.Wait()
	if failed {
		os.Exit(1)
	}
}
