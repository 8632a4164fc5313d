// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_nat: the reference-model fuzzer. Feeds generated sequences (gen.c)
 * to xdp_ingress and, for what XDP passes and the stack would forward, to
 * tc_egress, with BPF_PROG_TEST_RUN through the unit fixture, while the
 * model (model.h) runs beside them; verdicts, output bytes and the session
 * and hand-off tables must agree. A disagreement is minimised, printed and
 * (with --save DIR) written as a corpus case.
 *
 *	fuzz_nat                      the default suite: a short run, the
 *	                              corpus replayed, the negative control
 *	fuzz_nat --seed N --packets N [--classes LIST] [--save DIR]
 *	                              one run (the long mode: --packets 10000000)
 *	fuzz_nat --replay FILE        one corpus case
 *
 * --classes: "default", "all", or names from gen.h joined by commas.
 * See docs/fuzzing.md.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "hairpin.skel.h"
#include "corpus.h"
#include "fixture.h"
#include "gen.h"
#include "harness.h"
#include "model.h"

#define CORPUS_DIR "tests/fuzz/corpus"
#define SHORT_PACKETS 3000
#define PROGRESS_PACKETS 250000
/* The sweeper's timer fires 5 s after a session is made: end a sequence first. */
#define SEQUENCE_REAL_NS (4ull * 1000000000ull)

/* Fixture options a sequence runs on (the corpus names them by index). */
static const struct fx_opts presets[] = {
	{ .session_entries = 64, .egress_entries = 128, .snat_lo = 61000, .snat_hi = 61007 },
	{ .session_entries = 16, .egress_entries = 128, .rp_filter = HP_RP_STRICT },
	{ .session_entries = 64, .egress_entries = 128, .cfg_flags = HP_CF_NO_FAST_PATH },
	{ .session_entries = 64, .egress_entries = 128, .cfg_flags = HP_CF_NO_NEXTHOP_CACHE,
	  .snat_lo = 61000, .snat_hi = 61001, .rp_filter = HP_RP_LOOSE },
};
#define N_PRESETS ((int)(sizeof(presets) / sizeof(presets[0])))

static struct {
	__u64 seed, packets;
	unsigned classes;
	const char *save_dir, *replay;
	bool run; /* --seed/--packets given: one run, not the suite */
} opt = { .seed = 1, .packets = SHORT_PACKETS };

struct stats {
	__u64 events[GC_MAX], disagree[GC_MAX];
	__u64 packets, sequences;
	/* what the runs reached: XDP verdicts, rewritten frames, TC runs */
	__u64 xdp_verdict[5], xdp_changed, tc_runs, tc_changed;
};

static struct stats *cover; /* the run's, while fuzz() runs */

/* ---- the programs' side ---- */

static int frags_fd(struct fx *fx)
{
	return bpf_map__fd(fx->skel->maps.hp_frags);
}

/*
 * Move every time stamp of the maps back by @ns: the programs' clock moves
 * on. Keys are read first: an update moves an element within its bucket,
 * which a walk by get_next_key would meet again.
 */
static bool age_map(int fd, size_t key_size, size_t stamp_off, __u64 ns, const char *name)
{
	static __u8 keys[1024][16];
	__u8 val[32];
	void *prev = NULL;
	int n = 0;

	while (n < 1024 && !bpf_map_get_next_key(fd, prev, keys[n])) {
		prev = keys[n];
		n++;
	}
	for (int i = 0; i < n; i++) {
		__u64 stamp;

		if (bpf_map_lookup_elem(fd, keys[i], val))
			continue;
		memcpy(&stamp, val + stamp_off, sizeof(stamp));
		stamp -= ns;
		memcpy(val + stamp_off, &stamp, sizeof(stamp));
		if (!ASSERT_OK(bpf_map_update_elem(fd, keys[i], val, BPF_EXIST), name))
			return false;
	}
	(void)key_size;
	return true;
}

