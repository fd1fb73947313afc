/*
 * sess.h: a session, the whole simulated world: two IKEv1 peers (the
 * initiator and the responder), the link between them, the virtual
 * clock with its event queue, the fault rules and the trace.
 *
 * The semantics (order of events, timers, labels, retransmission
 * arithmetic) are those of DESIGN.md, "Exact semantics".
 */
#ifndef IKELAB_CORE_SESS_H
#define IKELAB_CORE_SESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "frag.h"
#include "ike.h"
#include "keys.h"
#include "pld.h"
#include "rng.h"
#include "trace.h"

enum { PEER_I = 0, PEER_R = 1 };

#define SESS_MAX_QM	16	/* Quick Mode exchanges kept per peer */
#define SESS_MAX_RULES	32
#define SESS_MAX_PKTS	100000	/* packets in one session */
#define SESS_MAX_INFLIGHT 1024
#define SESS_PSK_MAX	128
#define SESS_ID_MAX	64

/* What a peer does once its retransmissions are exhausted. */
enum give_up_act {
	GIVE_UP_STOP,		/* move to FAILED, send nothing */
	GIVE_UP_RESTART,	/* start phase 1 again from scratch */
};

/*
 * A retransmission policy (DESIGN.md, "Retransmission arithmetic"):
 * wait k is T0 while k <= repeat + 1 and T0 * factor^(k-1-repeat)
 * after that (truncated to ms, at most cap_ms when cap_ms > 0); after
 * resend TRIES the peer waits once more and gives up; limit_ms > 0
 * also gives up when the waits so far add up to at least limit_ms.
 */
struct rtx_policy {
	uint32_t	 t0_ms;
	unsigned int	 repeat;
	double		 factor;
	unsigned int	 tries;
	uint32_t	 cap_ms;
	uint32_t	 limit_ms;
	unsigned int	 jitter;	/* percent: a wait loses 0..jitter% */
	enum give_up_act give_up;
};

/* Which stored message a duplicate of the peer's last message triggers. */
enum dup_resend {
	DUP_REPLY,		/* the reply to it (RFC model, libreswan) */
	DUP_LAST,		/* the last message sent (strongSwan) */
};

/* What a Quick Mode initiator does when its retransmissions run out. */
enum qm_give_up {
	QM_GIVE_UP_STOP,	/* the Quick Mode fails */
	QM_GIVE_UP_NEW_QM,	/* a new Quick Mode on the same phase 1 */
	QM_GIVE_UP_RESTART,	/* phase 1 again from scratch */
};

/* How an initiator tells the responder that HASH_R did not verify. */
enum auth_fail {
	AUTH_FAIL_PLAIN,	/* plain AUTHENTICATION-FAILED, random M-ID */
	AUTH_FAIL_ENCRYPTED,	/* encrypted under its own keys, new M-ID */
	AUTH_FAIL_INVALID_HASH,	/* plain INVALID-HASH-INFORMATION, M-ID 0 */
};

#define SESS_MAX_KNOBS	48

/* Where a setting's value came from, for `config`. */
enum knob_origin { ORIGIN_DEFAULT, ORIGIN_PROFILE, ORIGIN_SET };

/* Quick Mode that reaches a responder before its phase 1 is complete. */
enum early_qm {
	EARLY_QM_DROP,		/* silently, as in the seed */
	EARLY_QM_NOTIFY,	/* plain Informational, PAYLOAD-MALFORMED */
	EARLY_QM_QUEUE,		/* hold one, process when phase 1 is up */
};

