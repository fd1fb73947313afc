/*
 * test_esp.c: ESP packets (core/esp.c). Known-answer packets built
 * with fixed keys and IVs are compared with bytes computed
 * independently (Python's hmac/hashlib for the ICV and the inner
 * packet's checksums, `openssl enc -aes-128-cbc / -des-ede3-cbc -K -iv
 * -nopad` for the ciphertext; the script is in the comment below);
 * opening checks the ICV, padding and SPI; and in a session `ping`
 * sends an echo request and gets a reply, while a corrupted packet and
 * a replayed sequence number are discarded with their reasons.
 *
 * The expected bytes come from:
 *   inner = IPv4(id=seq, ttl 64, proto 1) + ICMP echo(id 0x696b, seq)
 *           + b"ikelab ping 0123", RFC 1071 checksums
 *   pt    = inner + bytes(1..pad) + bytes([pad, 4])
 *   ct    = openssl enc -<cipher> -K <ekey> -iv <iv> -nopad (pt)
 *   pkt   = spi | seq | iv | ct | hmac(akey, spi|seq|iv|ct)[:icv]
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "esp.h"

/* Decode a hex string into OUT; returns the byte count. */
static size_t
unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t	n = 0, len = strlen(hex);

	assert_int_equal(len % 2, 0);
	for (size_t i = 0; i < len; i += 2) {
		unsigned int	b;
		char		two[3] = { hex[i], hex[i + 1], '\0' };

		assert_int_equal(sscanf(two, "%2x", &b), 1);
		assert_true(n < cap);
		out[n++] = (uint8_t)b;
	}
	return n;
}

static void
fill(uint8_t *p, size_t n, uint8_t from)
{
	for (size_t k = 0; k < n; k++)
		p[k] = (uint8_t)(from + k);
}

#define ADDR_I	0xc0000201u	/* 192.0.2.1 */
#define ADDR_R	0xc0000202u	/* 192.0.2.2 */

static const uint8_t echo_data[16] = "ikelab ping 0123";

static const char inner_hex[] =
    "4500002c000100004001f6ccc0000201c0000202"
    "08000af6696b0001696b656c61622070696e672030313233";

/* ESP_AES 128, HMAC-SHA1-96; SPI 0x11223344, seq 1, IV a0..af. */
static const char aes_sha1_hex[] =
    "1122334400000001a0a1a2a3a4a5a6a7"
    "a8a9aaabacadaeaf5fe3807e4128fd02"
    "65af1abc3f071c3cf37e41530b233299"
    "bf3f6d44e4e091d79b3aafd61117030e"
    "7eb54910e41b908bd91a794a26ae83b1"
    "a4793d2b";

/* ESP_3DES, HMAC-SHA2-256-128; SPI 0xdeadbeef, seq 7, IV 50..57; an
 * echo reply 192.0.2.2 > 192.0.2.1 with ICMP sequence 7. */
static const char des3_sha256_hex[] =
    "deadbeef000000075051525354555657"
    "bed244b6c7c92efae619ce17bcbc628c"
    "806bf190a115500253cfb6de06310d48"
    "f53c6c3a6189321482f3cc8556778b21"
    "515c30276ab8f39086ed44d17003d736";

/* The AES-128 / HMAC-SHA1 SA of the known answer. */
static void
aes_sa(struct esp_sa *sa)
{
	struct p2_prop	p = { IKE_ESP_AES, 128, IKE_ESP_AUTH_SHA1, 0,
	    IKE_ENCAP_TUNNEL, 0 };
	uint8_t		km[36];

	fill(km, 16, 0x00);
	fill(km + 16, 20, 0x20);
	assert_int_equal(esp_keymat_len(&p), 36);
	assert_int_equal(esp_sa_init(sa, 0x11223344, &p, km, sizeof(km),
	    NULL), IKE_OK);
	assert_int_equal(sa->blen, 16);
	assert_int_equal(sa->icv_len, 12);
}