static bool age_maps(struct fx *fx, __u64 ns)
{
	return age_map(fx->sessions, sizeof(struct hp_session_key), offsetof(struct hp_session, last_seen_ns), ns,
		       "age hp_sessions") &&
	       age_map(frags_fd(fx), sizeof(struct hp_frag_key), offsetof(struct hp_frag, first_seen_ns), ns,
		       "age hp_frags");
}

/* A table as a model holds one, read from the map. */
static int dump(int fd, struct model_entry *out, int max)
{
	struct hp_session_key k, next;
	void *prev = NULL;
	int n = 0;

	while (n < max && !bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (!bpf_map_lookup_elem(fd, &k, &out[n].val)) {
			out[n].key = k;
			n++;
		}
	}
	return n;
}

/* ---- comparing ---- */

static const char *const if_names[IF_MAX] = { "lan0", "wan0", "dmz0" };

static void tuple_str(char *buf, size_t len, const char *proto, const struct hp_tuple *t)
{
	__u32 s = ntohl(t->saddr), d = ntohl(t->daddr);

	snprintf(buf, len, "%s%u.%u.%u.%u:%u>%u.%u.%u.%u:%u", proto, s >> 24, s >> 16 & 255, s >> 8 & 255, s & 255,
		 ntohs(t->sport), d >> 24, d >> 16 & 255, d >> 8 & 255, d & 255, ntohs(t->dport));
}

static void key_str(char *buf, size_t len, const struct hp_session_key *k)
{
	tuple_str(buf, len, k->proto == 6 ? "tcp " : k->proto == 17 ? "udp " : "icmp ", &k->tuple);
}

static bool same_entry(const struct hp_session *a, const struct hp_session *b, bool states)
{
	if (memcmp(&a->xlat, &b->xlat, sizeof(a->xlat)) || a->rule_id != b->rule_id)
		return false;
	return !states || (a->state == b->state && a->flags == b->flags);
}

/*
 * Do @want's entries (the live ones, when @live_only) equal @got's? Dead
 * sessions may be swept at any time, so they are not compared.
 */
static bool tables_agree(const char *name, const struct model *want, const struct model *got, bool sessions,
			 bool rule_ids, char *why, size_t why_len)
{
	const struct model_entry *wt = sessions ? want->sess : want->egress, *gt = sessions ? got->sess : got->egress;
	int wn = sessions ? want->n_sess : want->n_egress, gn = sessions ? got->n_sess : got->n_egress;
	int wlive = 0, glive = 0;
	char a[64], b[64];

	for (int i = 0; i < gn; i++)
		glive += !sessions || !model_entry_dead(got, i);
	for (int i = 0; i < wn; i++) {
		const struct hp_session *g = NULL;
		struct hp_session w = wt[i].val;

		if (sessions && model_entry_dead(want, i))
			continue;
		wlive++;
		for (int j = 0; j < gn; j++)
			if (!memcmp(&gt[j].key, &wt[i].key, sizeof(wt[i].key)))
				g = &gt[j].val;
		if (!rule_ids && !sessions)
			w.rule_id = g ? g->rule_id : 0;
		key_str(a, sizeof(a), &wt[i].key);
		if (!g) {
			snprintf(why, why_len, "%s: the program has no entry %s", name, a);
			return false;
		}
		if (!same_entry(&w, g, sessions)) {
			tuple_str(b, sizeof(b), "", &g->xlat);
			snprintf(why, why_len, "%s %s: the program holds -> %s state %u flags 0x%x rule %u; model state %u flags 0x%x rule %u",
				 name, a, b, g->state, g->flags, g->rule_id, w.state, w.flags, w.rule_id);
			return false;
		}
	}
	if (wlive != glive) {
		snprintf(why, why_len, "%s: the program holds %d live entries, the model %d", name, glive, wlive);
		return false;
	}
	return true;
}

static struct model bpf_view; /* the maps, read into a model's tables */

static bool maps_agree(struct fx *fx, const struct model *m, char *why, size_t why_len)
{
	bpf_view.cfg = m->cfg;
	bpf_view.now = now_coarse_ns();
	bpf_view.n_sess = dump(fx->sessions, bpf_view.sess, MODEL_MAX_ENTRIES);
	bpf_view.n_egress = dump(fx->egress, bpf_view.egress, MODEL_MAX_ENTRIES);
	return tables_agree("hp_sessions", m, &bpf_view, true, true, why, why_len) &&
	       tables_agree("hp_egress", m, &bpf_view, false, true, why, why_len);
}