struct peer_cfg {
	char		 psk[SESS_PSK_MAX + 1];
	uint8_t		 id_type;		/* IKE_ID_* */
	char		 id[SESS_ID_MAX + 1];	/* text form */
	struct p1_prop	 p1;
	struct p2_prop	 p2;			/* p2.group: PFS group or 0 */
	bool		 client_ids;		/* send IDci/IDcr in QM */
	char		 idci[32];		/* a.b.c.d/len */
	char		 idcr[32];
	struct rtx_policy rtx;
	enum early_qm	 early_qm;
	bool		 auto_qm;	/* initiator: QM right after AG3 */
	bool		 ag3_plain;	/* send AG3 unencrypted */
	uint32_t	 latency_ms;	/* one-way, for packets it sends */
	size_t		 nonce_len;
	uint32_t	 addr;		/* IPv4, host order */
	/* Behaviour where real daemons differ (ikev1-reference.md 8.2). */
	uint32_t	 half_open_ms;	/* delete an unfinished phase 1; 0 never */
	bool		 resend_ag2;	/* responder arms a timer after AG2 */
	enum dup_resend	 dup_resend;
	bool		 qm_dup_ignore;	/* responder ignores a duplicate QM1 */
	unsigned int	 dup_limit;	/* duplicates answered; 0 no limit */
	enum qm_give_up	 qm_give_up;
	enum auth_fail	 auth_fail;
	bool		 notify_ignore;	/* do not act on unauthenticated or
					   NO-PROPOSAL-CHOSEN notifies */
	bool		 notify_msgid0;	/* plain notifies under M-ID 0 */
	bool		 fail_resend;	/* initiator: answer each copy of a
					   failed AG2 with its notify again */
	uint32_t	 revive_ms;	/* delay of the second and later
					   restarts after a deletion */
	uint32_t	 busy_ms;	/* ignore a copy of a datagram that
					   came this recently (0: never) */
	uint32_t	 frag_resend;	/* a resend of this many bytes or more
					   goes as IKE fragments of at most
					   this many bytes (0: never) */
	char		 profile[16];	/* last profile applied */
	uint8_t		 origin[SESS_MAX_KNOBS];	/* enum knob_origin */
};

/* Phase 1 (Aggressive Mode) states. */
enum p1_state {
	P1_NONE,
	AM_I_SENT1,
	AM_I_DONE,
	AM_R_SENT2,
	AM_R_DONE,
	P1_FAILED,
	P1_DELETED,
};

/* Quick Mode states. */
enum qm_state {
	QM_NONE,
	QM_I_SENT1,
	QM_I_DONE,
	QM_R_SENT2,
	QM_R_DONE,
	QM_FAILED,
};

/*
 * A retransmission timer. It belongs to one exchange of one peer (the
 * phase 1 SA, or a Quick Mode by its index) and resends that
 * exchange's stored message.
 */
struct timer {
	bool		 armed;
	uint64_t	 due_ms;
	uint64_t	 seq;		/* arm order, for ties */
	unsigned int	 tries;		/* resends done so far */
	uint64_t	 waited_ms;	/* sum of the waits so far */
	uint32_t	 wait_ms;	/* the current wait */
	char		 what[TR_LABEL_LEN];	/* label it will resend */
};

/* The bytes a peer sent last in an exchange, kept for resends. */
struct stored_msg {
	struct buf	 bytes;
	struct buf	 plain;		/* body before encryption, if any */
	uint64_t	 seq;		/* when it was last sent, in send order */
	char		 base[TR_LABEL_LEN];	/* e.g. "AG2" or "QM1.2" */
	unsigned int	 resends;		/* letters used so far */
};

