/*
 * read-ahead-server.c: an HTTPS server for TwoHosts.startReadAheadTlsServer, on port 8445, with OpenSSL's
 * read-ahead on (as nginx has it), so that the read that ends a handshake takes whatever followed the
 * client's Finished. One request per connection, answered 200. argv: certificate chain, private key.
 */
#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(8445)};
	int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	char buf[4096];

	if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, argv[1]) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1)
		return 1;
	SSL_CTX_set_read_ahead(ctx, 1);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 16))
		return 1;
	for (;;) {
		int c = accept(l, NULL, NULL);
		SSL *s;

		if (c < 0)
			continue;
		s = SSL_new(ctx);
		SSL_set_fd(s, c);
		if (SSL_accept(s) == 1 && SSL_read(s, buf, sizeof(buf)) > 0)
			SSL_write(s, ok, strlen(ok));
		SSL_shutdown(s);
		SSL_free(s);
		close(c);
	}
}
