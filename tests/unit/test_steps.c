// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The tail-call table of the XDP walk (hp_xdp_steps, bpf/hairpin.bpf.c):
 * libbpf fills it at load with xdp_new_session, xdp_session_made and
 * xdp_ingress; a new session goes through the first two and comes out
 * translated, and so does one whose hand-off (hp_xdp_handoff) is lost on
 * the way (back through xdp_ingress, which finds the session). Without the
 * new-session program (the table emptied, as the kernel does to a table no
 * pin or fd holds) a new flow is passed untouched as if no rule matched,
 * and makes no session; with it put back, the same packet is translated.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cases.h"
#include "hairpin.skel.h"

#define STEP_NEW_SESSION 0 /* enum hp_xdp_step */
#define STEP_SESSION_MADE 1
#define STEP_INGRESS 2

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

static bool slot_is(struct fx *fx, __u32 slot, struct bpf_program *prog)
{
	__u32 id = 0;

	return ASSERT_OK(bpf_map_lookup_elem(bpf_map__fd(fx->skel->maps.hp_xdp_steps), &slot, &id),
			 "hp_xdp_steps lookup") &&
	       ASSERT_EQ(id, prog_id(bpf_program__fd(prog)), bpf_program__name(prog));
}

static bool run_syn(struct fx *fx, __u32 want)
{
	__u8 in[PKT_MAX], out[PKT_MAX];
	size_t len = pkt_build(&FROM_CLIENT(), in), out_len;
	__u32 ret;

	return ASSERT_OK(fx_run(fx, HOOK_XDP, IF_LAN, in, len, out, &out_len, &ret), "test run") &&
	       ASSERT_EQ(ret, want, "verdict");
}

static void steps_wired(struct fx *fx, const void *arg)
{
	if (!slot_is(fx, STEP_NEW_SESSION, fx->skel->progs.xdp_new_session) ||
	    !slot_is(fx, STEP_SESSION_MADE, fx->skel->progs.xdp_session_made) ||
	    !slot_is(fx, STEP_INGRESS, fx->skel->progs.xdp_ingress))
		return;
	/* through both programs: made, counted once, sent back out (hairpin) */
	if (!run_syn(fx, XDP_TX))
		return;
	ASSERT_EQ(fx_counter(fx, HP_SESSION_CREATED), 1, "session_created");
	ASSERT_EQ(fx_counter(fx, HP_XDP_FAST_TX), 1, "xdp_fast_tx");
	ASSERT_EQ(fx_counter(fx, HP_PASS_NO_MATCH), 0, "pass_no_match");
}

static void steps_missing(struct fx *fx, const void *arg)
{
	int fd = bpf_map__fd(fx->skel->maps.hp_xdp_steps);
	int new_fd = bpf_program__fd(fx->skel->progs.xdp_new_session);
	__u32 slot = STEP_NEW_SESSION;
	bool ok;

	if (!ASSERT_OK(bpf_map_delete_elem(fd, &slot), "empty the slot"))
		return;
	ok = run_syn(fx, XDP_PASS) &&
	     ASSERT_EQ(fx_counter(fx, HP_PASS_NO_MATCH), 1, "passed as if no rule matched") &&
	     ASSERT_EQ(fx_counter(fx, HP_SESSION_CREATED), 0, "no session") &&
	     ASSERT_EQ(fx_count(bpf_map__fd(fx->skel->maps.hp_sessions)), 0, "hp_sessions empty");
	/* put back whatever happened: the next cases share this load */
	if (!ASSERT_OK(bpf_map_update_elem(fd, &slot, &new_fd, BPF_ANY), "refill the slot") || !ok)
		return;
	if (run_syn(fx, XDP_TX))
		ASSERT_EQ(fx_counter(fx, HP_SESSION_CREATED), 1, "made once it is back");
}

/*
 * The way back, as xdp_session_made takes it without its hand-off: with
 * xdp_ingress in its slot, the new session is found in the table and the
 * packet sent on, once.
 */
static void steps_made_by_ingress(struct fx *fx, const void *arg)
{
	int fd = bpf_map__fd(fx->skel->maps.hp_xdp_steps);
	int made_fd = bpf_program__fd(fx->skel->progs.xdp_session_made);
	int ingress_fd = bpf_program__fd(fx->skel->progs.xdp_ingress);
	__u32 slot = STEP_SESSION_MADE;

	if (!ASSERT_OK(bpf_map_update_elem(fd, &slot, &ingress_fd, BPF_ANY), "xdp_ingress in the slot"))
		return;
	if (run_syn(fx, XDP_TX)) {
		ASSERT_EQ(fx_counter(fx, HP_SESSION_CREATED), 1, "session_created");
		ASSERT_EQ(fx_counter(fx, HP_XDP_FAST_TX), 1, "sent once");
	}
	/* put back whatever happened: the next cases share this load */
	ASSERT_OK(bpf_map_update_elem(fd, &slot, &made_fd, BPF_ANY), "xdp_session_made back");
}

void register_step_tests(void)
{
	test_add("steps_wired", steps_wired, NULL, NULL);
	test_add("steps_missing_new_session", steps_missing, NULL, NULL);
	test_add("steps_made_by_ingress", steps_made_by_ingress, NULL, NULL);
}
