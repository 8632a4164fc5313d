// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * hpbench: the benchmark's packet tools, driven by bench/run.
 *
 *   hpbench gen  DEV FRAME [--seconds S | --count N] [--vary FLOWS,PORTS]
 *                [--pps RATE] [--bpf-stats] OBJ
 *       Offer FRAME out of DEV as fast as the CPU can: BPF_PROG_TEST_RUN with
 *       BPF_F_TEST_XDP_LIVE_FRAMES on gen.bpf.o (XDP_TX of every frame). Run
 *       it inside the sender's namespace, pinned to its core. --pps paces
 *       it (a flood of a given rate, in millisecond batches). --bpf-stats
 *       turns on the kernel's per-program run time while it runs.
 *   hpbench cost HOOK TARGET FRAME --repeat N [--vary ...] [--dev DEV]
 *                [--samples K] [--direct] [--table ENTRIES --fill N,SADDR,REPLY]
 *                [--bpf-stats] OBJ
 *       Per-run ns of TARGET (a pinned program path, or floor / nop /
 *       lookup from OBJ; lookup's session-shaped table gets ENTRIES slots
 *       and the frame's flow plus N sessions, two entries each) behind the template-restoring harness of cost.bpf.c, or run
 *       directly (--direct, for programs that do not change the packet).
 *   hpbench rx   MAP
 *       Sum a pinned rx_count map over CPUs: packets, first and last time.
 *
 * FRAME is SMAC,DMAC,PROTO,SRC:SPORT,DST:DPORT[,LEN[,TCPFLAGS]]; the frame is
 * built with correct IPv4 and L4 checksums. Results are one JSON line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpf/bench.h"
#include "../include/hairpin/abi.h" /* the Makefile builds this with -Ibench only */

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "hpbench: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- frames ---- */

static uint32_t sum16(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;

	for (; len > 1; len -= 2, b += 2)
		sum += (b[0] << 8) | b[1];
	if (len)
		sum += b[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static void parse_mac(const char *s, uint8_t *mac)
{
	if (sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4],
		   &mac[5]) != 6)
		die("bad MAC address '%s'", s);
}

static void parse_endpoint(char *s, struct in_addr *addr, uint16_t *port)
{
	char *colon = strchr(s, ':');

	if (!colon)
		die("bad endpoint '%s' (ADDR:PORT)", s);
	*colon = '\0';
	if (inet_pton(AF_INET, s, addr) != 1)
		die("bad IPv4 address '%s'", s);
	*port = atoi(colon + 1);
}

/* SMAC,DMAC,udp|tcp,SRC:SPORT,DST:DPORT[,LEN[,FLAGS]] -> frame; returns its length. */
static size_t build_frame(const char *spec, uint8_t *buf)
{
	char *copy = strdup(spec), *f[7] = {}, *save = NULL, *tok;
	struct ethhdr *eth = (void *)buf;
	struct iphdr *ip = (void *)(eth + 1);
	struct in_addr src, dst;
	uint16_t sport, dport;
	size_t len = 60, l4len;
	bool tcp;
	int n = 0;

	for (tok = strtok_r(copy, ",", &save); tok && n < 7; tok = strtok_r(NULL, ",", &save))
		f[n++] = tok;
	if (n < 5)
		die("bad frame '%s'", spec);
	tcp = !strcmp(f[2], "tcp");
	if (n > 5)
		len = atoi(f[5]);
	if (len < 60 || len >= HPB_TMPL_MAX)
		die("frame length out of range in '%s'", spec);
	memset(buf, 0, len);
	parse_mac(f[0], eth->h_source);
	parse_mac(f[1], eth->h_dest);
	eth->h_proto = htons(ETH_P_IP);
	parse_endpoint(f[3], &src, &sport);
	parse_endpoint(f[4], &dst, &dport);

	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(len - sizeof(*eth));
	ip->id = htons(1);
	ip->ttl = 64;
	ip->protocol = tcp ? IPPROTO_TCP : IPPROTO_UDP;
	ip->saddr = src.s_addr;
	ip->daddr = dst.s_addr;
	ip->check = fold(sum16(ip, sizeof(*ip), 0));

	l4len = len - sizeof(*eth) - sizeof(*ip);
	if (tcp) {
		struct tcphdr *th = (void *)(ip + 1);

		th->source = htons(sport);
		th->dest = htons(dport);
		th->seq = htonl(1);
		th->doff = 5;
		th->window = htons(65535);
		((uint8_t *)th)[13] = n > 6 ? strtol(f[6], NULL, 0) : 0x02; /* SYN */
		if (((uint8_t *)th)[13] & 0x10)
			th->ack_seq = htonl(1);
	} else {
		struct udphdr *uh = (void *)(ip + 1);

		uh->source = htons(sport);
		uh->dest = htons(dport);
		uh->len = htons(l4len);
	}
	{
		/* pseudo-header + segment, checksum field still 0 */
		uint32_t s = sum16(&ip->saddr, 8, 0) + ip->protocol + l4len;
		uint16_t c = fold(sum16(ip + 1, l4len, s));

		if (tcp)
			((struct tcphdr *)(ip + 1))->check = c;
		else
			((struct udphdr *)(ip + 1))->check = c ? c : 0xffff;
	}
	free(copy);
	return len;
}

static void parse_vary(const char *s, struct hpb_vary *v, const uint8_t *frame)
{
	const struct iphdr *ip = (const void *)(frame + sizeof(struct ethhdr));
	const struct udphdr *uh = (const void *)(ip + 1);

	if (sscanf(s, "%u,%u", &v->flows, &v->ports) != 2 || !v->ports)
		die("bad --vary '%s' (FLOWS,PORTS)", s);
	/* flow 0 is the frame as given; later ones move up from it */
	v->saddr_base = ntohl(ip->saddr);
	v->sport_base = ntohs(uh->source);
}

/* Open and load OBJ; a nonzero table gives hpb_sessions that many entries. */
static struct bpf_object *open_obj_sized(const char *path, uint32_t table)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_map *m;

	if (!obj)
		die("cannot open %s", path);
	if (table) {
		m = bpf_object__find_map_by_name(obj, "hpb_sessions");
		if (!m || bpf_map__set_max_entries(m, table))
			die("no session-shaped map in %s", path);
	}
	if (bpf_object__load(obj))
		die("cannot load %s", path);
	return obj;
}

