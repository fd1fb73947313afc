/*
 * fuzz_peer.c: libFuzzer target for a peer's receive path.
 *
 * Input: byte 0 picks the target state (low three bits, see
 * fuzz_sess.h) and options (PFS, client IDs, early Quick Mode
 * handling); byte 1 picks the sender (even: initiator, odd: responder);
 * byte 2 picks how the rest becomes the datagram (fuzz_sess.h): as is,
 * XORed into the real packet the target state expects (so that the
 * fuzzer can keep most of a packet intact), or as payloads that are
 * encrypted and hashed here with the receiver's keys (so that it gets
 * past decryption and HASH checks to the code that reads them). The
 * datagram is put on the link with sess_inject and the session runs
 * for FZ_HORIZON_MS, timers included.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_sess.h"
#include "keys.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A sealed message: which hash, with which inputs, under which IV. */
struct fz_seal {
	const struct p1sa *sa;		/* the receiver's phase 1 */
	uint8_t		 exch;
	uint32_t	 msgid;
	int		 which;		/* HASH(1), (2) or (3) */
	const struct buf *ni;		/* for HASH(2) and (3) */
	const struct buf *nr;		/* for HASH(3) */
	uint8_t		 iv[CRYPTO_MAX_BLOCK];
};

/*
 * Seal: HDR, HASH, then the payloads P (N bytes, the first of type
 * FIRST), encrypted with the receiver's Ka and SL's IV, into OUT.
 */
static int
seal(const struct fz_seal *sl, uint8_t first, const uint8_t *p, size_t n,
    struct buf *out)
{
	const struct p1_keys	*k = &sl->sa->keys;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	struct pld_chain	*c;
	struct buf		 plain = { 0 }, ct = { 0 };
	uint8_t			 last[CRYPTO_MAX_BLOCK];
	size_t			 hl = IKE_GENERIC_LEN + k->hlen, end;
	int			 rc = IKE_ENOMEM;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return IKE_ENOMEM;
	if (buf_add_u8(&plain, first) || buf_add_u8(&plain, 0) ||
	    buf_add_u16(&plain, (uint16_t)hl) ||
	    buf_add(&plain, NULL, k->hlen) || buf_add(&plain, p, n))
		goto out;
	/* The hash covers what follows HASH up to the end of the chain. */
	end = plain.len;
	if (pld_chain_parse(plain.p, plain.len, IKE_HDR_LEN, IKE_PLD_HASH, c,
	    &dg) == IKE_OK)
		end = c->end - IKE_HDR_LEN;
	if (sl->which == 1)
		rc = keys_qm_hash1(k, sl->msgid, plain.p + hl, end - hl,
		    plain.p + IKE_GENERIC_LEN);
	else if (sl->which == 2)
		rc = keys_qm_hash2(k, sl->msgid, sl->ni->p, sl->ni->len,
		    plain.p + hl, end - hl, plain.p + IKE_GENERIC_LEN);
	else
		rc = keys_qm_hash3(k, sl->msgid, sl->ni->p, sl->ni->len,
		    sl->nr->p, sl->nr->len, plain.p + IKE_GENERIC_LEN);
	if (rc != IKE_OK || (rc = keys_encrypt(k, sl->iv, plain.p, plain.len,
	    &ct, last)) != IKE_OK)
		goto out;
	rc = IKE_ENOMEM;
	if (buf_add(out, sl->sa->icookie, IKE_COOKIE_LEN) ||
	    buf_add(out, sl->sa->rcookie, IKE_COOKIE_LEN) ||
	    buf_add_u8(out, IKE_PLD_HASH) ||
	    buf_add_u8(out, IKE_VERSION_1_0) || buf_add_u8(out, sl->exch) ||
	    buf_add_u8(out, IKE_FLAG_ENC) || buf_add_u32(out, sl->msgid) ||
	    buf_add_u32(out, (uint32_t)(IKE_HDR_LEN + ct.len)) ||
	    buf_add(out, ct.p, ct.len))
		goto out;
	rc = IKE_OK;
out:
	buf_free(&plain);
	buf_free(&ct);
	free(c);
	return rc;
}

