// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tcpcrr: TCP connect/request/response/close, the connections-per-second
 * test (netperf's TCP_CRR shape) with a real client and server.
 *
 *   tcpcrr server PORT [SECONDS]     accept, read 1 byte, answer 1 byte, close
 *   tcpcrr client ADDR PORT SECONDS WORKERS
 *       WORKERS processes, each connecting in a loop; prints one JSON line
 *       with the connections completed and the failures.
 *
 * The client closes with SO_LINGER 0 (RST): no TIME_WAIT on either host, so
 * a run is never limited by the client's ephemeral ports. Every connection
 * still crosses the router four times (SYN, SYN-ACK, ACK+request, response)
 * plus the RST, and takes a new NAT session.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 64

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int server(int port, int seconds)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, ls, c;
	char b;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls < 0 || bind(ls, (void *)&a, sizeof(a)) || listen(ls, 4096)) {
		perror("tcpcrr server");
		return 1;
	}
	/* bounded: the bench kills it, and it ends by itself after SECONDS */
	alarm(seconds > 0 ? seconds : 900);
	for (;;) {
		c = accept(ls, NULL, NULL);
		if (c < 0)
			continue;
		if (read(c, &b, 1) == 1)
			(void)!write(c, &b, 1);
		close(c);
	}
}

/* One connection; 0 on success. */
static int one_conn(const struct sockaddr_in *a)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct timeval tv = { .tv_sec = 1 };
	int s = socket(AF_INET, SOCK_STREAM, 0), ok = -1;
	char b = 'x';

	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (!connect(s, (const void *)a, sizeof(*a)) && write(s, &b, 1) == 1 && read(s, &b, 1) == 1)
		ok = 0;
	setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(s);
	return ok;
}

static int client(const char *addr, int port, double seconds, int workers)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	unsigned long *done, conns = 0, fails = 0;
	double t0, t1;
	int i;

	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1 || workers < 1 || workers > MAX_WORKERS) {
		fprintf(stderr, "tcpcrr: bad address or worker count\n");
		return 1;
	}
	/* two counters per worker, shared with the children */
	done = mmap(NULL, 2 * MAX_WORKERS * sizeof(*done), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	if (done == MAP_FAILED)
		return 1;
	t0 = now_s();
	for (i = 0; i < workers; i++) {
		if (fork() == 0) {
			while (now_s() - t0 < seconds) {
				if (one_conn(&a))
					done[2 * i + 1]++;
				else
					done[2 * i]++;
			}
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	t1 = now_s();
	for (i = 0; i < workers; i++) {
		conns += done[2 * i];
		fails += done[2 * i + 1];
	}
	printf("{\"connections\": %lu, \"failures\": %lu, \"seconds\": %.6f, \"cps\": %.1f}\n", conns, fails,
	       t1 - t0, conns / (t1 - t0));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]), argc > 3 ? atoi(argv[3]) : 0);
	if (argc == 6 && !strcmp(argv[1], "client"))
		return client(argv[2], atoi(argv[3]), atof(argv[4]), atoi(argv[5]));
	fprintf(stderr, "usage: tcpcrr server PORT [SECONDS] | client ADDR PORT SECONDS WORKERS\n");
	return 2;
}