static void
des3_sa(struct esp_sa *sa)
{
	struct p2_prop	p = { IKE_ESP_3DES, 0, IKE_ESP_AUTH_SHA256, 0,
	    IKE_ENCAP_TUNNEL, 0 };
	uint8_t		km[56];

	fill(km, 24, 0x40);
	fill(km + 24, 32, 0x60);
	assert_int_equal(esp_keymat_len(&p), 56);
	assert_int_equal(esp_sa_init(sa, 0xdeadbeef, &p, km, sizeof(km),
	    NULL), IKE_OK);
	assert_int_equal(sa->blen, 8);
	assert_int_equal(sa->icv_len, 16);
}

static void
echo_request_packet_matches_python_checksums(void **state)
{
	struct buf	b = { 0 };
	uint8_t		want[64];
	struct esp_icmp	e;

	(void)state;
	assert_int_equal(esp_icmp_build(&b, ADDR_I, ADDR_R, false, 0x696b, 1,
	    echo_data, sizeof(echo_data)), IKE_OK);
	assert_int_equal(unhex(inner_hex, want, sizeof(want)), 44);
	assert_int_equal(b.len, 44);
	assert_memory_equal(b.p, want, 44);
	assert_int_equal(esp_icmp_parse(b.p, b.len, &e), IKE_OK);
	assert_false(e.reply);
	assert_int_equal(e.src, ADDR_I);
	assert_int_equal(e.dst, ADDR_R);
	assert_int_equal(e.id, 0x696b);
	assert_int_equal(e.seq, 1);
	assert_int_equal(e.data_len, 16);
	/* A flipped data byte breaks the ICMP checksum. */
	b.p[40] ^= 1;
	assert_int_equal(esp_icmp_parse(b.p, b.len, &e), IKE_EMALFORMED);
	buf_free(&b);
}

static void
aes_sha1_packet_matches_openssl_and_hmac(void **state)
{
	struct esp_sa	sa;
	struct buf	inner = { 0 }, pkt = { 0 };
	uint8_t		iv[16], want[128];
	size_t		n;

	(void)state;
	aes_sa(&sa);
	fill(iv, 16, 0xa0);
	assert_int_equal(esp_icmp_build(&inner, ADDR_I, ADDR_R, false,
	    0x696b, 1, echo_data, sizeof(echo_data)), IKE_OK);
	assert_int_equal(esp_build(&sa, 1, iv, inner.p, inner.len,
	    ESP_NEXT_IPV4, &pkt, NULL), IKE_OK);
	n = unhex(aes_sha1_hex, want, sizeof(want));
	assert_int_equal(n, 84);
	assert_int_equal(pkt.len, n);
	assert_memory_equal(pkt.p, want, n);
	buf_free(&inner);
	buf_free(&pkt);
}

static void
des3_sha256_packet_has_16_byte_icv(void **state)
{
	struct esp_sa	sa;
	struct buf	inner = { 0 }, pkt = { 0 };
	uint8_t		iv[8], want[128];
	size_t		n;

	(void)state;
	des3_sa(&sa);
	fill(iv, 8, 0x50);
	assert_int_equal(esp_icmp_build(&inner, ADDR_R, ADDR_I, true,
	    0x696b, 7, echo_data, sizeof(echo_data)), IKE_OK);
	assert_int_equal(esp_build(&sa, 7, iv, inner.p, inner.len,
	    ESP_NEXT_IPV4, &pkt, NULL), IKE_OK);
	n = unhex(des3_sha256_hex, want, sizeof(want));
	assert_int_equal(n, 80);
	assert_int_equal(pkt.len, n);
	assert_memory_equal(pkt.p, want, n);
	buf_free(&inner);
	buf_free(&pkt);
}