/* One phase 1 SA as a peer sees it. */
struct p1sa {
	int		 inst;		/* 1, 2, ...: the ".2" in AG1.2 */
	enum p1_state	 st;
	bool		 is_initiator;
	uint8_t		 icookie[IKE_COOKIE_LEN];
	uint8_t		 rcookie[IKE_COOKIE_LEN];
	uint8_t		 priv[CRYPTO_DH_PRIV_LEN];
	uint8_t		 gxi[CRYPTO_MAX_PRIME];
	uint8_t		 gxr[CRYPTO_MAX_PRIME];
	uint8_t		 gxy[CRYPTO_MAX_PRIME];
	size_t		 glen;
	struct buf	 ni;		/* nonce bodies */
	struct buf	 nr;
	struct buf	 sai_b;		/* initiator's SA body, as sent */
	struct buf	 idi_b;
	struct buf	 idr_b;
	struct p1_prop	 chosen;
	bool		 has_keys;
	struct p1_keys	 keys;
	uint8_t		 hash_i[CRYPTO_MAX_HASH];
	uint8_t		 hash_r[CRYPTO_MAX_HASH];
	uint8_t		 last_block[CRYPTO_MAX_BLOCK];	/* after AG3 */
	struct buf	 last_rx;	/* last message answered */
	struct stored_msg out;		/* last message sent */
	struct timer	 tm;
	struct timer	 life;		/* half-open lifetime */
	unsigned int	 dups;		/* duplicates answered */
	uint64_t	 first_sent_ms;
};

/* One Quick Mode exchange as a peer sees it. */
struct qmx {
	int		 inst;		/* the ".2" in QM1.2 */
	enum qm_state	 st;
	bool		 is_initiator;
	uint32_t	 msgid;
	uint8_t		 iv[CRYPTO_MAX_BLOCK];	/* for the next message */
	struct buf	 ni;
	struct buf	 nr;
	uint32_t	 spi_i;		/* initiator's inbound SPI (QM1) */
	uint32_t	 spi_r;		/* responder's inbound SPI (QM2) */
	struct p2_prop	 chosen;
	uint8_t		 priv[CRYPTO_DH_PRIV_LEN];	/* PFS */
	uint8_t		 gqi[CRYPTO_MAX_PRIME];
	uint8_t		 gqr[CRYPTO_MAX_PRIME];
	uint8_t		 gqm[CRYPTO_MAX_PRIME];
	size_t		 gqlen;
	struct buf	 keymat_ir;	/* initiator to responder (spi_r) */
	struct buf	 keymat_ri;	/* responder to initiator (spi_i) */
	struct buf	 last_rx;
	struct stored_msg out;
	struct timer	 tm;
	unsigned int	 dups;		/* duplicates answered */
	uint64_t	 first_sent_ms;
};

struct peer {
	char		 name;		/* 'i' or 'r' */
	struct peer_cfg	 cfg;
	struct p1sa	 p1;
	struct qmx	 qm[SESS_MAX_QM];
	size_t		 nqm;
	struct buf	 queued;	/* early QM held (EARLY_QM_QUEUE) */
	struct buf	 last_in;	/* the last datagram handled */
	uint64_t	 last_in_ms;
	unsigned int	 revivals;	/* phase 1 restarts after deletion */
	char		 last[TR_TEXT_LEN];	/* last transition's reason */
	struct frag_set	 frag;		/* IKE fragments being collected */
	/* The message being received: its label, and whether it was
	   reassembled from fragments (then its packet is the last
	   fragment, which is not the whole message). */
	char		 rx_label[TR_LABEL_LEN];
	bool		 rx_reasm;
};

enum pkt_state { PKT_INFLIGHT, PKT_DELIVERED, PKT_DROPPED };

/* A packet on the link. Packets are numbered from 1 and never freed. */
struct pkt {
	int		 num;
	int		 from;		/* PEER_I or PEER_R */
	char		 label[TR_LABEL_LEN];
	struct buf	 bytes;		/* as on the wire (after corruption) */
	uint64_t	 sent_ms;
	uint64_t	 due_ms;
	uint64_t	 seq;		/* send order, for ties */
	bool		 late;		/* created at its own due time */
	enum pkt_state	 st;
	int		 copy_of;	/* 0, or the packet it copies */
	bool		 injected;
	bool		 corrupted;
	bool		 resend;
	bool		 is_esp;	/* an ESP packet (IP protocol 50) */
	char		 note[TR_TEXT_LEN];	/* drop or discard reason */
	struct buf	 plain;		/* decrypted body, when known */
	bool		 plain_by_sender;	/* PLAIN is what the sender
						   encrypted, not decrypted */
};

