/*
 * paced-load: HTTP/1.1 keep-alive requests over TLS at evenly spaced times, for the fixed-rate case of
 * bench/tls-overhead.sh.
 *
 * h2load --rps starts every connection's timer at once, so 50 connections at 100 req/s each send 50
 * requests together every 10 ms: the last of each burst waits for the 49 before it, and a path's added
 * CPU per request shows up in the tail multiplied by the burst. Here connection i of N sends its k-th
 * request at t0 + (k * N + i) / rate: one request every 1/rate seconds, each on the next connection.
 * Latency is measured from that scheduled time to the last byte of the response, so a request the
 * driver (or the machine) sent late counts its lateness too (no coordinated omission).
 *
 * usage: paced-load HOST PORT PATH CONNECTIONS RATE SECONDS WARMUP_SECONDS LOGFILE
 * Writes one latency in microseconds per line (timed window only) to LOGFILE; prints "sent N late M
 * failed F" (late: sent more than 1 ms after its time) on stdout.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *host, *port, *path;
static int conns;
static double rate, seconds, warmup;
static struct timespec t0;
static SSL_CTX *ctx;

struct worker {
  int index;
  long sent, late, failed, count;
  unsigned *lat; /* microseconds, timed window only */
  long cap;
};

static double since_t0(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9;
}

static void sleep_until(double t) {
  struct timespec at = t0;
  long long ns = (long long)(t * 1e9) + at.tv_nsec;
  at.tv_sec += ns / 1000000000LL;
  at.tv_nsec = ns % 1000000000LL;
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR) {
  }
}

static SSL *connect_tls(void) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai;
  if (getaddrinfo(host, port, &hints, &ai) != 0) return NULL;
  int fd = socket(ai->ai_family, SOCK_STREAM, 0);
  int one = 1;
  if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    freeaddrinfo(ai);
    if (fd >= 0) close(fd);
    return NULL;
  }
  freeaddrinfo(ai);
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  SSL *ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) != 1) {
    SSL_free(ssl);
    close(fd);
    return NULL;
  }
  return ssl;
}

/* Reads one response: headers, then Content-Length bytes of body. 0 on success. */
static int read_response(SSL *ssl) {
  char buf[16384];
  int have = 0;
  for (;;) {
    int n = SSL_read(ssl, buf + have, (int)sizeof buf - 1 - have);
    if (n <= 0) return -1;
    have += n;
    buf[have] = 0;
    char *end = strstr(buf, "\r\n\r\n");
    if (end == NULL) {
      if (have >= (int)sizeof buf - 1) return -1;
      continue;
    }
    if (strncmp(buf, "HTTP/1.1 200", 12) != 0) return -1;
    long body = 0;
    char *cl = strcasestr(buf, "\r\ncontent-length:");
    if (cl != NULL) body = strtol(cl + 17, NULL, 10);
    long got = have - (end + 4 - buf);
    while (got < body) {
      n = SSL_read(ssl, buf, (int)sizeof buf);
      if (n <= 0) return -1;
      got += n;
    }
    return 0;
  }
}

static void *run(void *arg) {
  struct worker *w = arg;
  char req[512];
  int len = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: paced-load\r\n\r\n", path, host);
  SSL *ssl = connect_tls();
  for (long k = 0;; k++) {
    double at = (k * conns + w->index) / rate; /* seconds after t0; the warm-up's requests are not logged */
    if (at >= warmup + seconds) break;
    sleep_until(at);
    double sent = since_t0();
    w->sent++;
    if (sent - at > 1e-3) w->late++;
    int ok = 0;
    for (int attempt = 0; attempt < 2 && !ok; attempt++) { /* once more on a new connection if closed */
      if (ssl != NULL && SSL_write(ssl, req, len) == len && read_response(ssl) == 0) {
        ok = 1;
      } else {
        if (ssl != NULL) {
          close(SSL_get_fd(ssl));
          SSL_free(ssl);
        }
        ssl = connect_tls();
      }
    }
    if (!ok) {
      w->failed++;
      continue;
    }
    double done = since_t0();
    if (at >= warmup && w->count < w->cap) w->lat[w->count++] = (unsigned)((done - at) * 1e6);
  }
  if (ssl != NULL) {
    SSL_shutdown(ssl);
    close(SSL_get_fd(ssl));
    SSL_free(ssl);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 9) {
    fprintf(stderr, "usage: %s HOST PORT PATH CONNECTIONS RATE SECONDS WARMUP_SECONDS LOGFILE\n", argv[0]);
    return 2;
  }
  host = argv[1];
  port = argv[2];
  path = argv[3];
  conns = atoi(argv[4]);
  rate = atof(argv[5]);
  seconds = atof(argv[6]);
  warmup = atof(argv[7]);
  if (conns < 1 || rate <= 0 || seconds <= 0 || warmup < 0) {
    fprintf(stderr, "paced-load: connections, rate and seconds must be positive\n");
    return 2;
  }
  /* Timers fire when asked, not up to 50 us later (the default slack of a normal thread). */
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  struct worker *w = calloc((size_t)conns, sizeof *w);
  pthread_t *t = calloc((size_t)conns, sizeof *t);
  long per = (long)(rate * seconds / conns) + 2;
  /* Connections are made before t0, so handshakes stay out of the schedule. */
  clock_gettime(CLOCK_MONOTONIC, &t0);
  t0.tv_sec += 1;
  for (int i = 0; i < conns; i++) {
    w[i].index = i;
    w[i].cap = per;
    w[i].lat = calloc((size_t)per, sizeof(unsigned));
    if (pthread_create(&t[i], NULL, run, &w[i]) != 0) {
      perror("pthread_create");
      return 1;
    }
  }
  long sent = 0, late = 0, failed = 0;
  FILE *out = fopen(argv[8], "w");
  if (out == NULL) {
    perror(argv[8]);
    return 1;
  }
  for (int i = 0; i < conns; i++) {
    pthread_join(t[i], NULL);
    sent += w[i].sent;
    late += w[i].late;
    failed += w[i].failed;
    for (long k = 0; k < w[i].count; k++) fprintf(out, "%u\n", w[i].lat[k]);
  }
  fclose(out);
  printf("sent %ld late %ld failed %ld\n", sent, late, failed);
  return failed > 0 ? 1 : 0;
}