static void
open_returns_inner_packet_and_fields(void **state)
{
	struct esp_sa	sa;
	struct esp_info	info;
	struct buf	inner = { 0 };
	uint8_t		p[128], want[64];
	size_t		n = unhex(aes_sha1_hex, p, sizeof(p));
	char		t[96];

	(void)state;
	aes_sa(&sa);
	assert_int_equal(esp_open(&sa, p, n, &inner, &info, NULL), IKE_OK);
	assert_int_equal(unhex(inner_hex, want, sizeof(want)), 44);
	assert_int_equal(inner.len, 44);
	assert_memory_equal(inner.p, want, 44);
	assert_int_equal(info.spi, 0x11223344);
	assert_int_equal(info.seq, 1);
	assert_int_equal(info.ct_off, 24);
	assert_int_equal(info.ct_len, 48);
	assert_int_equal(info.icv_off, 72);
	assert_int_equal(info.pad_len, 2);
	assert_int_equal(info.next_hdr, 4);
	esp_describe(inner.p, inner.len, t, sizeof(t));
	assert_string_equal(t, "ICMP echo request 192.0.2.1 > 192.0.2.2");

	des3_sa(&sa);
	n = unhex(des3_sha256_hex, p, sizeof(p));
	assert_int_equal(esp_open(&sa, p, n, &inner, &info, NULL), IKE_OK);
	assert_int_equal(info.seq, 7);
	assert_int_equal(info.icv_off, 64);
	esp_describe(inner.p, inner.len, t, sizeof(t));
	assert_string_equal(t, "ICMP echo reply 192.0.2.2 > 192.0.2.1");
	buf_free(&inner);
}

/* Any changed byte fails the ICV, which is named with its offset. */
static void
every_corrupted_byte_fails_the_icv(void **state)
{
	struct esp_sa	sa;
	struct ike_diag	dg = IKE_DIAG_INIT;
	struct buf	inner = { 0 };
	uint8_t		p[128];
	size_t		n = unhex(aes_sha1_hex, p, sizeof(p));

	(void)state;
	aes_sa(&sa);
	for (size_t k = 4; k < n; k++) {
		p[k] ^= 0x01;
		assert_int_equal(esp_open(&sa, p, n, &inner, NULL, &dg),
		    IKE_EAUTH);
		assert_int_equal(dg.off, 72);
		assert_string_equal(dg.msg, "ICV mismatch at offset 72");
		p[k] ^= 0x01;
	}
	assert_int_equal(inner.len, 0);
	/* A changed SPI is another SA's packet. */
	p[0] ^= 0x80;
	assert_int_equal(esp_open(&sa, p, n, &inner, NULL, &dg), IKE_ENOENT);
	assert_string_equal(dg.msg,
	    "SPI 0x91223344 is not this SA's (0x11223344)");
	p[0] ^= 0x80;
	/* Cut short, or cut off a block boundary. */
	assert_int_equal(esp_open(&sa, p, 51, &inner, NULL, &dg), IKE_ESHORT);
	assert_int_equal(esp_open(&sa, p, n - 1, &inner, NULL, &dg),
	    IKE_EMALFORMED);
	assert_int_equal(esp_open(&sa, p, 3, &inner, NULL, &dg), IKE_ESHORT);
	assert_int_equal(esp_open(&sa, p, n, &inner, NULL, &dg), IKE_OK);
	buf_free(&inner);
}

/* Padding must count 1, 2, 3, ...: a packet with a valid ICV whose
 * padding is wrong is refused at the bad byte. */