static struct bpf_object *open_obj(const char *path)
{
	return open_obj_sized(path, 0);
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	int fd = bpf_object__find_map_fd_by_name(obj, name);

	if (fd < 0)
		die("no map %s", name);
	return fd;
}

static int prog_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	if (!p)
		die("no program %s", name);
	return bpf_program__fd(p);
}

static void zero_percpu_u64(int fd)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals = calloc(ncpu, sizeof(*vals));
	uint32_t zero = 0;

	if (!vals || bpf_map_update_elem(fd, &zero, vals, BPF_ANY))
		die("cannot reset %s", "a counter");
	free(vals);
}

static unsigned int ifindex_of(const char *dev)
{
	unsigned int idx = if_nametoindex(dev);

	if (!idx)
		die("no interface %s in this namespace", dev);
	return idx;
}

/* ---- gen ---- */

static int cmd_gen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "vary", required_argument, NULL, 'v' },
		{ "bpf-stats", no_argument, NULL, 'b' },
		{ "pps", required_argument, NULL, 'p' },
		{},
	};
	double seconds = 0, t0, elapsed, pps = 0;
	int stats_fd = -1;
	uint64_t count = 0, sent = 0, chunk;
	const char *vary = NULL;
	struct hpb_tmpl tmpl = {};
	struct bpf_object *obj;
	struct xdp_md ctx = {};
	uint32_t zero = 0;
	int c, fd;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			seconds = atof(optarg);
		else if (c == 'n')
			count = strtoull(optarg, NULL, 0);
		else if (c == 'v')
			vary = optarg;
		else if (c == 'p')
			pps = atof(optarg);
		else if (c == 'b')
			/* run_time_ns/run_cnt of every program, while this fd is open */
			stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		else
			return 2;
	}
	if (argc - optind != 3 || (!seconds && !count))
		die("%s", "usage: gen DEV FRAME (--seconds S | --count N) [--vary FLOWS,PORTS] OBJ");
	ctx.ingress_ifindex = ifindex_of(argv[optind]);
	tmpl.len = build_frame(argv[optind + 1], tmpl.data);
	if (vary)
		parse_vary(vary, &tmpl.vary, tmpl.data);
	obj = open_obj(argv[optind + 2]);
	if (bpf_map_update_elem(map_fd(obj, "hpb_tmpl"), &zero, &tmpl, BPF_ANY))
		die("%s", "cannot set the template");
	zero_percpu_u64(map_fd(obj, "hpb_seq"));
	fd = prog_fd(obj, "gen");
	ctx.data_end = tmpl.len; /* the kernel wants the context to describe the frame */

	/*
	 * Chunks short enough to stop on time, long enough that the syscall
	 * does not count: at a few Mpps one chunk is a few milliseconds.
	 */
	t0 = now_s();
	for (;;) {
		LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = tmpl.data, .data_size_in = tmpl.len,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);

		chunk = 16384;
		if (pps > 0) {
			/*
			 * What is due by now, at most a chunk: a run has a fixed
			 * cost of milliseconds (its page pool), so a paced flood
			 * is sent in bursts of what accrued meanwhile.
			 */
			double due = (now_s() - t0) * pps - sent;

			if (due < 1) {
				struct timespec ts = { .tv_sec = 0, .tv_nsec = 1000000 };

				nanosleep(&ts, NULL);
				continue;
			}
			if (due < chunk)
				chunk = (uint64_t)due;
		}
		if (count && count - sent < chunk)
			chunk = count - sent;
		run.repeat = chunk;
		if (bpf_prog_test_run_opts(fd, &run))
			die("live-frames run failed: %s", strerror(errno));
		sent += chunk;
		elapsed = now_s() - t0;
		if ((count && sent >= count) || (seconds && elapsed >= seconds) || elapsed > 600)
			break;
	}
	printf("{\"sent\": %llu, \"seconds\": %.6f, \"pps\": %.0f}\n", (unsigned long long)sent, elapsed,
	       sent / elapsed);
	bpf_object__close(obj);
	if (stats_fd >= 0)
		close(stats_fd);
	return 0;
}

