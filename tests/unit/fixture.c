// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The private network namespace, the skeleton's lifecycle and map helpers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hairpin.skel.h"
#include "fixture.h"
#include "harness.h"

const __u8 mac_lan[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
const __u8 mac_wan[6] = { 0x02, 0, 0, 0, 0x02, 0x01 };
const __u8 mac_dmz[6] = { 0x02, 0, 0, 0, 0x03, 0x01 };
const __u8 mac_server[6] = { 0x02, 0, 0, 0, 0, 0x02 };
const __u8 mac_client[6] = { 0x02, 0, 0, 0, 0, 0x03 };
const __u8 mac_inet[6] = { 0x02, 0, 0, 0, 0, 0x10 };
const __u8 mac_dmzhost[6] = { 0x02, 0, 0, 0, 0, 0x20 };
const __u8 mac_small_mtu[6] = { 0x02, 0, 0, 0, 0, 0x0a };
const __u8 mac_route_mtu[6] = { 0x02, 0, 0, 0, 0, 0x0b };

static const char *const if_names[IF_MAX] = { "lan0", "wan0", "dmz0" };
static int if_index[IF_MAX];
static int cpu = -1;

/*
 * Built with `ip` so that it reads like the integration tests' set-up. The
 * peers stay in the namespace, unused: they only give the links a carrier.
 */
static const char *const env_cmds[] = {
	"ip link set lo up",
	"ip link add lan0 address 02:00:00:00:01:01 type veth peer name lan0p",
	"ip link add wan0 address 02:00:00:00:02:01 type veth peer name wan0p",
	"ip link add dmz0 address 02:00:00:00:03:01 type veth peer name dmz0p",
	"ip addr add 192.168.0.1/24 dev lan0",
	"ip addr add 203.0.113.4/24 dev wan0",
	"ip addr add 198.51.100.1/24 dev dmz0",
	"for i in lan0 lan0p wan0 wan0p dmz0 dmz0p; do ip link set $i up || exit 1; done",
	"ip neigh replace 192.168.0.2 lladdr 02:00:00:00:00:02 dev lan0 nud permanent",
	"ip neigh replace 192.168.0.3 lladdr 02:00:00:00:00:03 dev lan0 nud permanent",
	"ip neigh replace 203.0.113.2 lladdr 02:00:00:00:00:10 dev wan0 nud permanent",
	"ip neigh replace 198.51.100.2 lladdr 02:00:00:00:00:20 dev dmz0 nud permanent",
	"ip neigh replace 192.168.0.10 lladdr 02:00:00:00:00:0a dev lan0 nud permanent",
	"ip route add 192.168.0.10/32 dev lan0 mtu lock 300",
	"ip route add unreachable 203.0.113.99/32",
	"ip neigh replace 192.168.0.11 lladdr 02:00:00:00:00:0b dev lan0 nud permanent",
	"ip route add 192.168.0.11/32 dev lan0 mtu 200",
};

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

static int run_cmd(const char *cmd)
{
	char line[256];

	snprintf(line, sizeof(line), "%s >/dev/null 2>&1", cmd);
	return system(line);
}

bool env_setup(char *why, size_t why_len)
{
	if (geteuid() != 0) {
		snprintf(why, why_len, "needs root (BPF, network namespace)");
		return false;
	}
	if (unshare(CLONE_NEWNET)) {
		snprintf(why, why_len, "unshare(CLONE_NEWNET): %s",
			 strerror(errno));
		return false;
	}
	for (size_t i = 0; i < sizeof(env_cmds) / sizeof(env_cmds[0]); i++) {
		if (run_cmd(env_cmds[i])) {
			snprintf(why, why_len, "set-up failed: %s", env_cmds[i]);
			return false;
		}
	}
	/* Per namespace; also switches every existing device's forwarding. */
	if (write_file("/proc/sys/net/ipv4/ip_forward", "1")) {
		snprintf(why, why_len, "cannot enable ip_forward");
		return false;
	}
	/*
	 * BPF_PROG_TEST_RUN runs on the calling CPU: pinned, every run of
	 * the process sees the same per-CPU slots (the next-hop cache).
	 */
	cpu = sched_getcpu();
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			cpu = -1;
	}
	if (cpu < 0) {
		snprintf(why, why_len, "cannot pin to one CPU: %s",
			 strerror(errno));
		return false;
	}
	for (int i = 0; i < IF_MAX; i++) {
		if_index[i] = (int)if_nametoindex(if_names[i]);
		if (!if_index[i]) {
			snprintf(why, why_len, "no %s", if_names[i]);
			return false;
		}
	}
	return true;
}