static void
wrong_padding_is_refused_at_its_offset(void **state)
{
	struct esp_sa	sa;
	struct ike_diag	dg = IKE_DIAG_INIT;
	struct buf	inner = { 0 };
	uint8_t		p[128], icv[32];
	size_t		n = unhex(aes_sha1_hex, p, sizeof(p)), icv_len;
	struct ciov	v;

	(void)state;
	aes_sa(&sa);
	/* Decrypt, spoil pad byte 2 (plaintext 45), encrypt, new ICV. */
	assert_int_equal(crypto_cbc(sa.enc, sa.ekey, sa.elen, p + 8, p + 24,
	    48, p + 24, false), IKE_OK);
	assert_int_equal(p[24 + 44], 1);
	assert_int_equal(p[24 + 45], 2);
	p[24 + 45] = 9;
	assert_int_equal(crypto_cbc(sa.enc, sa.ekey, sa.elen, p + 8, p + 24,
	    48, p + 24, true), IKE_OK);
	v = (struct ciov){ p, 72 };
	assert_int_equal(crypto_esp_hmac(sa.auth, sa.akey, sa.alen, &v, 1,
	    icv, &icv_len), IKE_OK);
	assert_int_equal(icv_len, 20);
	memcpy(p + 72, icv, 12);
	assert_int_equal(esp_open(&sa, p, n, &inner, NULL, &dg),
	    IKE_EMALFORMED);
	assert_int_equal(dg.off, 24 + 45);
	assert_string_equal(dg.msg,
	    "bad padding at offset 69: 0x09, expected 0x02");
	buf_free(&inner);

	/* A pad length that claims more than the body holds. */
	n = unhex(aes_sha1_hex, p, sizeof(p));
	assert_int_equal(crypto_cbc(sa.enc, sa.ekey, sa.elen, p + 8, p + 24,
	    48, p + 24, false), IKE_OK);
	p[24 + 46] = 100;
	assert_int_equal(crypto_cbc(sa.enc, sa.ekey, sa.elen, p + 8, p + 24,
	    48, p + 24, true), IKE_OK);
	assert_int_equal(crypto_esp_hmac(sa.auth, sa.akey, sa.alen, &v, 1,
	    icv, &icv_len), IKE_OK);
	memcpy(p + 72, icv, 12);
	assert_int_equal(esp_open(&sa, p, n, &inner, NULL, &dg),
	    IKE_EMALFORMED);
	assert_int_equal(dg.off, 70);
	assert_string_equal(dg.msg, "pad length 100 at offset 70 is longer "
	    "than the 46 bytes before it");
	buf_free(&inner);
}

/* A session of seed 1 with phase 1 and Quick Mode complete. */
static struct sess *
sess_up(void)
{
	struct sess	*s = sess_new(1);

	assert_non_null(s);
	assert_int_equal(sess_start(s, NULL), IKE_OK);
	assert_int_equal(sess_run(s, 600000, NULL, NULL), RUN_IDLE);
	return s;
}

/* The Nth trace event of KIND (0-based), or NULL. */
static const struct tr_event *
nth_event(const struct sess *s, enum tr_kind kind, int nth)
{
	for (size_t k = 0; k < s->trace.n; k++)
		if (s->trace.ev[k].kind == kind && nth-- == 0)
			return &s->trace.ev[k];
	return NULL;
}

static void
ping_before_quick_mode_is_refused(void **state)
{
	struct sess	*s = sess_new(1);
	struct ike_diag	 dg = IKE_DIAG_INIT;

	(void)state;
	assert_int_equal(sess_ping(s, &dg), IKE_ESTATE);
	assert_string_equal(dg.msg, "no Quick Mode is complete at the "
	    "initiator yet (see 'state')");
	assert_int_equal(sess_start(s, NULL), IKE_OK);
	/* Deliver AG1, AG2, AG3, QM1, QM2: the initiator is done and has
	 * sent QM3, the responder still waits for it. */
	for (int k = 0; k < 5; k++)
		assert_int_equal(sess_step(s), 1);
	assert_int_equal(sess_ping(s, &dg), IKE_ESTATE);
	assert_non_null(strstr(dg.msg, "the responder has not completed"));
	assert_int_equal(s->npkt, 6);
	sess_free(s);
}

