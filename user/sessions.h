/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The NAT session table from userspace. A session is two hp_sessions
 * entries (abi.h): the original half and the reply half, each found from
 * the other at the reverse of its rewrite, plus hp_egress hand-offs of the
 * slow path. They are removed together.
 */
#ifndef HP_USER_SESSIONS_H
#define HP_USER_SESSIONS_H

#include <stdbool.h>
#include "hairpin/abi.h"
#include "maps.h"

/* What a session half says about its flow, whichever half it is. */
struct session_view {
	bool reply;	    /* the half is the reply direction */
	__u8 proto;
	__be32 client;	    /* who opened the flow */
	__be16 client_port;
	__be32 ext_addr;    /* the forward's external address and port it used */
	__be16 ext_port;
	__be32 int_addr;    /* where the forward sent it */
	__be16 int_port;
	__be32 snat_addr;   /* hairpin: the source it got; 0 without */
};

void session_view(const struct hp_session_key *k, const struct hp_session *s,
		  struct session_view *v);

typedef bool (*session_pred_t)(const struct hp_session_key *k, const struct hp_session *s,
			       const void *ctx);
/*
 * Remove every session one of whose halves @drop matches: both halves, and
 * the hp_egress entries left without their session (by owner, or for ICMP
 * errors' by rule id). Counts sessions in *@flows (may be NULL).
 */
int sessions_flush(const struct hp_maps *m, session_pred_t drop, const void *ctx,
		   unsigned int *flows);

#endif /* HP_USER_SESSIONS_H */