/* ---- cost ---- */

/*
 * The lookup reference's table, filled like hp_sessions: the frame's own
 * flow (so the measured lookup hits) and N more sessions, two entries each as
 * hairpin-xdp keeps them: the internet side (SADDR+i/50000:1024+i%50000 ->
 * the frame's destination) and the reply (REPLY:dport -> that source).
 */
static void fill_sessions(int fd, const uint8_t *frame, const char *spec)
{
	const struct iphdr *ip = (const void *)(frame + sizeof(struct ethhdr));
	const struct udphdr *uh = (const void *)(ip + 1);
	struct in_addr base, reply;
	char *copy = strdup(spec), *a, *b;
	uint32_t n, i, k = 0, chunk = 65536;
	struct hp_session_key *keys;
	struct hp_session *vals;

	a = strchr(copy, ',');
	b = a ? strchr(a + 1, ',') : NULL;
	if (!a || !b)
		die("bad --fill '%s' (N,SADDR,REPLYADDR)", spec);
	*a++ = '\0';
	*b++ = '\0';
	n = strtoul(copy, NULL, 0);
	if (inet_pton(AF_INET, a, &base) != 1 || inet_pton(AF_INET, b, &reply) != 1)
		die("bad --fill '%s' (N,SADDR,REPLYADDR)", spec);
	keys = calloc(chunk, sizeof(*keys));
	vals = calloc(chunk, sizeof(*vals));
	if (!keys || !vals)
		die("%s", "out of memory");
	/* entry -1: the frame's own flow */
	for (i = 0; i <= n; i++) {
		struct hp_session_key *f = &keys[k], *r = &keys[k + 1];

		if (i == 0) {
			f->tuple.saddr = ip->saddr;
			f->tuple.sport = uh->source;
		} else {
			f->tuple.saddr = htonl(ntohl(base.s_addr) + (i - 1) / 50000);
			f->tuple.sport = htons(1024 + (i - 1) % 50000);
		}
		f->tuple.daddr = ip->daddr;
		f->tuple.dport = uh->dest;
		f->proto = ip->protocol;
		r->tuple.saddr = reply.s_addr;
		r->tuple.sport = uh->dest;
		r->tuple.daddr = f->tuple.saddr;
		r->tuple.dport = f->tuple.sport;
		r->proto = ip->protocol;
		vals[k].xlat = r->tuple;
		vals[k].state = vals[k + 1].state = HP_STATE_UDP;
		vals[k + 1].xlat = f->tuple;
		vals[k + 1].flags = HP_SF_REPLY;
		k += 2;
		if (k == chunk || i == n) {
			LIBBPF_OPTS(bpf_map_batch_opts, o);
			uint32_t cnt = k;

			if (bpf_map_update_batch(fd, keys, vals, &cnt, &o) || cnt != k)
				die("filling the lookup table failed: %s", strerror(errno));
			memset(keys, 0, chunk * sizeof(*keys));
			memset(vals, 0, chunk * sizeof(*vals));
			k = 0;
		}
	}
	free(keys);
	free(vals);
	free(copy);
}