static void
ping_sends_request_and_gets_reply(void **state)
{
	struct sess		*s = sess_up();
	const struct qmx	*qi = sess_qm_cur(&s->peer[PEER_I]);
	const struct tr_event	*ev;
	const struct pkt	*pk;
	struct esp_sa		 sa;
	struct buf		 inner = { 0 };
	struct esp_icmp		 e;
	int			 n0 = (int)s->npkt;

	(void)state;
	assert_int_equal(sess_ping(s, NULL), IKE_OK);
	assert_int_equal(sess_run(s, 600000, NULL, NULL), RUN_IDLE);
	assert_int_equal(s->npkt, (size_t)n0 + 2);

	/* The request: i>r, SPI of the responder, seq 1, 84 bytes. */
	pk = sess_pkt_c(s, n0 + 1);
	assert_true(pk->is_esp);
	assert_int_equal(pk->from, PEER_I);
	assert_string_equal(pk->label, "ESP");
	assert_int_equal(pk->bytes.len, 84);
	assert_int_equal(be32(pk->bytes.p), qi->spi_r);
	assert_int_equal(be32(pk->bytes.p + 4), 1);
	/* Open it independently of the session, with KEYMAT i>r. */
	assert_int_equal(esp_sa_init(&sa, qi->spi_r, &qi->chosen,
	    qi->keymat_ir.p, qi->keymat_ir.len, NULL), IKE_OK);
	assert_int_equal(esp_open(&sa, pk->bytes.p, pk->bytes.len, &inner,
	    NULL, NULL), IKE_OK);
	assert_int_equal(esp_icmp_parse(inner.p, inner.len, &e), IKE_OK);
	assert_false(e.reply);
	assert_int_equal(e.src, ADDR_I);
	assert_int_equal(e.dst, ADDR_R);

	ev = nth_event(s, TR_ESP, 0);
	assert_non_null(ev);
	assert_int_equal(ev->peer, 'r');
	assert_int_equal(ev->pkt, n0 + 1);
	assert_int_equal(ev->spi, qi->spi_r);
	assert_string_equal(ev->reason,
	    "ICMP echo request 192.0.2.1 > 192.0.2.2, seq 1, ICV ok");

	/* The reply: r>i with the initiator's SPI and KEYMAT r>i. */
	pk = sess_pkt_c(s, n0 + 2);
	assert_true(pk->is_esp);
	assert_int_equal(pk->from, PEER_R);
	assert_int_equal(be32(pk->bytes.p), qi->spi_i);
	assert_int_equal(esp_sa_init(&sa, qi->spi_i, &qi->chosen,
	    qi->keymat_ri.p, qi->keymat_ri.len, NULL), IKE_OK);
	assert_int_equal(esp_open(&sa, pk->bytes.p, pk->bytes.len, &inner,
	    NULL, NULL), IKE_OK);
	assert_int_equal(esp_icmp_parse(inner.p, inner.len, &e), IKE_OK);
	assert_true(e.reply);
	ev = nth_event(s, TR_ESP, 1);
	assert_non_null(ev);
	assert_int_equal(ev->peer, 'i');
	assert_int_equal(ev->spi, qi->spi_i);
	assert_string_equal(ev->reason,
	    "ICMP echo reply 192.0.2.2 > 192.0.2.1, seq 1, ICV ok");

	/* A second ping counts on: sequence number 2 both ways. */
	assert_int_equal(sess_ping(s, NULL), IKE_OK);
	assert_int_equal(sess_run(s, 600000, NULL, NULL), RUN_IDLE);
	assert_int_equal(be32(sess_pkt_c(s, n0 + 3)->bytes.p + 4), 2);
	assert_int_equal(be32(sess_pkt_c(s, n0 + 4)->bytes.p + 4), 2);
	assert_string_equal(nth_event(s, TR_ESP, 3)->reason,
	    "ICMP echo reply 192.0.2.2 > 192.0.2.1, seq 2, ICV ok");
	/* Different IVs from the crypto stream. */
	assert_memory_not_equal(sess_pkt_c(s, n0 + 1)->bytes.p + 8,
	    sess_pkt_c(s, n0 + 3)->bytes.p + 8, 16);
	buf_free(&inner);
	sess_free(s);
}

static void
corrupted_esp_packet_is_discarded_with_offset(void **state)
{
	struct sess		*s = sess_up();
	struct rule		 r;
	const struct tr_event	*ev;
	char			 want[TR_TEXT_LEN];
	int			 n0 = (int)s->npkt;

	(void)state;
	sess_rule_init(&r, RULE_CORRUPT, "ESP", 1);
	r.off = 30;
	assert_true(sess_rule_add(s, &r, NULL) > 0);
	assert_int_equal(sess_ping(s, NULL), IKE_OK);
	assert_int_equal(sess_run(s, 600000, NULL, NULL), RUN_IDLE);
	/* No reply, no esp event: a discard at the responder. */
	assert_int_equal(s->npkt, (size_t)n0 + 1);
	assert_null(nth_event(s, TR_ESP, 0));
	ev = nth_event(s, TR_DISCARD, 0);
	assert_non_null(ev);
	assert_int_equal(ev->peer, 'r');
	assert_int_equal(ev->pkt, n0 + 1);
	snprintf(want, sizeof(want),
	    "SPI 0x%08x seq 1: ICV mismatch at offset 72",
	    sess_qm_cur(&s->peer[PEER_I])->spi_r);
	assert_string_equal(ev->reason, want);
	assert_string_equal(sess_pkt_c(s, n0 + 1)->note, want);
	sess_free(s);
}

