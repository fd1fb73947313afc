/*
 * frag.h: IKEv1 fragmentation, the vendor extension behind payload
 * type 132 (ikev1-reference.md 1.6). A message too large for one
 * datagram is cut into fragment datagrams: each has the original
 * ISAKMP header (cookies, exchange type, message ID) with Next Payload
 * 132, the encryption flag cleared and its own length, then one
 * fragment payload:
 *
 *	offset 28: next payload (0), reserved, payload length (8 + data)
 *	offset 32: fragment ID (16 bits, the same for every fragment of
 *	           one message)
 *	offset 34: fragment number, from 1
 *	offset 35: flags, bit 0 set on the last fragment
 *	offset 36: the next slice of the original message, its own ISAKMP
 *	           header included
 *
 * This module cuts and reads such datagrams and collects the fragments
 * of one message until it is whole. It knows nothing of peers or the
 * link: peer.c and sess.c call it.
 */
#ifndef IKELAB_CORE_FRAG_H
#define IKELAB_CORE_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ike.h"

#define FRAG_MAX	16	/* fragments of one message, numbers 1..16 */
#define FRAG_PLD_LEN	8	/* fragment payload header */
#define FRAG_HDR_LEN	(IKE_HDR_LEN + FRAG_PLD_LEN)	/* 36 */
#define FRAG_FLAG_LAST	0x01

/* One fragment datagram as read. DATA points into the datagram. */
struct frag {
	uint8_t		 icookie[IKE_COOKIE_LEN];
	uint16_t	 id;
	uint8_t		 num;
	bool		 last;
	const uint8_t	*data;
	size_t		 len;
};

/*
 * The fragments of one message collected so far, keyed by the
 * initiator cookie and the fragment ID. A zeroed struct is empty.
 */
struct frag_set {
	bool		 active;
	uint8_t		 icookie[IKE_COOKIE_LEN];
	uint16_t	 id;
	uint8_t		 last;		/* number of the last fragment, or 0
					   while the last has not come */
	uint32_t	 have;		/* bit k - 1: fragment k is held */
	size_t		 total;		/* data bytes held */
	struct buf	 part[FRAG_MAX];
	int		 pkt[FRAG_MAX];	/* packet each fragment came in */
	/*
	 * The message joined last, kept so that a late copy of one of its
	 * fragments is known as a copy (frag_copy_of) instead of starting
	 * a new set. Only equal bytes count: a sender may use the same ID
	 * for its next message (libreswan always uses 1).
	 */
	bool		 done;
	uint8_t		 done_icookie[IKE_COOKIE_LEN];
	uint16_t	 done_id;
	uint8_t		 done_last;
	struct buf	 done_part[FRAG_MAX];
	int		 done_pkt[FRAG_MAX];
};

/* What frag_add did with a fragment. */
enum frag_res {
	FRAG_HELD,		/* kept; the message is not whole yet */
	FRAG_COMPLETE,		/* kept, and the message is whole */
};

/*
 * How many fragment datagrams of at most MAX bytes a message of LEN
 * bytes needs (each carries MAX - 36 bytes of it); 0 when MAX leaves
 * no room for data.
 */
size_t	frag_count(size_t len, size_t max);

/*
 * Fragment NUM (1..frag_count) of message MSG (LEN bytes, a whole
 * ISAKMP message) cut for datagrams of at most MAX bytes, with fragment
 * ID, into OUT (replaced).
 */
int	frag_build(const uint8_t *msg, size_t len, size_t max, uint16_t id,
	    size_t num, struct buf *out, struct ike_diag *dg);

/*
 * Read a fragment datagram of LEN bytes: a 28-byte ISAKMP header whose
 * Next Payload is 132, then exactly one fragment payload (next payload
 * 0, length 8 or more and reaching the end of the datagram, number 1 to
 * 16). Errors name the FRAG payload and the offset.
 */
int	frag_parse(const uint8_t *msg, size_t len, struct frag *f,
	    struct ike_diag *dg);

/*
 * Would F start a new message in SET, so that the incomplete one held
 * now (another initiator cookie or fragment ID) is thrown away?
 */
bool	frag_replaces(const struct frag_set *set, const struct frag *f);

/*
 * Add fragment F (from packet PKT) to SET, which must be empty or hold
 * F's message (call frag_clear first when frag_replaces says so).
 * Returns a frag_res, or a negative ike_err with the reason in DG and
 * SET unchanged: IKE_ESTATE for a number already held (a duplicate),
 * IKE_EMALFORMED for a number past the last fragment or a last
 * fragment below one held, IKE_ELIMIT when the message would exceed
 * PLD_MAX_MSG bytes, IKE_ENOMEM.
 */
int	frag_add(struct frag_set *set, const struct frag *f, int pkt,
	    struct ike_diag *dg);

/*
 * Is F a byte-for-byte copy of a fragment of the message SET joined
 * last? Then the packet that fragment came in, else -1.
 */
int	frag_copy_of(const struct frag_set *set, const struct frag *f);

/* Number of fragments held. */
size_t	frag_held(const struct frag_set *set);

/*
 * The whole message of a complete SET, joined into OUT (replaced); SET
 * is emptied, but remembers the message for frag_copy_of.
 */
int	frag_take(struct frag_set *set, struct buf *out);

/* Empty SET, wiping what it held (the remembered message too). */
void	frag_clear(struct frag_set *set);

#endif /* IKELAB_CORE_FRAG_H */