int env_ifindex(enum netif i)
{
	return if_index[i];
}

int env_cpu(void)
{
	return cpu;
}

/* The permanent neighbours of the set-up, as they were. */
void env_neigh_restore(void)
{
	for (size_t i = 0; i < sizeof(env_cmds) / sizeof(env_cmds[0]); i++)
		if (!strncmp(env_cmds[i], "ip neigh ", 9) && run_cmd(env_cmds[i]))
			fprintf(stderr, "unit_tests: cannot restore: %s\n",
				env_cmds[i]);
}

bool fx_neigh_del(struct fx *fx, enum netif i, __u32 addr)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "ip neigh del %u.%u.%u.%u dev %s",
		 addr >> 24, addr >> 16 & 0xff, addr >> 8 & 0xff, addr & 0xff,
		 if_names[i]);
	fx->neigh_changed = true;
	return ASSERT_TRUE(!run_cmd(cmd), cmd);
}

/* ---- skeleton ---- */

/*
 * libbpf's messages are kept, not printed, so that the output stays one line
 * per case; a failed load prints the tail (the verifier log).
 */
static char libbpf_log[16384];
static size_t libbpf_log_len;

static int keep_libbpf_log(enum libbpf_print_level level, const char *fmt,
			   va_list ap)
{
	char line[1024];
	int n;

	if (level == LIBBPF_DEBUG)
		return 0;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n <= 0)
		return 0;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (libbpf_log_len + n >= sizeof(libbpf_log)) {
		/* keep the tail */
		size_t drop = libbpf_log_len + n - sizeof(libbpf_log) + 1;

		if (drop > libbpf_log_len)
			drop = libbpf_log_len;
		memmove(libbpf_log, libbpf_log + drop, libbpf_log_len - drop);
		libbpf_log_len -= drop;
	}
	memcpy(libbpf_log + libbpf_log_len, line, n);
	libbpf_log_len += n;
	libbpf_log[libbpf_log_len] = 0;
	return 0;
}

static void dump_libbpf_log(void)
{
	char *save, *line = strtok_r(libbpf_log, "\n", &save);

	for (; line; line = strtok_r(NULL, "\n", &save))
		printf("#   libbpf: %s\n", line);
	libbpf_log_len = 0;
	libbpf_log[0] = 0;
}

static const struct rule_def rules[RULE_MAX] = {
	[RULE_WEB] = { IPPROTO_TCP, 80, 0, SERVER, 80, 0, HP_HAIRPIN_INTERNAL },
	[RULE_DNS] = { IPPROTO_UDP, 53, 0, SERVER, 5353, 0, HP_HAIRPIN_INTERNAL },
	[RULE_NO_NEIGH] = { IPPROTO_TCP, 8080, 0, NO_NEIGH_HOST, 80, 0,
			    HP_HAIRPIN_INTERNAL },
	[RULE_HAIRPIN_OFF] = { IPPROTO_TCP, 81, 0, SERVER, 80, 0,
			       HP_HAIRPIN_OFF },
	[RULE_HAIRPIN_EXT] = { IPPROTO_TCP, 82, 0, SERVER, 80, 0,
			       HP_HAIRPIN_EXTERNAL },
	[RULE_DMZ] = { IPPROTO_TCP, 443, 0, DMZ_HOST, 443, 0,
		       HP_HAIRPIN_INTERNAL },
	[RULE_SMALL_MTU] = { IPPROTO_TCP, 8081, 0, SMALL_MTU_HOST, 80, 0,
			     HP_HAIRPIN_INTERNAL },
};

const struct rule_def *fx_rule_def(enum rule r)
{
	return r > RULE_NONE && r < RULE_MAX ? &rules[r] : NULL;
}