static void
replayed_sequence_number_is_discarded(void **state)
{
	struct sess		*s = sess_up();
	struct pkt		 copy;
	const struct tr_event	*ev;
	char			 want[TR_TEXT_LEN];
	int			 n0 = (int)s->npkt;
	uint32_t		 spi = sess_qm_cur(&s->peer[PEER_I])->spi_r;

	(void)state;
	assert_int_equal(sess_ping(s, NULL), IKE_OK);
	assert_int_equal(sess_run(s, 600000, NULL, NULL), RUN_IDLE);
	assert_int_equal(s->npkt, (size_t)n0 + 2);
	assert_null(nth_event(s, TR_DISCARD, 0));

	/* The same request arrives at the responder once more. */
	memset(&copy, 0, sizeof(copy));
	copy.num = n0 + 1;
	copy.from = PEER_I;
	copy.is_esp = true;
	snprintf(copy.label, sizeof(copy.label), "ESP");
	assert_int_equal(buf_copy(&copy.bytes, &sess_pkt(s, n0 + 1)->bytes),
	    IKE_OK);
	esp_recv(s, &s->peer[PEER_R], &copy);
	ev = nth_event(s, TR_DISCARD, 0);
	assert_non_null(ev);
	assert_int_equal(ev->peer, 'r');
	assert_int_equal(ev->pkt, n0 + 1);
	snprintf(want, sizeof(want), "SPI 0x%08x: replayed sequence number 1",
	    spi);
	assert_string_equal(ev->reason, want);
	assert_string_equal(copy.note, want);
	/* No second reply, and still one request and one reply accepted. */
	assert_int_equal(s->npkt, (size_t)n0 + 2);
	assert_non_null(nth_event(s, TR_ESP, 1));
	assert_null(nth_event(s, TR_ESP, 2));
	/* The reply replayed at the initiator: the same. */
	assert_int_equal(buf_copy(&copy.bytes, &sess_pkt(s, n0 + 2)->bytes),
	    IKE_OK);
	copy.num = n0 + 2;
	copy.from = PEER_R;
	esp_recv(s, &s->peer[PEER_I], &copy);
	ev = nth_event(s, TR_DISCARD, 1);
	assert_non_null(ev);
	assert_int_equal(ev->peer, 'i');
	assert_non_null(strstr(ev->reason, ": replayed sequence number 1"));
	buf_free(&copy.bytes);
	sess_free(s);
}

/* The link copies the request (rule dup): the copy is a replay. */
static void
link_copy_of_a_request_is_a_replay(void **state)
{
	struct sess		*s = sess_up();
	struct rule		 r;
	const struct tr_event	*ev;
	char			 want[TR_TEXT_LEN];
	int			 n0 = (int)s->npkt;

	(void)state;
	sess_rule_init(&r, RULE_DUP, "ESP", 1);
	assert_true(sess_rule_add(s, &r, NULL) > 0);
	assert_int_equal(sess_ping(s, NULL), IKE_OK);
	assert_int_equal(sess_run(s, 600000, NULL, NULL), RUN_IDLE);
	/* Request, its copy, one reply. */
	assert_int_equal(s->npkt, (size_t)n0 + 3);
	assert_int_equal(sess_pkt_c(s, n0 + 2)->copy_of, n0 + 1);
	assert_true(sess_pkt_c(s, n0 + 2)->is_esp);
	assert_int_equal(sess_pkt_c(s, n0 + 3)->from, PEER_R);
	ev = nth_event(s, TR_DISCARD, 0);
	assert_non_null(ev);
	assert_int_equal(ev->peer, 'r');
	assert_int_equal(ev->pkt, n0 + 2);
	snprintf(want, sizeof(want), "SPI 0x%08x: replayed sequence number 1",
	    sess_qm_cur(&s->peer[PEER_I])->spi_r);
	assert_string_equal(ev->reason, want);
	assert_non_null(nth_event(s, TR_ESP, 1));
	assert_null(nth_event(s, TR_ESP, 2));
	sess_free(s);
}

