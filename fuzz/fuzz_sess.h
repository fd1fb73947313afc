/*
 * fuzz_sess.h: the sessions the peer fuzzer starts from, shared with
 * the corpus generator so that the packets it writes are valid (same
 * seed, same settings, same cookies and keys) in the fuzzer's sessions.
 */
#ifndef IKELAB_FUZZ_SESS_H
#define IKELAB_FUZZ_SESS_H

#include <stddef.h>
#include <stdint.h>

#include "sess.h"

/* Every fuzzing session uses this seed. */
#define FZ_SEED		20240601u

/* How long the session runs after the fuzzed datagram is put on the link. */
#define FZ_HORIZON_MS	10000

/* The target states (first input byte, low three bits, modulo FZ_NSTATES). */
enum fz_state {
	FZ_R_FRESH,		/* responder, nothing yet: AG1 */
	FZ_I_WAIT_AG2,		/* initiator after AG1 */
	FZ_R_WAIT_AG3,		/* responder after AG2 */
	FZ_R_P1_DONE,		/* responder, phase 1 up: QM1 */
	FZ_I_WAIT_QM2,		/* initiator after QM1 */
	FZ_R_WAIT_QM3,		/* responder after QM2 */
	FZ_NSTATES
};

/* Option bits of the first input byte, above the state. */
#define FZ_OPT_PFS	0x08	/* set both pfs on */
#define FZ_OPT_CLIENT	0x10	/* set both client-ids on */
#define FZ_OPT_EARLY	0x60	/* early-qm: 0 drop, 1 notify, 2/3 queue */
#define FZ_OPT_SWAN	0x80	/* set both profile strongswan (first) */

/*
 * How the rest of the input becomes a datagram (third byte, modulo
 * FZ_NMODES). The sealed modes encrypt and authenticate the fuzzer's
 * payloads with the receiver's keys, so that they get past decryption
 * and the HASH check to the code that reads them:
 *   FZ_SEAL_QM: the bytes after the HASH payload of the Quick Mode
 *     message the state expects (QM1 in state 3, QM2 in 4, QM3 in 5;
 *     other states: as FZ_SEAL_INFO). Byte 0 is the type of the first
 *     payload after HASH, the rest are the payloads.
 *   FZ_SEAL_INFO: an Informational under the ISAKMP SA. Bytes 0-3 are
 *     the message ID, byte 4 the first payload type after HASH, the
 *     rest the payloads.
 */
enum fz_mode {
	FZ_REPLACE,		/* the bytes are the datagram */
	FZ_XOR,			/* XORed into the real packet, extended */
	FZ_XOR_CUT,		/* XORed into the real packet, cut to length */
	FZ_SEAL_QM,
	FZ_SEAL_INFO,
	FZ_NMODES
};

/* The message a peer in each target state expects ("AG1" ...). */
extern const char *const fz_expect[FZ_NSTATES];

/* Apply the settings of OPTS (first input byte) to both peers of S. */
int	fz_config(struct sess *s, uint8_t opts, struct ike_diag *dg);

/*
 * A session with both peers on MODP group 1 and the options of OPTS
 * (first input byte), run until the packet that the target state
 * expects is in flight and the receiver is in that state; that packet
 * is then dropped. Its bytes are copied into REAL (when not NULL) and
 * its sender into *REAL_FROM. NULL when the session cannot be set up.
 */
struct sess *fz_setup(uint8_t opts, struct buf *real, int *real_from);

/* The target state that OPTS selects. */
enum fz_state fz_state_of(uint8_t opts);

#endif /* IKELAB_FUZZ_SESS_H */