bool fx_add_rule(struct fx *fx, __u32 rule_id, const struct rule_def *r)
{
	__u16 ext_last = r->ext_last ? r->ext_last : r->ext_first;
	__u16 int_last = r->int_last ? r->int_last : r->int_first;
	struct hp_forward v = {
		.int_addr = htonl(r->int_addr),
		.hairpin = r->hairpin,
		.flags = r->flags,
		.rule_id = rule_id,
		.allow_id = HP_ALLOW_ID(rule_id, 0),
	};

	for (__u32 p = r->ext_first; p <= ext_last; p++) {
		struct hp_forward_key k = {
			.ext_addr = htonl(PUBLIC),
			.ext_port = htons((__u16)p),
			.proto = r->proto,
		};

		v.int_port = htons(int_last == r->int_first ?
					   r->int_first :
					   (__u16)(r->int_first + (p - r->ext_first)));
		if (!ASSERT_OK(bpf_map_update_elem(fx->forwards, &k, &v,
						   BPF_NOEXIST),
			       "hp_forwards update"))
			return false;
	}
	return true;
}

bool fx_allow(struct fx *fx, __u32 rule_id, __u32 addr, __u8 plen)
{
	struct hp_allow_key k = { .prefixlen = 32u + plen,
				  .list_id = htonl(HP_ALLOW_ID(rule_id, 0)),
				  .addr = htonl(addr) };
	__u32 one = 1;

	return ASSERT_OK(bpf_map_update_elem(fx->allow, &k, &one, BPF_NOEXIST),
			 "hp_allow update");
}

static bool fill_maps(struct fx *fx, const struct fx_opts *o)
{
	static const struct {
		enum netif i;
		__u32 addr;
	} attached[] = { { IF_LAN, LAN_ROUTER }, { IF_WAN, PUBLIC } };
	__u32 zero = 0;

	for (size_t i = 0; i < sizeof(attached) / sizeof(attached[0]); i++) {
		__u32 idx = (__u32)env_ifindex(attached[i].i);
		struct hp_iface ifc = { .addr = htonl(attached[i].addr),
					.prefixlen = 24, .rp_filter = o->rp_filter };
		struct bpf_devmap_val dv = { .ifindex = idx };

		strncpy(ifc.name, if_names[attached[i].i], sizeof(ifc.name) - 1);
		if (!ASSERT_OK(bpf_map_update_elem(fx->ifaces, &idx, &ifc, 0),
			       "hp_ifaces update") ||
		    !ASSERT_OK(bpf_map_update_elem(fx->tx_ports, &idx, &dv, 0),
			       "hp_tx_ports update"))
			return false;
	}
	for (__u32 r = RULE_NONE + 1; r < RULE_MAX; r++)
		if (!fx_add_rule(fx, r, &rules[r]))
			return false;
	fx->cfg = (struct hp_config){
		.snat_port_lo = o->snat_lo ? o->snat_lo : HP_DEFAULT_SNAT_PORT_LO,
		.snat_port_hi = o->snat_hi ? o->snat_hi : HP_DEFAULT_SNAT_PORT_HI,
		.flags = o->cfg_flags,
		.timeout_tcp_established = HP_TIMEOUT_TCP_ESTABLISHED,
		.timeout_tcp_transitory = HP_TIMEOUT_TCP_TRANSITORY,
		.timeout_udp = HP_TIMEOUT_UDP,
		.timeout_udp_oneway = HP_TIMEOUT_UDP_ONEWAY,
		.max_sessions = bpf_map__max_entries(fx->skel->maps.hp_sessions) /
				HP_ENTRIES_PER_SESSION,
		.nr_cpus = libbpf_num_possible_cpus(),
	};
	fx->cfg.evict_slots = bpf_map__max_entries(fx->skel->maps.hp_evict);
	if (o->timeout_sec) {
		fx->cfg.timeout_tcp_established = o->timeout_sec;
		fx->cfg.timeout_tcp_transitory = o->timeout_sec;
		fx->cfg.timeout_udp = o->timeout_sec;
		fx->cfg.timeout_udp_oneway = o->timeout_sec;
	}
	return ASSERT_OK(bpf_map_update_elem(fx->config, &zero, &fx->cfg, 0),
			 "hp_config update");
}

/*
 * Loading the skeleton (the verifier) is what costs: a case gets a loaded
 * object for the map sizes it asks for, loaded once per process, with every
 * map emptied (fx_reset) so that the case starts as on a fresh load.
 */
#define MAX_LOADED 8

static struct loaded {
	__u32 session_entries, egress_entries;
	struct hairpin *skel;
} loaded[MAX_LOADED];
static int n_loaded;

static struct hairpin *skel_load(const struct fx_opts *o)
{
	struct hairpin *skel;
	struct bpf_map *map;
	int err;