/* Every ESP transform ikelab negotiates carries a ping both ways. */
static void
ping_works_with_every_esp_transform(void **state)
{
	static const char *const enc[] = { "aes128", "aes192", "aes256",
	    "3des" };
	static const char *const auth[] = { "md5", "sha1", "sha256" };
	static const size_t icv[] = { 12, 12, 16 };

	(void)state;
	for (size_t a = 0; a < 4; a++) {
		for (size_t b = 0; b < 3; b++) {
			struct sess	*s = sess_new(7);
			struct ike_diag	 dg = IKE_DIAG_INIT;
			size_t		 blen = a == 3 ? 8 : 16;
			const struct pkt *pk;

			if (sess_set(s, 3, "esp", enc[a], &dg) != IKE_OK ||
			    sess_set(s, 3, "esp-auth", auth[b], &dg) != IKE_OK)
				fail_msg("%s", dg.msg);
			assert_int_equal(sess_start(s, NULL), IKE_OK);
			assert_int_equal(sess_run(s, 600000, NULL, NULL),
			    RUN_IDLE);
			assert_int_equal(sess_ping(s, &dg), IKE_OK);
			assert_int_equal(sess_run(s, 600000, NULL, NULL),
			    RUN_IDLE);
			assert_non_null(nth_event(s, TR_ESP, 1));
			assert_null(nth_event(s, TR_DISCARD, 0));
			pk = sess_pkt_c(s, (int)s->npkt);
			/* 44 inner + 2, padded to the block, + IV, ICV. */
			assert_int_equal(pk->bytes.len, 8 + blen +
			    ((44 + 2 + blen - 1) / blen) * blen + icv[b]);
			sess_free(s);
		}
	}
}

static void
dump_names_fields_and_offsets(void **state)
{
	struct buf	out = { 0 };
	uint8_t		p[128], in[64];
	size_t		n = unhex(aes_sha1_hex, p, sizeof(p));
	size_t		m = unhex(inner_hex, in, sizeof(in));

	(void)state;
	assert_int_equal(esp_dump(p, n, 16, 12, in, m, &out), IKE_OK);
	assert_string_equal((const char *)out.p,
	    "ESP packet, 84 bytes (RFC 4303)\n"
	    "     0  SPI              0x11223344\n"
	    "     4  sequence number  1\n"
	    "     8  IV               a0a1a2a3a4a5a6a7a8a9aaabacadaeaf\n"
	    "    24  ciphertext       48 bytes\n"
	    "    72  ICV              d91a794a26ae83b1a4793d2b\n"
	    "  decrypted, 44 bytes: ICMP echo request 192.0.2.1 > 192.0.2.2\n");
	buf_free(&out);
	assert_int_equal(esp_dump(p, 5, 16, 12, NULL, 0, &out), IKE_OK);
	assert_string_equal((const char *)out.p,
	    "ESP packet, 5 bytes (RFC 4303)\n"
	    "  5 bytes: too short for SPI and sequence number\n");
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(echo_request_packet_matches_python_checksums),
		cmocka_unit_test(aes_sha1_packet_matches_openssl_and_hmac),
		cmocka_unit_test(des3_sha256_packet_has_16_byte_icv),
		cmocka_unit_test(open_returns_inner_packet_and_fields),
		cmocka_unit_test(every_corrupted_byte_fails_the_icv),
		cmocka_unit_test(wrong_padding_is_refused_at_its_offset),
		cmocka_unit_test(ping_before_quick_mode_is_refused),
		cmocka_unit_test(ping_sends_request_and_gets_reply),
		cmocka_unit_test(corrupted_esp_packet_is_discarded_with_offset),
		cmocka_unit_test(replayed_sequence_number_is_discarded),
		cmocka_unit_test(link_copy_of_a_request_is_a_replay),
		cmocka_unit_test(ping_works_with_every_esp_transform),
		cmocka_unit_test(dump_names_fields_and_offsets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
