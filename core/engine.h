/*
 * engine.h: what sess.c (clock, link, timers, rules) and peer.c (the
 * protocol) call in each other. Not part of the API that cli/ uses.
 */
#ifndef IKELAB_CORE_ENGINE_H
#define IKELAB_CORE_ENGINE_H

#include "sess.h"

/* Append an event stamped with the current time; returns the copy. */
struct tr_event *eng_event(struct sess *s, enum tr_kind kind, char peer,
	    int pkt, const char *label);
/* eng_event with a formatted reason. */
struct tr_event *eng_eventf(struct sess *s, enum tr_kind kind, char peer,
	    int pkt, const char *label, const char *fmt, ...)
	    IKE_PRINTF(6, 7);

/*
 * Put BYTES on the link as a new packet from peer FROM with LABEL.
 * RESEND marks a resend (TRY is its try count, 0 for a resend in answer
 * to a duplicate; WHY says what triggered it). Returns the packet
 * number, or a negative ike_err.
 */
int	eng_send(struct sess *s, int from, const struct buf *bytes,
	    const char *label, bool resend, int try_no, const char *why);

/* Resend the stored message M of peer FROM (next letter). */
int	eng_resend(struct sess *s, int from, struct stored_msg *m,
	    int try_no, const char *why);

/* Arm a retransmission timer for the stored message M (wait k = 1). */
void	eng_timer_start(struct sess *s, struct peer *p, struct timer *t,
	    const struct stored_msg *m);
/* Arm T to fire once at DUE (a lifetime, not a retransmission). */
void	eng_timer_at(struct sess *s, struct peer *p, struct timer *t,
	    uint64_t due, const char *what, const char *why);
/* Cancel T (if armed) with a reason. */
void	eng_timer_cancel(struct sess *s, struct peer *p, struct timer *t,
	    const char *why);

/* After a resend on timer T: count the try and arm the next wait. */
void	eng_timer_rearm(struct sess *s, struct peer *p, struct timer *t);

/* Phase 1 and Quick Mode state changes, with their trace events. */
void	eng_p1_state(struct sess *s, struct peer *p, enum p1_state st,
	    const char *fmt, ...) IKE_PRINTF(4, 5);
void	eng_qm_state(struct sess *s, struct peer *p, struct qmx *q,
	    enum qm_state st, const char *fmt, ...) IKE_PRINTF(5, 6);


/* peer.c: the protocol. */
int	peer_start_p1(struct sess *s, struct peer *p);
int	peer_start_qm(struct sess *s, struct peer *p);
/* Receive packet PK (already delivered) at peer P. */
void	peer_recv(struct sess *s, struct peer *p, struct pkt *pk);
/* The timer T of peer P fired. */
void	peer_timer(struct sess *s, struct peer *p, struct timer *t);
/* esp.c: an ESP packet PK arrived at peer P. */
void	esp_recv(struct sess *s, struct peer *p, struct pkt *pk);

/* Free everything a peer holds (keys wiped). */
void	peer_clear(struct peer *p);
/* Default configuration of the initiator (IS_I) or the responder. */
void	peer_defaults(struct peer_cfg *c, bool is_i);

#endif /* IKELAB_CORE_ENGINE_H */