static bool outputs_agree(const char *hook, const struct model_out *want, __u32 verdict, const __u8 *got,
			  size_t got_len, char *why, size_t why_len)
{
	char diff[160];

	if (verdict != want->verdict) {
		snprintf(why, why_len, "%s verdict: the program %u, the model %u", hook, verdict, want->verdict);
		return false;
	}
	if (!pkt_equal(got, got_len, want->frame, want->len, diff, sizeof(diff))) {
		snprintf(why, why_len, "%s output: %s", hook, diff);
		return false;
	}
	return true;
}

/* One event on both sides. False on a disagreement (or a broken run), said in @why. */
static bool run_event(struct fx *fx, struct model *m, const struct event *ev, char *why, size_t why_len, bool dumps)
{
	static struct model_out mo;
	static struct model_frame fwd[8];
	__u8 out[PKT_MAX];
	size_t out_len = 0;
	enum netif out_if = IF_MAX;
	__u32 verdict;
	int n_fwd;

	if (ev->type == EV_ADVANCE) {
		model_advance(m, ev->advance_ns);
		if (!age_maps(fx, ev->advance_ns)) {
			snprintf(why, why_len, "cannot age the maps");
			return false;
		}
		return true;
	}
	if (fx_run(fx, HOOK_XDP, ev->iface, ev->frame, ev->len, out, &out_len, &verdict)) {
		snprintf(why, why_len, "BPF_PROG_TEST_RUN (xdp) failed");
		return false;
	}
	model_xdp(m, ev->iface, ev->frame, ev->len, &mo);
	if (cover) {
		cover->xdp_verdict[verdict < 5 ? verdict : 0]++;
		cover->xdp_changed += out_len != ev->len || memcmp(out, ev->frame, out_len);
	}
	if (!outputs_agree("xdp", &mo, verdict, out, out_len, why, why_len)) {
		if (dumps) {
			pkt_dump("in", ev->frame, ev->len);
			pkt_dump("program", out, out_len);
			pkt_dump("model", mo.frame, mo.len);
		}
		return false;
	}
	if (verdict != XDP_PASS)
		return true;
	n_fwd = model_stack_forward(&m->cfg, ev->iface, out, out_len, fwd, 8, &out_if);
	if (out_if != IF_LAN && out_if != IF_WAN)
		return true; /* tc_egress runs on the attached ports */
	for (int i = 0; i < n_fwd; i++) {
		if (fx_run(fx, HOOK_TC, out_if, fwd[i].frame, fwd[i].len, out, &out_len, &verdict)) {
			snprintf(why, why_len, "BPF_PROG_TEST_RUN (tc) failed");
			return false;
		}
		model_tc(m, out_if, fwd[i].frame, fwd[i].len, &mo);
		if (cover) {
			cover->tc_runs++;
			cover->tc_changed += out_len != fwd[i].len || memcmp(out, fwd[i].frame, out_len);
		}
		if (!outputs_agree(n_fwd > 1 ? "tc (a fragment the stack made)" : "tc", &mo, verdict, out, out_len,
				   why, why_len)) {
			if (dumps) {
				pkt_dump("in (after the stack)", fwd[i].frame, fwd[i].len);
				pkt_dump("program", out, out_len);
				pkt_dump("model", mo.frame, mo.len);
			}
			return false;
		}
	}
	return true;
}

/* ---- sequences ---- */