static int cmd_cost(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repeat", required_argument, NULL, 'r' },
		{ "vary", required_argument, NULL, 'v' },
		{ "dev", required_argument, NULL, 'd' },
		{ "samples", required_argument, NULL, 'k' },
		{ "direct", no_argument, NULL, 'D' },
		{ "table", required_argument, NULL, 'T' },
		{ "fill", required_argument, NULL, 'F' },
		{ "bpf-stats", no_argument, NULL, 'b' },
		{},
	};
	int stats_fd = -1;
	bool direct = false;
	uint32_t table = 0;
	const char *fill = NULL;
	struct hpb_tmpl tmpl = {};
	const char *vary = NULL, *dev = NULL, *hook, *target;
	uint32_t repeat = 1000000, zero = 0, retval = 0;
	struct bpf_object *obj;
	int c, k, samples = 1, harness, target_fd, err;
	bool xdp;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			repeat = strtoul(optarg, NULL, 0);
		else if (c == 'v')
			vary = optarg;
		else if (c == 'd')
			dev = optarg;
		else if (c == 'k')
			samples = atoi(optarg);
		else if (c == 'D')
			direct = true; /* no harness: only for programs that leave the packet alone */
		else if (c == 'T')
			table = strtoul(optarg, NULL, 0);
		else if (c == 'F')
			fill = optarg;
		else if (c == 'b')
			/* what the kernel's run-time accounting itself costs a run */
			stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		else
			return 2;
	}
	if (argc - optind != 4)
		die("%s", "usage: cost xdp|tc TARGET FRAME [--repeat N] [--vary F,P] [--dev DEV] [--samples K] "
			  "[--direct] [--table ENTRIES --fill N,SADDR,REPLYADDR] [--bpf-stats] OBJ");
	hook = argv[optind];
	target = argv[optind + 1];
	xdp = !strcmp(hook, "xdp");
	tmpl.len = build_frame(argv[optind + 2], tmpl.data);
	if (vary)
		parse_vary(vary, &tmpl.vary, tmpl.data);
	if (fill && !table)
		die("%s", "--fill needs --table");
	obj = open_obj_sized(argv[optind + 3], table);
	if (bpf_map_update_elem(map_fd(obj, "hpb_tmpl"), &zero, &tmpl, BPF_ANY))
		die("%s", "cannot set the template");
	if (fill)
		fill_sessions(map_fd(obj, "hpb_sessions"), tmpl.data, fill);

	if (!strcmp(target, "floor") || !strcmp(target, "nop") || !strcmp(target, "lookup") ||
	    !strcmp(target, "insert_pre") || !strcmp(target, "insert_np")) {
		char name[24];

		snprintf(name, sizeof(name), "%s_%s", target, hook);
		target_fd = prog_fd(obj, name);
	} else {
		target_fd = bpf_obj_get(target);
		if (target_fd < 0)
			die("cannot open pinned program %s", target);
	}
	if (bpf_map_update_elem(map_fd(obj, xdp ? "hpb_xdp_target" : "hpb_tc_target"), &zero, &target_fd,
				BPF_ANY))
		die("cannot tail-call %s (program type?)", target);
	harness = direct ? target_fd : prog_fd(obj, xdp ? "harness_xdp" : "harness_tc");

	printf("{\"ns\": [");
	for (k = 0; k < samples; k++) {
		struct xdp_md xctx = { .data_end = tmpl.len, .ingress_ifindex = dev ? ifindex_of(dev) : 0 };
		LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = tmpl.data, .data_size_in = tmpl.len,
			    .repeat = repeat);

		if (xdp && dev) {
			run.ctx_in = &xctx;
			run.ctx_size_in = sizeof(xctx);
		}
		/* every sample starts from flow 0 again */
		zero_percpu_u64(map_fd(obj, "hpb_seq"));
		err = bpf_prog_test_run_opts(harness, &run);
		if (err)
			die("test run failed: %s", strerror(errno));
		retval = run.retval;
		printf("%s%u", k ? ", " : "", run.duration);
	}
	printf("], \"retval\": %u, \"repeat\": %u}\n", retval, repeat);
	bpf_object__close(obj);
	if (stats_fd >= 0)
		close(stats_fd);
	return 0;
}