/*
 * A sealed datagram of MODE from the input P (N bytes) for state ST of
 * S, from peer *FROM (which FZ_SEAL_QM sets to the sender the state
 * expects).
 */
static int
make_sealed(struct sess *s, enum fz_mode mode, enum fz_state st,
    const uint8_t *p, size_t n, int *from, struct buf *out)
{
	struct fz_seal	 sl;
	const struct peer *rx;
	const struct qmx *q;

	memset(&sl, 0, sizeof(sl));
	if (mode == FZ_SEAL_QM && st >= FZ_R_P1_DONE) {
		*from = st == FZ_I_WAIT_QM2 ? PEER_R : PEER_I;
		rx = &s->peer[1 - *from];
		/*
		 * QM1 opens the exchange (the sender knows its M-ID); QM2
		 * and QM3 continue the receiver's, with its nonces and IV.
		 */
		q = sess_qm_cur(st == FZ_R_P1_DONE ? &s->peer[*from] : rx);
		if (n < 1 || !rx->p1.has_keys || q == NULL)
			return IKE_ESTATE;
		sl.sa = &rx->p1;
		sl.exch = IKE_EXCH_QUICK;
		sl.msgid = q->msgid;
		sl.which = st == FZ_R_P1_DONE ? 1 : st == FZ_I_WAIT_QM2 ? 2 : 3;
		sl.ni = &q->ni;
		sl.nr = &q->nr;
		if (st != FZ_R_P1_DONE)
			memcpy(sl.iv, q->iv, sizeof(sl.iv));
		else if (keys_exch_iv(&sl.sa->keys, sl.sa->last_block,
		    sl.msgid, sl.iv) != IKE_OK)
			return IKE_ECRYPTO;
		return seal(&sl, p[0], p + 1, n - 1, out);
	}
	rx = &s->peer[1 - *from];
	if (n < 5 || !rx->p1.has_keys)
		return IKE_ESTATE;
	sl.sa = &rx->p1;
	sl.exch = IKE_EXCH_INFO;
	sl.msgid = be32(p);
	sl.which = 1;
	if (keys_exch_iv(&sl.sa->keys, sl.sa->last_block, sl.msgid,
	    sl.iv) != IKE_OK)
		return IKE_ECRYPTO;
	return seal(&sl, p[4], p + 5, n - 5, out);
}

/* The datagram of MODE from the input bytes P and the real packet. */
static int
make_datagram(enum fz_mode mode, const uint8_t *p, size_t n,
    const struct buf *real, struct buf *out)
{
	size_t	 len, k;

	if (mode == FZ_REPLACE)
		return buf_set(out, p, n);
	len = mode == FZ_XOR_CUT || n > real->len ? n : real->len;
	if (buf_add(out, NULL, len) != IKE_OK)
		return IKE_ENOMEM;
	for (k = 0; k < len; k++)
		out->p[k] = (uint8_t)((k < real->len ? real->p[k] : 0) ^
		    (k < n ? p[k] : 0));
	return IKE_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct buf	 real = { 0 }, dgram = { 0 };
	struct sess	*s;
	enum fz_mode	 mode;
	int		 from, real_from, rc;

	if (size < 3 || size - 3 > PLD_MAX_MSG)
		return 0;
	from = data[1] & 1 ? PEER_R : PEER_I;
	mode = (enum fz_mode)(data[2] % FZ_NMODES);
	if ((s = fz_setup(data[0], &real, &real_from)) == NULL)
		abort();	/* the unfuzzed setup must always work */
	if (mode == FZ_SEAL_QM || mode == FZ_SEAL_INFO)
		rc = make_sealed(s, mode, fz_state_of(data[0]), data + 3,
		    size - 3, &from, &dgram);
	else
		rc = make_datagram(mode, data + 3, size - 3, &real, &dgram);
	if (rc == IKE_OK && dgram.len > 0 &&
	    sess_inject(s, from, dgram.p, dgram.len, &dg) == IKE_OK)
		(void)sess_run(s, FZ_HORIZON_MS, NULL, NULL);
	buf_free(&dgram);
	buf_free(&real);
	sess_free(s);
	return 0;
}