	for (int i = 0; i < n_loaded; i++)
		if (loaded[i].session_entries == o->session_entries &&
		    loaded[i].egress_entries == o->egress_entries)
			return loaded[i].skel;
	if (!ASSERT_TRUE(n_loaded < MAX_LOADED, "too many map sizes"))
		return NULL;
	libbpf_set_print(keep_libbpf_log);
	skel = hairpin__open();
	if (!ASSERT_TRUE(skel, "hairpin__open"))
		return NULL;
	/*
	 * The maps are LIBBPF_PIN_BY_NAME; without a pin path libbpf neither
	 * reuses nor pins them, so nothing is shared with a loaded router and
	 * nothing is left in bpffs.
	 */
	bpf_object__for_each_map(map, skel->obj)
		bpf_map__set_pin_path(map, NULL);
	if (o->session_entries)
		bpf_map__set_max_entries(skel->maps.hp_sessions,
					 o->session_entries);
	if (o->egress_entries)
		bpf_map__set_max_entries(skel->maps.hp_egress,
					 o->egress_entries);
	/*
	 * The eviction ring as the loader sizes it for this table (one slot
	 * per session), and small: fx_reset zeroes it every case.
	 */
	{
		__u32 sessions = bpf_map__max_entries(skel->maps.hp_sessions) /
				 HP_ENTRIES_PER_SESSION;

		bpf_map__set_max_entries(skel->maps.hp_evict,
					 sessions < 64 ? sessions : 64);
	}
	err = hairpin__load(skel);
	if (err) {
		dump_libbpf_log();
		hairpin__destroy(skel);
		ASSERT_OK(err, "hairpin__load");
		return NULL;
	}
	libbpf_log_len = 0;
	loaded[n_loaded++] = (struct loaded){ o->session_entries,
					      o->egress_entries, skel };
	return skel;
}

/* Delete every key of a hash-like map (hash, LRU, LPM trie, devmap hash). */
static bool map_delete_all(struct bpf_map *map)
{
	int fd = bpf_map__fd(map);
	__u8 key[64];

	if (!ASSERT_TRUE(bpf_map__key_size(map) <= sizeof(key), "key size"))
		return false;
	while (!bpf_map_get_next_key(fd, NULL, key))
		if (!ASSERT_OK(bpf_map_delete_elem(fd, key),
			       bpf_map__name(map)))
			return false;
	return true;
}

/*
 * Zero every element of an array, on every CPU of a per-CPU one, in one
 * batch where the kernel takes it (thousands of syscalls less per case). For
 * hp_gc this also cancels the sweeper's timer (an update frees the old
 * value's bpf_timer), so that no sweep of an earlier case runs in this one
 * and the next session arms it afresh.
 */
static bool map_zero_all(struct bpf_map *map, bool percpu)
{
	int ncpu = percpu ? libbpf_num_possible_cpus() : 1;
	size_t vsz = percpu ? (bpf_map__value_size(map) + 7) / 8 * 8 :
			      bpf_map__value_size(map);
	int fd = bpf_map__fd(map);
	__u32 n = bpf_map__max_entries(map), *keys;
	bool ok = true;
	void *zero;

	if (!ASSERT_TRUE(ncpu > 0, "possible CPUs"))
		return false;
	keys = calloc(n, sizeof(*keys));
	zero = calloc((size_t)n * (size_t)ncpu, vsz);
	if (!ASSERT_TRUE(zero && keys, "calloc")) {
		free(keys);
		free(zero);
		return false;
	}
	for (__u32 i = 0; i < n; i++)
		keys[i] = i;
	/* One batch (a syscall, not one per element); else one by one. */
	if (bpf_map_update_batch(fd, keys, zero, &n, NULL))
		for (__u32 i = 0; ok && i < bpf_map__max_entries(map); i++)
			ok = ASSERT_OK(bpf_map_update_elem(fd, &i, zero, 0),
				       bpf_map__name(map));
	free(keys);
	free(zero);
	return ok;
}