static int rp_filter(const char *dev)
{
	char path[96];
	FILE *f;
	int v = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", dev);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

static bool begin(struct fx *fx, struct model *m, int preset)
{
	const struct fx_opts *o = &presets[preset];
	struct model_cfg c = { .session_entries = o->session_entries, .egress_entries = o->egress_entries,
			       .cpu = env_cpu() };
	int all = rp_filter("all");

	if (!fx_open(fx, o))
		return false;
	c.hp = fx->cfg;
	for (int i = 0; i < IF_MAX; i++) {
		int v = rp_filter(if_names[i]);

		c.rp_filter[i] = v > all ? v : all; /* the kernel takes the larger */
	}
	c.xdp_rp_filter[IF_LAN] = c.xdp_rp_filter[IF_WAN] = o->rp_filter; /* fixture.c fill_maps() */
	model_init(m, &c);
	return true;
}

/* Replay @s on a fresh fixture; the index of the first disagreement, or -1. */
static int replay(const struct sequence *s, char *why, size_t why_len, bool dumps)
{
	static struct model m;
	struct fx fx;
	int bad = -1;

	if (!begin(&fx, &m, s->preset)) {
		snprintf(why, why_len, "fixture failed");
		fx_close(&fx);
		return s->n ? 0 : -1;
	}
	for (int i = 0; i < s->n && bad < 0; i++)
		if (!run_event(&fx, &m, &s->ev[i], why, why_len, dumps) ||
		    ((i % 8 == 7 || i == s->n - 1) && !maps_agree(&fx, &m, why, why_len)))
			bad = i;
	fx_close(&fx);
	return bad;
}

/* Drop events while the sequence still disagrees (ddmin, bounded). */
static void minimise(struct sequence *s)
{
	static struct sequence t;
	char why[256];
	int budget = 400;

	for (int chunk = s->n / 2; chunk >= 1 && budget > 0; chunk /= 2) {
		for (int at = 0; at + chunk <= s->n && budget > 0;) {
			t = *s;
			memmove(&t.ev[at], &t.ev[at + chunk], sizeof(t.ev[0]) * (size_t)(t.n - at - chunk));
			t.n -= chunk;
			budget--;
			if (t.n > 0 && replay(&t, why, sizeof(why), false) >= 0) {
				int bad = replay(&t, why, sizeof(why), false);

				*s = t;
				s->n = bad + 1;
			} else {
				at += chunk;
			}
		}
	}
}

static void print_sequence(const struct sequence *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	corpus_write(f, s, NULL);
	fclose(f);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		printf("#   %s\n", line);
	free(buf);
}

static void save_case(const struct sequence *s, const char *what, __u64 seed, __u64 seq)
{
	char path[512];
	FILE *f;

	if (!opt.save_dir)
		return;
	snprintf(path, sizeof(path), "%s/seed%llu-seq%llu.case", opt.save_dir, (unsigned long long)seed,
		 (unsigned long long)seq);
	f = fopen(path, "w");
	if (!f) {
		printf("# cannot write %s\n", path);
		return;
	}
	corpus_write(f, s, what);
	fclose(f);
	printf("# saved %s\n", path);
}

/* A disagreement at event @at of the live sequence @s: minimise, say it, keep it. */
static void report(struct sequence *s, int at, const char *why, __u64 seed, __u64 seq, struct stats *st)
{
	char what[768], again[256];
	enum gen_class c = s->ev[at].cls;

	st->disagree[c]++;
	printf("# disagreement: seed %llu sequence %llu event %d (class %s, preset %d): %s\n",
	       (unsigned long long)seed, (unsigned long long)seq, at, gen_class_name[c], s->preset, why);
	s->n = at + 1;
	minimise(s);
	if (replay(s, again, sizeof(again), true) < 0)
		snprintf(again, sizeof(again), "(no longer reproduces alone: %.200s)", why);
	printf("# minimised to %d events: %s\n", s->n, again);
	print_sequence(s);
	snprintf(what, sizeof(what), "found by: fuzz_nat --seed %llu (sequence %llu, class %s)\n%s",
		 (unsigned long long)seed, (unsigned long long)seq, gen_class_name[c], again);
	save_case(s, what, seed, seq);
}

static __u64 total(const __u64 *v)
{
	__u64 t = 0;

	for (int i = 0; i < GC_MAX; i++)
		t += v[i];
	return t;
}

static void fuzz(__u64 seed, __u64 packets, unsigned classes, struct stats *st)
{
	static struct sequence s;
	static struct model m;
	struct gen g;
	char why[256];
	__u64 seq = 0, next_progress = PROGRESS_PACKETS;

	memset(st, 0, sizeof(*st));
	cover = st;
	while (st->packets < packets && !test_failed()) {
		struct fx fx;
		__u64 t0 = now_ns();
		int len;

		gen_init(&g, seed * 0x100000001b3ull + seq, classes);
		s.preset = (int)(gen_rand(&g) % N_PRESETS);
		len = 20 + (int)(gen_rand(&g) % (CORPUS_MAX_EVENTS - 20));
		if (!begin(&fx, &m, s.preset))
			break;
		for (s.n = 0; s.n < len && st->packets < packets; s.n++) {
			struct event *e = &s.ev[s.n];

			gen_next(&g, &m, e);
			st->events[e->cls]++;
			st->packets += e->type == EV_XDP;
			if (!run_event(&fx, &m, e, why, sizeof(why), false) ||
			    ((s.n % 64 == 63 || s.n == len - 1) && !maps_agree(&fx, &m, why, sizeof(why)))) {
				fx_close(&fx);
				report(&s, s.n, why, seed, seq, st);
				goto next;
			}
			if (now_ns() - t0 > SEQUENCE_REAL_NS)
				break;
		}
		fx_close(&fx);
next:
		seq++;
		st->sequences++;
		if (st->packets >= next_progress) {
			next_progress += PROGRESS_PACKETS;
			printf("# progress: %llu packets, %llu sequences, %llu disagreements\n",
			       (unsigned long long)st->packets, (unsigned long long)seq,
			       (unsigned long long)total(st->disagree));
		}
	}
	cover = NULL;
}

static void print_stats(const struct stats *st, double secs)
{
	printf("# %llu packets in %llu sequences, %.1f s (%.0f packets/s)\n", (unsigned long long)st->packets,
	       (unsigned long long)st->sequences, secs, secs > 0 ? st->packets / secs : 0.0);
	printf("# xdp: %llu drop, %llu pass, %llu tx, %llu redirect, %llu rewritten; tc: %llu run, %llu rewritten\n",
	       (unsigned long long)st->xdp_verdict[XDP_DROP], (unsigned long long)st->xdp_verdict[XDP_PASS],
	       (unsigned long long)st->xdp_verdict[XDP_TX], (unsigned long long)st->xdp_verdict[XDP_REDIRECT],
	       (unsigned long long)st->xdp_changed, (unsigned long long)st->tc_runs,
	       (unsigned long long)st->tc_changed);
	for (int i = 0; i < GC_MAX; i++)
		if (st->events[i] || st->disagree[i])
			printf("#   %-22s %10llu events %6llu disagreements\n", gen_class_name[i],
			       (unsigned long long)st->events[i], (unsigned long long)st->disagree[i]);
}

/* ---- the cases ---- */

static void case_run(struct fx *unused, const void *arg)
{
	struct stats st;
	__u64 t0 = now_ns();
	double secs;

	(void)unused;
	(void)arg;
	printf("# fuzz_nat --seed %llu --packets %llu\n", (unsigned long long)opt.seed,
	       (unsigned long long)opt.packets);
	fuzz(opt.seed, opt.packets, opt.classes, &st);
	secs = (double)(now_ns() - t0) / 1e9;
	print_stats(&st, secs);
	if (total(st.disagree))
		test_fail(__FILE__, __LINE__, "%llu disagreements between the model and the programs (seed %llu)",
			  (unsigned long long)total(st.disagree), (unsigned long long)opt.seed);
}

static void case_replay(struct fx *unused, const void *arg)
{
	static struct sequence s;
	const char *path = arg;
	char why[256];
	int bad;

	(void)unused;
	if (!corpus_read(path, &s, why, sizeof(why))) {
		test_fail(__FILE__, __LINE__, "%s", why);
		return;
	}
	bad = replay(&s, why, sizeof(why), true);
	if (bad >= 0)
		test_fail(__FILE__, __LINE__, "event %d: %s", bad, why);
}

/*
 * The negative control: with the programs' SNAT range moved behind the
 * model's back, the first hairpin flow must be caught.
 */
static void case_control(struct fx *unused, const void *arg)
{
	static struct model m;
	const struct pkt_spec syn = { .dmac = mac_lan, .smac = mac_client, .saddr = LAN_CLIENT, .daddr = PUBLIC,
				      .sport = 40001, .dport = 80, .tcp_flags = 0x02 };
	struct event ev = { .type = EV_XDP, .iface = IF_LAN };
	__u32 zero = 0;
	char why[256] = "";
	struct fx fx;

	(void)unused;
	(void)arg;
	if (!begin(&fx, &m, 0))
		return;
	ev.len = (__u16)pkt_build(&syn, ev.frame);
	fx.cfg.snat_port_lo += 3;
	if (ASSERT_OK(bpf_map_update_elem(fx.config, &zero, &fx.cfg, 0), "hp_config update") &&
	    ASSERT_TRUE(!run_event(&fx, &m, &ev, why, sizeof(why), false), "a wrong SNAT port was not caught"))
		ASSERT_TRUE(strstr(why, "xdp output"), why);
	fx_close(&fx);
}

/* "default", "all" and class names, joined by commas. */
static unsigned parse_classes(const char *list)
{
	unsigned c = 0;
	char *copy = strdup(list), *save = NULL;

	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		int i;

		if (!strcmp(w, "default")) {
			c |= gen_default_classes();
			continue;
		}
		if (!strcmp(w, "all")) {
			c |= (1u << GC_MAX) - 1;
			continue;
		}
		for (i = 0; i < GC_MAX && strcmp(w, gen_class_name[i]); i++)
			;
		if (i == GC_MAX) {
			fprintf(stderr, "fuzz_nat: no class %s (--list-classes)\n", w);
			exit(2);
		}
		c |= 1u << i;
	}
	free(copy);
	return c;
}