/* ---- rx ---- */

static int cmd_rx(int argc, char **argv)
{
	int ncpu = libbpf_num_possible_cpus(), fd, i;
	struct hpb_rx *vals, sum = {};
	uint32_t zero = 0;

	if (argc != 2)
		die("%s", "usage: rx PINNED_MAP");
	fd = bpf_obj_get(argv[1]);
	vals = calloc(ncpu, sizeof(*vals));
	if (fd < 0 || !vals || bpf_map_lookup_elem(fd, &zero, vals))
		die("cannot read %s", argv[1]);
	for (i = 0; i < ncpu; i++) {
		if (!vals[i].packets)
			continue;
		if (!sum.packets || vals[i].first_ns < sum.first_ns)
			sum.first_ns = vals[i].first_ns;
		if (vals[i].last_ns > sum.last_ns)
			sum.last_ns = vals[i].last_ns;
		sum.packets += vals[i].packets;
	}
	printf("{\"packets\": %llu, \"first_ns\": %llu, \"last_ns\": %llu}\n", (unsigned long long)sum.packets,
	       (unsigned long long)sum.first_ns, (unsigned long long)sum.last_ns);
	/* reset for the next measurement */
	memset(vals, 0, ncpu * sizeof(*vals));
	bpf_map_update_elem(fd, &zero, vals, BPF_ANY);
	free(vals);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("%s", "usage: hpbench gen|cost|rx ...");
	libbpf_set_print(NULL);
	if (!strcmp(argv[1], "gen"))
		return cmd_gen(argc - 1, argv + 1);
	if (!strcmp(argv[1], "cost"))
		return cmd_cost(argc - 1, argv + 1);
	if (!strcmp(argv[1], "rx"))
		return cmd_rx(argc - 1, argv + 1);
	die("unknown command %s", argv[1]);
	return 2;
}