/* Every map as a fresh load leaves it. */
static bool fx_reset(struct hairpin *skel)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, skel->obj) {
		enum bpf_map_type t = bpf_map__type(map);
		bool ok;

		/*
		 * Internal maps (.rodata: frozen at load, the same in every
		 * case) and the tail-call table: the programs' wiring, not state.
		 */
		if (bpf_map__is_internal(map) || t == BPF_MAP_TYPE_PROG_ARRAY)
			continue;
		if (t == BPF_MAP_TYPE_ARRAY || t == BPF_MAP_TYPE_PERCPU_ARRAY)
			ok = map_zero_all(map, t == BPF_MAP_TYPE_PERCPU_ARRAY);
		else if (t == BPF_MAP_TYPE_RINGBUF)
			ok = true; /* cases that read it drain it first */
		else if (t == BPF_MAP_TYPE_HASH || t == BPF_MAP_TYPE_LRU_HASH ||
			 t == BPF_MAP_TYPE_LPM_TRIE ||
			 t == BPF_MAP_TYPE_DEVMAP_HASH)
			ok = map_delete_all(map);
		else
			ok = test_fail(__FILE__, __LINE__,
				       "map %s: no way to reset its type %d",
				       bpf_map__name(map), t);
		if (!ok)
			return false;
	}
	return true;
}

bool fx_open(struct fx *fx, const struct fx_opts *o)
{
	static const struct fx_opts none;

	memset(fx, 0, sizeof(*fx));
	if (!o)
		o = &none;
	fx->skel = skel_load(o);
	if (!fx->skel || !fx_reset(fx->skel))
		return false;
	fx->xdp_fd = bpf_program__fd(fx->skel->progs.xdp_ingress);
	fx->tc_fd = bpf_program__fd(fx->skel->progs.tc_egress);
	fx->sessions = bpf_map__fd(fx->skel->maps.hp_sessions);
	fx->egress = bpf_map__fd(fx->skel->maps.hp_egress);
	fx->forwards = bpf_map__fd(fx->skel->maps.hp_forwards);
	fx->allow = bpf_map__fd(fx->skel->maps.hp_allow);
	fx->stats = bpf_map__fd(fx->skel->maps.hp_stats);
	fx->rule_stats = bpf_map__fd(fx->skel->maps.hp_rule_stats);
	fx->ifaces = bpf_map__fd(fx->skel->maps.hp_ifaces);
	fx->tx_ports = bpf_map__fd(fx->skel->maps.hp_tx_ports);
	fx->nexthops = bpf_map__fd(fx->skel->maps.hp_nexthops);
	fx->config = bpf_map__fd(fx->skel->maps.hp_config);
	fx->nexthop_gen = bpf_map__fd(fx->skel->maps.hp_nexthop_gen);
	fx->route_mtus = bpf_map__fd(fx->skel->maps.hp_route_mtus);
	return fill_maps(fx, o);
}

/* What a case changed in the namespace is put back for the next one. */
void fx_close(struct fx *fx)
{
	if (fx->neigh_changed)
		env_neigh_restore();
	fx->skel = NULL;
}

void fx_unload_all(void)
{
	for (int i = 0; i < n_loaded; i++)
		hairpin__destroy(loaded[i].skel);
	n_loaded = 0;
}

int fx_run(struct fx *fx, enum hook hook, enum netif iface, const __u8 *in,
	   size_t len, __u8 *out, size_t *out_len, __u32 *retval)
{
	/*
	 * bpf_prog_test_run_xdp() wants data = 0 and data_end = the input
	 * size; ingress_ifindex binds the run to that device's rx queue, so
	 * bpf_fib_lookup and the ingress port see lan0/wan0. For TC, ifindex
	 * is skb->dev (the egress device) and the skb is CHECKSUM_NONE.
	 */
	struct xdp_md xdp = { .data_end = (__u32)len,
			      .ingress_ifindex = (__u32)env_ifindex(iface) };
	struct __sk_buff skb = { .ifindex = (__u32)env_ifindex(iface) };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in,
		    .data_size_in = (__u32)len, .data_out = out,
		    .data_size_out = PKT_MAX, .repeat = 1);
	int err;

	if (hook == HOOK_XDP) {
		opts.ctx_in = &xdp;
		opts.ctx_size_in = sizeof(xdp);
	} else {
		opts.ctx_in = &skb;
		opts.ctx_size_in = sizeof(skb);
	}
	memset(out, 0, PKT_MAX);
	err = bpf_prog_test_run_opts(hook == HOOK_XDP ? fx->xdp_fd : fx->tc_fd,
				     &opts);
	if (err)
		return -errno;
	*out_len = opts.data_size_out;
	*retval = opts.retval;
	return 0;
}

/* ---- maps ---- */

static __u64 clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

__u64 now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

__u64 now_coarse_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC_COARSE);
}