enum rule_act { RULE_DROP, RULE_DELAY, RULE_DUP, RULE_CORRUPT };

/*
 * An armed fault rule: matches packets as they are put on the link, by
 * label (SEL: "AG2" matches AG2, AG2b, AG2.2; "AG2b" only itself) or by
 * direction (DIR), then acts when the n-th match comes (NTH, 0 = every
 * match) or with probability PROB (when HAS_PROB).
 */
struct rule {
	int		 id;
	enum rule_act	 act;
	char		 sel[TR_LABEL_LEN];	/* "" when by direction */
	int		 dir;		/* -1, PEER_I (i>r) or PEER_R (r>i) */
	unsigned int	 nth;
	bool		 has_prob;
	double		 prob;
	uint32_t	 delay_ms;	/* RULE_DELAY */
	long		 off;		/* RULE_CORRUPT: byte, -1 random */
	int		 bit;		/* RULE_CORRUPT: -1 for a byte */
	unsigned int	 matched;	/* packets matched so far */
	unsigned int	 fired;		/* times it acted */
	char		 text[80];	/* as the user wrote it */
};

struct sess {
	uint64_t	 seed;
	uint64_t	 now_ms;
	struct rng	 rng_crypto;
	struct rng	 rng_fault;
	struct rng	 rng_frag;	/* IKE fragment IDs */
	struct peer	 peer[2];
	struct pkt	*pkts;		/* pkts[k] is packet k + 1 */
	size_t		 npkt;
	size_t		 cap_pkt;
	size_t		 ninflight;	/* packets in flight now */
	struct rule	 rules[SESS_MAX_RULES];
	size_t		 nrules;
	int		 next_rule_id;
	int		 p1_inst;	/* phase 1 exchanges so far */
	int		 qm_inst;	/* Quick Mode exchanges so far */
	int		 info_inst;	/* Informational exchanges so far */
	uint64_t	 seq;		/* tie-breaking counter */
	struct buf	 sealed;	/* body of the message being encrypted,
					   for the packet eng_send makes */
	bool		 started;
	struct trace	 trace;
};

/* Why sess_run stopped. */
enum run_end {
	RUN_IDLE,		/* nothing pending */
	RUN_HORIZON,		/* the horizon was reached */
	RUN_UNTIL,		/* the condition held */
};

/* A new session with default configuration and streams from SEED. */
struct sess *sess_new(uint64_t seed);
/* Wipe every key and free the session. NULL is fine. */
void	sess_free(struct sess *s);

/* The initiator sends AG1. */
int	sess_start(struct sess *s, struct ike_diag *dg);
/* When the next event is due; false if none is pending. */
bool	sess_next(const struct sess *s, uint64_t *due_ms);
/* Process the one next event. Returns 1 if one ran, 0 if none. */
int	sess_step(struct sess *s);
/* Process every event due at or before now + D, then set now + D. */
void	sess_tick(struct sess *s, uint64_t d_ms);
/*
 * Process events until none is pending, the next one is due after
 * now + HORIZON, or UNTIL(s, arg) holds after an event (when not NULL).
 * The clock stays at the last event processed.
 */
enum run_end sess_run(struct sess *s, uint64_t horizon_ms,
	    bool (*until)(const struct sess *s, void *arg), void *arg);

/* Link operations on packet N (DESIGN.md: deliver, drop, delay...). */
int	sess_deliver(struct sess *s, int n, struct ike_diag *dg);
int	sess_drop(struct sess *s, int n, struct ike_diag *dg);
int	sess_delay(struct sess *s, int n, uint64_t d_ms,
	    struct ike_diag *dg);
int	sess_dup(struct sess *s, int n, struct ike_diag *dg);
int	sess_swap(struct sess *s, int n, int m, struct ike_diag *dg);
/* Corrupt: XOR byte OFF with 0xff (BIT < 0) or flip bit BIT of byte
 * OFF; OFF < 0 picks a byte from the fault stream. */