static void register_corpus(void)
{
	static char paths[64][300], names[64][320];
	struct dirent **ents;
	int n = scandir(CORPUS_DIR, &ents, NULL, alphasort), k = 0;

	for (int i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);

		if (k < 64 && l > 5 && !strcmp(ents[i]->d_name + l - 5, ".case")) {
			snprintf(paths[k], sizeof(paths[k]), "%s/%s", CORPUS_DIR, ents[i]->d_name);
			snprintf(names[k], sizeof(names[k]), "fuzz/corpus/%.*s", (int)(l - 5), ents[i]->d_name);
			test_add(names[k], case_replay, paths[k], NULL);
			k++;
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

int main(int argc, char **argv)
{
	char *filter[2] = { argv[0], NULL };
	static char name[128];

	opt.classes = gen_default_classes();
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--seed") && v) {
			opt.seed = strtoull(v, NULL, 0);
			opt.run = true;
		} else if (!strcmp(a, "--packets") && v) {
			opt.packets = strtoull(v, NULL, 0);
			opt.run = true;
		} else if (!strcmp(a, "--classes") && v) {
			opt.classes = parse_classes(v);
		} else if (!strcmp(a, "--save") && v) {
			opt.save_dir = v;
		} else if (!strcmp(a, "--replay") && v) {
			opt.replay = v;
		} else if (!strcmp(a, "--list-classes")) {
			for (int c = 0; c < GC_MAX; c++)
				printf("%s\n", gen_class_name[c]);
			return 0;
		} else {
			fprintf(stderr, "usage: fuzz_nat [--seed N] [--packets N] [--classes LIST] [--save DIR] "
					"[--replay FILE] [--list-classes]\n");
			return 2;
		}
		i++;
	}
	if (opt.replay) {
		test_add("fuzz/replay", case_replay, opt.replay, NULL);
	} else {
		snprintf(name, sizeof(name), "fuzz/%s", opt.run ? "run" : "short");
		test_add("fuzz/control", case_control, NULL, NULL);
		test_add(name, case_run, NULL, NULL);
		if (!opt.run)
			register_corpus();
	}
	return harness_main(1, filter);
}