__u64 fx_counter(struct fx *fx, enum hp_counter c)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 vals[ncpu > 0 ? ncpu : 1], sum = 0;
	__u32 key = c;

	if (ncpu <= 0 || bpf_map_lookup_elem(fx->stats, &key, vals))
		return ~0ull;
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

bool fx_rule_stats(struct fx *fx, __u32 rule, struct hp_rule_stats *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct hp_rule_stats vals[ncpu > 0 ? ncpu : 1];

	memset(out, 0, sizeof(*out));
	if (ncpu <= 0 || bpf_map_lookup_elem(fx->rule_stats, &rule, vals))
		return false;
	for (int i = 0; i < ncpu; i++) {
		out->packets += vals[i].packets;
		out->bytes += vals[i].bytes;
		out->sessions += vals[i].sessions;
	}
	return true;
}

bool fx_nh_fill(struct fx *fx, const struct hp_nexthop *v)
{
	int ncpu = libbpf_num_possible_cpus();
	struct hp_nexthop vals[ncpu > 0 ? ncpu : 1];

	if (!ASSERT_TRUE(ncpu > 0, "possible CPUs"))
		return false;
	for (int i = 0; i < ncpu; i++)
		vals[i] = *v;
	for (__u32 k = 0; k < HP_NEXTHOP_SLOTS; k++)
		if (!ASSERT_OK(bpf_map_update_elem(fx->nexthops, &k, vals, 0),
			       "hp_nexthops update"))
			return false;
	return true;
}

bool fx_nh_read(struct fx *fx, __u32 slot, struct hp_nexthop *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct hp_nexthop vals[ncpu > 0 ? ncpu : 1];

	if (ncpu <= 0 || env_cpu() >= ncpu ||
	    bpf_map_lookup_elem(fx->nexthops, &slot, vals))
		return false;
	*out = vals[env_cpu()];
	return true;
}

bool fx_nh_bump_at(struct fx *fx, __u64 ns)
{
	struct hp_nexthop_gen v = { .bump_ns = ns };
	__u32 key = 0;

	return ASSERT_OK(bpf_map_update_elem(fx->nexthop_gen, &key, &v, 0),
			 "hp_nexthop_gen update");
}

bool fx_route_mtu(struct fx *fx, __u32 addr, __u8 plen, __u32 mtu)
{
	struct hp_route_key k = { .prefixlen = plen, .addr = htonl(addr) };
	struct hp_route_mtu v = { .mtu = mtu };

	return ASSERT_OK(bpf_map_update_elem(fx->route_mtus, &k, &v, 0),
			 "hp_route_mtus update");
}

int fx_count(int map_fd)
{
	struct hp_session_key k, next;
	void *prev = NULL;
	int n = 0;

	while (!bpf_map_get_next_key(map_fd, prev, &next) && n < 100000) {
		k = next;
		prev = &k;
		n++;
	}
	return n;
}

struct hp_tuple mk_tuple(struct tup t, __u16 snat_port)
{
	return (struct hp_tuple){
		.saddr = htonl(t.saddr),
		.daddr = htonl(t.daddr),
		.sport = htons(t.sport == PORT_SNAT ? snat_port : (__u16)t.sport),
		.dport = htons(t.dport == PORT_SNAT ? snat_port : (__u16)t.dport),
	};
}

struct hp_session_key mk_key(__u8 proto, struct tup t, __u16 snat_port)
{
	return (struct hp_session_key){ .tuple = mk_tuple(t, snat_port),
					.proto = proto };
}

bool fx_lookup(int map_fd, __u8 proto, struct tup t, __u16 snat_port,
	       struct hp_session *out)
{
	struct hp_session_key k = mk_key(proto, t, snat_port);

	return bpf_map_lookup_elem(map_fd, &k, out) == 0;
}

__u16 fx_snat_port(struct fx *fx)
{
	struct hp_session_key k, next;
	struct hp_session v;
	void *prev = NULL;
	__u16 port = 0;
	int found = 0;

	while (!bpf_map_get_next_key(fx->sessions, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fx->sessions, &k, &v))
			continue;
		if ((v.flags & (HP_SF_REPLY | HP_SF_HAIRPIN)) ==
		    (HP_SF_REPLY | HP_SF_HAIRPIN)) {
			port = ntohs(k.tuple.dport);
			found++;
		}
	}
	return found == 1 ? port : 0;
}
