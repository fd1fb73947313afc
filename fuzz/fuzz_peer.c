/*
 * fuzz_peer.c: libFuzzer target for a peer's receive path.
 *
 * Input: byte 0 picks the target state (low three bits, see
 * fuzz_sess.h) and options (PFS, client IDs, early Quick Mode
 * handling); byte 1 picks the sender (even: initiator, odd: responder);
 * byte 2 picks how the rest becomes the datagram: as is, or XORed into
 * the real packet the target state expects (so that the fuzzer can
 * reach the code behind decryption and hash checks by leaving most of
 * the packet intact). The datagram is put on the link with sess_inject
 * and the session runs for FZ_HORIZON_MS, timers included.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_sess.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	int		 from, real_from;

	if (size < 3 || size - 3 > PLD_MAX_MSG)
		return 0;
	from = data[1] & 1 ? PEER_R : PEER_I;
	mode = (enum fz_mode)(data[2] % FZ_NMODES);
	if ((s = fz_setup(data[0], &real, &real_from)) == NULL)
		abort();	/* the unfuzzed setup must always work */
	if (make_datagram(mode, data + 3, size - 3, &real, &dgram) ==
	    IKE_OK && dgram.len > 0 &&
	    sess_inject(s, from, dgram.p, dgram.len, &dg) == IKE_OK)
		(void)sess_run(s, FZ_HORIZON_MS, NULL, NULL);
	buf_free(&dgram);
	buf_free(&real);
	sess_free(s);
	return 0;
}
