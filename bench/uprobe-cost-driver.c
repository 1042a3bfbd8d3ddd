/*
 * The probed program of bench/uprobe-cost.sh (built by the script with gcc; links libssl and libcrypto).
 *
 * It holds functions whose first instruction is one of each class the kernel's x86 uprobe code handles
 * differently (emulated: push, nop, call rel32, jmp rel32; single-stepped out of line: endbr64, sub, mov),
 * each with SSL_write_ex's shape -- int f(SSL *, const void *buf, size_t num, size_t *written): stores num
 * in *written, returns 1 -- so the agent's hm_ssl_write_ex programs do their whole work on them. It also
 * holds a real TLS connection with itself over TCP on 127.0.0.1 (both ends in this process), so libssl's
 * own SSL_write can be timed.
 *
 * Protocol on stdin/stdout, one line each: it prints "ready PID" once set up, then answers
 *   site NAME N   -> nanoseconds (CLOCK_MONOTONIC) for N calls of the site function NAME
 *   ssl N         -> nanoseconds for N x (SSL_write of 64 bytes by the client, SSL_read of them by the server)
 *   quit
 * Several copies run side by side: the bench attaches probes to one copy per site (pid-filtered) and
 * times an unprobed copy in the same round.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

/* Body shared by the sites: *written = num; return 1. */
#define BODY "  mov %rdx, (%rcx)\n  mov $1, %eax\n"
#define SITE(name) \
  ".p2align 4\n.globl " name "\n.type " name ",@function\n" name ":\n"
#define END(name) ".size " name ", .-" name "\n"

__asm__(".text\n"
        SITE("site_push") "  push %rbp\n" BODY "  pop %rbp\n  ret\n" END("site_push")
        SITE("site_nop1") "  nop\n" BODY "  ret\n" END("site_nop1")
        /* x86_nops[4] and [5]: the multi-byte NOP forms the kernel compares against (6.16+). */
        SITE("site_nop4") "  .byte 0x0f, 0x1f, 0x40, 0x00\n" BODY "  ret\n" END("site_nop4")
        SITE("site_nop5") "  .byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n" BODY "  ret\n" END("site_nop5")
        /* call rel32 and jmp rel32 spelled as bytes, so the assembler cannot pick a short form. */
        SITE("site_call") "  .byte 0xe8\n  .long 1f - (. + 4)\n  ret\n1:\n" BODY "  ret\n" END("site_call")
        SITE("site_jmp") "  .byte 0xe9\n  .long 1f - (. + 4)\n  int3\n1:\n" BODY "  ret\n" END("site_jmp")
        SITE("site_endbr64") "  endbr64\n" BODY "  ret\n" END("site_endbr64")
        SITE("site_sub") "  sub $0x18, %rsp\n" BODY "  add $0x18, %rsp\n  ret\n" END("site_sub")
        SITE("site_mov") "  mov %rdi, %rax\n" BODY "  ret\n" END("site_mov"));

typedef int (*site_fn)(void *, const void *, size_t, size_t *);
int site_push(void *, const void *, size_t, size_t *);
int site_nop1(void *, const void *, size_t, size_t *);
int site_nop4(void *, const void *, size_t, size_t *);
int site_nop5(void *, const void *, size_t, size_t *);
int site_call(void *, const void *, size_t, size_t *);
int site_jmp(void *, const void *, size_t, size_t *);
int site_endbr64(void *, const void *, size_t, size_t *);
int site_sub(void *, const void *, size_t, size_t *);
int site_mov(void *, const void *, size_t, size_t *);

static const struct {
  const char *name;
  site_fn fn;
} sites[] = {
    {"site_push", site_push}, {"site_nop1", site_nop1}, {"site_nop4", site_nop4},
    {"site_nop5", site_nop5}, {"site_call", site_call}, {"site_jmp", site_jmp},
    {"site_endbr64", site_endbr64}, {"site_sub", site_sub}, {"site_mov", site_mov},
};

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "uprobe-cost-driver: %s: %s\n", what, strerror(errno));
  ERR_print_errors_fp(stderr);
  exit(1);
}

