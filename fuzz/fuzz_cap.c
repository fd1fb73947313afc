/*
 * fuzz_cap.c: libFuzzer target for the capture reader. The input is a
 * whole capture file: every record is read and every frame taken apart
 * down to IKE or ESP, and what the reader hands out is checked to lie
 * inside the bytes it was given.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cap.h"
#include "pld.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Does [P, P + N) lie inside [BASE, BASE + LEN)? */
static bool
inside(const uint8_t *p, size_t n, const uint8_t *base, size_t len)
{
	if (n == 0)
		return true;
	return p >= base && n <= len && (size_t)(p - base) <= len - n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct cap_file	 cf;
	struct cap_rec	 rec;
	struct cap_pkt	 pkt;
	struct pld_hdr	 h;
	size_t		 last_off;
	int		 rc;

	if (cap_open(&cf, data, size, &dg) != IKE_OK)
		return 0;
	for (;;) {
		last_off = cf.off;
		rc = cap_next(&cf, &rec, &dg);
		if (rc != IKE_OK)
			break;
		/* A record always consumes bytes, or this would never end. */
		if (cf.off <= last_off || cf.off > size)
			abort();
		if (!inside(rec.data, rec.caplen, data, size) ||
		    (rec.caplen > 0 && rec.off != (size_t)(rec.data - data)))
			abort();
		if (cap_decode(&rec, &pkt, &dg) != IKE_OK)
			continue;
		if (pkt.kind == CAP_NOT_IPV4)
			continue;
		if (!inside(pkt.data, pkt.len, rec.data, rec.caplen) ||
		    (pkt.len > 0 && pkt.off != (size_t)(pkt.data - data)))
			abort();
		if (pkt.kind == CAP_IKE)
			(void)pld_hdr_parse(pkt.data, pkt.len, &h, &dg);
	}
	if (rc != IKE_ENOENT && dg.code != rc)
		abort();	/* an error must be described */
	return 0;
}
