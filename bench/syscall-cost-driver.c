/*
 * The timed program of bench/syscall-hooks.sh (built by the script with gcc): loops of syscalls, each timed
 * with CLOCK_MONOTONIC, so that the bench can tell what the plaintext socket hooks add to one syscall.
 *
 * Protocol on stdin/stdout, one line each: it prints "ready PID" once set up, then answers
 *   getppid N  -> nanoseconds for N getppid() calls: a syscall the hooks do not read (what every syscall of
 *                 the node pays while they are attached)
 *   pipe N     -> nanoseconds for N x (write 64 bytes to a pipe, read them back): read and write, not on a
 *                 socket (the hooks follow the descriptor and stop)
 *   tcp N      -> nanoseconds for N x (write 64 bytes of an HTTP request to a TCP socket, read them at the
 *                 other end over 127.0.0.1): the hooks' whole path in a watched namespace (capture, event)
 *   quit
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int tcp_pair(int *client, int *server)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int one = 1;
	int l = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &len))
		return -1;
	*client = socket(AF_INET, SOCK_STREAM, 0);
	if (*client < 0 || connect(*client, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	*server = accept(l, NULL, NULL);
	close(l);
	setsockopt(*client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return *server < 0 ? -1 : 0;
}

int main(void)
{
	/* 64 bytes that start like an HTTP request, so that a watched socket is classified plaintext. */
	static const char msg[65] = "GET /x HTTP/1.1\r\nHost: bench\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
	char buf[64], line[128], cmd[32];
	int pipefd[2], client, server;
	long n, i;

	if (pipe(pipefd) || tcp_pair(&client, &server)) {
		perror("setup");
		return 1;
	}
	printf("ready %d\n", getpid());
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		long long t0, t1;

		if (sscanf(line, "%31s %ld", cmd, &n) < 1 || !strcmp(cmd, "quit"))
			break;
		t0 = now_ns();
		if (!strcmp(cmd, "getppid")) {
			for (i = 0; i < n; i++)
				syscall(SYS_getppid);
		} else if (!strcmp(cmd, "pipe")) {
			for (i = 0; i < n; i++)
				if (write(pipefd[1], msg, 64) != 64 || read(pipefd[0], buf, 64) != 64)
					break;
		} else if (!strcmp(cmd, "tcp")) {
			for (i = 0; i < n; i++)
				if (write(client, msg, 64) != 64 || read(server, buf, 64) != 64)
					break;
		} else {
			printf("error unknown command %s\n", cmd);
			fflush(stdout);
			continue;
		}
		t1 = now_ns();
		printf("%lld\n", t1 - t0);
		fflush(stdout);
	}
	return 0;
}