static SSL *client, *server;
static char payload[64] = "GET /uprobe-cost HTTP/1.1\r\nHost: bench\r\n\r\n";

/* Drives both ends of the handshake until each is done: both sockets are non-blocking. */
static void handshake(void) {
  int c = 0, s = 0;
  for (int spins = 0; (!c || !s) && spins < 100000; spins++) {
    if (!c) {
      int r = SSL_connect(client);
      if (r == 1) c = 1;
      else if (SSL_get_error(client, r) != SSL_ERROR_WANT_READ && SSL_get_error(client, r) != SSL_ERROR_WANT_WRITE)
        die("SSL_connect");
    }
    if (!s) {
      int r = SSL_accept(server);
      if (r == 1) s = 1;
      else if (SSL_get_error(server, r) != SSL_ERROR_WANT_READ && SSL_get_error(server, r) != SSL_ERROR_WANT_WRITE)
        die("SSL_accept");
    }
  }
  if (!c || !s) die("handshake did not finish");
}

static void setup_tls(const char *cert, const char *key) {
  int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1) || getsockname(l, (struct sockaddr *)&a, &len))
    die("listen on 127.0.0.1");
  int cfd = socket(AF_INET, SOCK_STREAM, 0);
  if (cfd < 0 || connect(cfd, (struct sockaddr *)&a, sizeof a)) die("connect");
  int sfd = accept(l, NULL, NULL);
  if (sfd < 0) die("accept");
  close(l);
  for (int i = 0; i < 2; i++) {
    int fd = i ? sfd : cfd;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  SSL_CTX *cctx = SSL_CTX_new(TLS_client_method()), *sctx = SSL_CTX_new(TLS_server_method());
  if (!cctx || !sctx) die("SSL_CTX_new");
  if (SSL_CTX_use_certificate_file(sctx, cert, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_use_PrivateKey_file(sctx, key, SSL_FILETYPE_PEM) != 1)
    die("certificate");
  client = SSL_new(cctx);
  server = SSL_new(sctx);
  SSL_set_fd(client, cfd);
  SSL_set_fd(server, sfd);
  handshake();
}

/* One request's worth: the client writes 64 bytes, the server reads them (retrying while in flight). */
static void ssl_round_trip(void) {
  char in[sizeof payload];
  if (SSL_write(client, payload, sizeof payload) != (int)sizeof payload) die("SSL_write");
  size_t got = 0;
  while (got < sizeof payload) {
    int r = SSL_read(server, in + got, (int)(sizeof in - got));
    if (r > 0) got += (size_t)r;
    else if (SSL_get_error(server, r) != SSL_ERROR_WANT_READ) die("SSL_read");
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s CERT.pem KEY.pem\n", argv[0]);
    return 2;
  }
  setup_tls(argv[1], argv[2]);
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("ready %d\n", (int)getpid());
  char line[256], name[64];
  long n;
  static unsigned char buf[64];
  while (fgets(line, sizeof line, stdin)) {
    if (sscanf(line, "site %63s %ld", name, &n) == 2) {
      site_fn volatile fn = NULL;
      for (size_t i = 0; i < sizeof sites / sizeof sites[0]; i++)
        if (strcmp(sites[i].name, name) == 0) fn = sites[i].fn;
      if (fn == NULL) {
        printf("error no site %s\n", name);
        continue;
      }
      size_t written = 0;
      int64_t t0 = now_ns();
      for (long i = 0; i < n; i++) fn(&written, buf, sizeof buf, &written);
      printf("%lld\n", (long long)(now_ns() - t0));
    } else if (sscanf(line, "ssl %ld", &n) == 1) {
      int64_t t0 = now_ns();
      for (long i = 0; i < n; i++) ssl_round_trip();
      printf("%lld\n", (long long)(now_ns() - t0));
    } else if (strncmp(line, "quit", 4) == 0) {
      break;
    } else {
      printf("error unknown command\n");
    }
  }
  return 0;
}