int	sess_corrupt(struct sess *s, int n, long off, int bit,
	    struct ike_diag *dg);
/* Put raw bytes on the link as a packet from peer FROM. */
int	sess_inject(struct sess *s, int from, const uint8_t *p, size_t len,
	    struct ike_diag *dg);

/*
 * Send one ESP packet each way through the newest IPsec SAs (after
 * Quick Mode completed on both peers), encrypted and authenticated with
 * the negotiated transform and KEYMAT (RFC 4303).
 */
int	sess_ping(struct sess *s, struct ike_diag *dg);

/* Add a rule (its id is assigned); remove one by id. */
/*
 * A rule ACT on SEL (a label such as "AG2" or "AG2b[1/3]", or a
 * direction, "i>r" or "r>i"), acting on the NTH match (0: on every
 * match): no offset, bit, probability or delay yet. Fill in the rest,
 * then sess_rule_add.
 */
void	sess_rule_init(struct rule *r, enum rule_act act, const char *sel,
	    unsigned int nth);
int	sess_rule_add(struct sess *s, const struct rule *r,
	    struct ike_diag *dg);
int	sess_rule_del(struct sess *s, int id, struct ike_diag *dg);

/*
 * The label of message MSG of exchange KIND ("AG", 2) in instance INST:
 * AG2, AG2.2, INFO, INFO.3 (MSG 0: no message number). OUT holds
 * TR_LABEL_LEN bytes.
 */
void	sess_label(char *out, const char *kind, int msg, int inst);

/* Is ST the name of a phase 1 or Quick Mode state ("AM_R_DONE")? */
bool	sess_is_state_name(const char *st);

/*
 * Does selector SEL match LABEL? A bare message name ("AG2") matches the
 * message with every resend and instance (AG2b, AG2.2) and their IKE
 * fragments (AG2b[1/2]); a name with a suffix matches only itself and,
 * unless it names one fragment ("AG2b[2/2]"), its fragments: "AG2b"
 * matches AG2b, AG2b[1/2], AG2b[2/2]. Rules, `run until` and lessons
 * use it.
 */
bool	sess_label_matches(const char *sel, const char *label);

/* Packet N, or NULL. */
struct pkt *sess_pkt(struct sess *s, int n);
const struct pkt *sess_pkt_c(const struct sess *s, int n);

/*
 * Has timer T of peer P used up its policy, so that it gives up rather
 * than resends when it next fires?
 */
bool	sess_timer_exhausted(const struct peer *p, const struct timer *t);

/* Names of states, for printing ("AM_I_SENT1", ...). */
const char *sess_p1_state_name(enum p1_state st);
const char *sess_qm_state_name(enum qm_state st);

/* The current Quick Mode of a peer (the newest), or NULL. */
const struct qmx *sess_qm_cur(const struct peer *p);

/*
 * Settings. KEY is a knob name ("psk", "group", "retransmit", ...);
 * MASK says which peers: 1 initiator, 2 responder, 3 both. VAL is the
 * text the user typed.
 */
int	sess_set(struct sess *s, unsigned int mask, const char *key,
	    const char *val, struct ike_diag *dg);
/* Where the value of KEY for peer P came from: "", "set" or a profile. */
const char *sess_origin(const struct sess *s, int p, const char *key);

/* Write the current value of KEY for peer P as text into OUT. */
int	sess_get(const struct sess *s, int p, const char *key, char *out,
	    size_t out_len, struct ike_diag *dg);

/* A settable knob, for help, completion and `config`. */
struct knob {
	const char	*name;
	const char	*values;	/* what it takes, for help */
	const char	*help;
};
extern const struct knob sess_knobs[];
extern const size_t sess_nknobs;

/* Parse a duration ("500ms", "4s", "2m", "4" = seconds) into ms. */
int	sess_parse_duration(const char *s, uint64_t *ms,
	    struct ike_diag *dg);

#endif /* IKELAB_CORE_SESS_H */
