/*
 * test_vectors.c: ikelab against a real strongSwan 5.9.8 capture
 * (tests/vectors/, described in its keys file and in
 * ikev1-reference.md 10). The capture is read with cap.c, every IKE
 * message is decoded with pld.c, and the whole key chain is rebuilt
 * with keys.c from the PSK "letmein", the two logged DH secrets and the
 * payloads in the packets. Every derived value must equal what
 * strongSwan logged or put on the wire.
 *
 * Run from the repository root (tests/run.sh does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cap.h"
#include "keys.h"
#include "pld.h"

#define VEC_PCAP	"tests/vectors/strongswan-aggr-quick.pcap"
#define VEC_KEYS	"tests/vectors/strongswan-aggr-quick.keys.txt"
#define VEC_FRAMES	10
#define QM_MSGID	0xf5d2076bu

/* Everything the tests share: the capture and the phase 1 state. */
struct vec {
	uint8_t			*pcap;
	size_t			 pcap_len;
	char			*keys;		/* the keys file, NUL-ended */
	size_t			 n;
	struct cap_rec		 rec[VEC_FRAMES];
	struct cap_pkt		 pkt[VEC_FRAMES];
	struct pld_hdr		 hdr[VEC_FRAMES];
	struct pld_chain	 am1, am2;	/* frames 1 and 2, plaintext */
	uint8_t			 gxy[256];
	struct p1_inputs	 in;
	struct p1_keys		 k;
	const uint8_t		*sai_b, *idii_b, *idir_b;
	size_t			 sai_len, idii_len, idir_len;
	uint8_t			 last_p1[16];	/* end of AM3 */
};

/* Decode HEX into OUT; returns the byte count (fails on bad input). */
static size_t
unhex(const char *hex, size_t hex_len, uint8_t *out, size_t cap)
{
	size_t	 n = 0;

	assert_int_equal(hex_len % 2, 0);
	for (size_t i = 0; i < hex_len; i += 2) {
		unsigned int	 b;
		char		 two[3] = { hex[i], hex[i + 1], '\0' };

		assert_int_equal(sscanf(two, "%2x", &b), 1);
		assert_true(n < cap);
		out[n++] = (uint8_t)b;
	}
	return n;
}

static void
assert_hex(const uint8_t *got, size_t n, const char *hex)
{
	uint8_t	 want[512];

	assert_int_equal(unhex(hex, strlen(hex), want, sizeof(want)), n);
	assert_memory_equal(got, want, n);
}

/* The NTH (0-based) "LABEL<TAB>hex" line of the keys file, into OUT. */
static size_t
keys_value(const struct vec *v, const char *label, int nth, uint8_t *out,
    size_t cap)
{
	size_t		 ll = strlen(label);
	const char	*line = v->keys;

	while (line != NULL && *line != '\0') {
		const char	*eol = strchr(line, '\n');
		size_t		 len = eol ? (size_t)(eol - line) : strlen(line);

		if (len > ll && strncmp(line, label, ll) == 0 &&
		    line[ll] == '\t' && nth-- == 0)
			return unhex(line + ll + 1, len - ll - 1, out, cap);
		line = eol ? eol + 1 : NULL;
	}
	fail_msg("keys file has no line '%s' number %d", label, nth);
	return 0;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	uint8_t	*p;
	long	 n = 0;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		fail_msg("cannot read %s (run from the repository root)", path);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* The IKE message of frame NO (1-based). */
static const uint8_t *
msg(const struct vec *v, size_t no, size_t *len)
{
	assert_true(no >= 1 && no <= v->n);
	assert_int_equal(v->pkt[no - 1].kind, CAP_IKE);
	*len = v->pkt[no - 1].len;
	return v->pkt[no - 1].data;
}

/* The NTH payload of TYPE in C. */
static const struct pld_ref *
nth_pld(const struct pld_chain *c, uint8_t type, int nth)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->p[i].type == type && nth-- == 0)
			return &c->p[i];
	fail_msg("no payload of type %u", type);
	return NULL;
}

/* Read every record, decode frames and the two plaintext AM messages. */
static void
load_capture(struct vec *v)
{
	struct cap_file		 cf;
	struct cap_rec		 rec;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	const uint8_t		*m;
	size_t			 len;
	int			 rc;

	v->pcap = slurp(VEC_PCAP, &v->pcap_len);
	assert_int_equal(cap_open(&cf, v->pcap, v->pcap_len, &dg), IKE_OK);
	while ((rc = cap_next(&cf, &rec, &dg)) == IKE_OK) {
		assert_true(v->n < VEC_FRAMES);
		v->rec[v->n] = rec;
		if (cap_decode(&rec, &v->pkt[v->n], &dg) != IKE_OK)
			fail_msg("%s", dg.msg);
		v->n++;
	}
	if (rc != IKE_ENOENT)
		fail_msg("%s", dg.msg);

	for (size_t i = 0; i < v->n; i++) {
		if (v->pkt[i].kind != CAP_IKE)
			continue;
		if (pld_hdr_parse(v->pkt[i].data, v->pkt[i].len, &v->hdr[i],
		    &dg) != IKE_OK)
			fail_msg("frame %zu: %s", i + 1, dg.msg);
	}
	m = msg(v, 1, &len);
	if (pld_chain_parse(m + IKE_HDR_LEN, len - IKE_HDR_LEN, IKE_HDR_LEN,
	    v->hdr[0].next, &v->am1, &dg) != IKE_OK)
		fail_msg("frame 1: %s", dg.msg);
	m = msg(v, 2, &len);
	if (pld_chain_parse(m + IKE_HDR_LEN, len - IKE_HDR_LEN, IKE_HDR_LEN,
	    v->hdr[1].next, &v->am2, &dg) != IKE_OK)
		fail_msg("frame 2: %s", dg.msg);
}

/* Collect the phase 1 inputs from frames 1-2 and derive the keys. */
static void
derive_p1(struct vec *v)
{
	const struct pld_ref	*r;
	struct ike_diag		 dg = IKE_DIAG_INIT;

	assert_int_equal(keys_value(v, "shared Diffie Hellman secret", 0,
	    v->gxy, sizeof(v->gxy)), 256);
	v->in.psk = (const uint8_t *)"letmein";
	v->in.psk_len = 7;
	r = nth_pld(&v->am1, IKE_PLD_NONCE, 0);
	v->in.ni = r->body;
	v->in.ni_len = r->body_len;
	r = nth_pld(&v->am2, IKE_PLD_NONCE, 0);
	v->in.nr = r->body;
	v->in.nr_len = r->body_len;
	v->in.gxi = nth_pld(&v->am1, IKE_PLD_KE, 0)->body;
	v->in.gxr = nth_pld(&v->am2, IKE_PLD_KE, 0)->body;
	v->in.gxy = v->gxy;
	v->in.glen = 256;
	assert_int_equal(nth_pld(&v->am1, IKE_PLD_KE, 0)->body_len, 256);
	assert_int_equal(nth_pld(&v->am2, IKE_PLD_KE, 0)->body_len, 256);
	/* AM1 has no responder cookie yet: take both from AM2. */
	v->in.icookie = v->hdr[1].icookie;
	v->in.rcookie = v->hdr[1].rcookie;

	r = nth_pld(&v->am1, IKE_PLD_SA, 0);
	v->sai_b = r->body;
	v->sai_len = r->body_len;
	r = nth_pld(&v->am1, IKE_PLD_ID, 0);
	v->idii_b = r->body;
	v->idii_len = r->body_len;
	r = nth_pld(&v->am2, IKE_PLD_ID, 0);
	v->idir_b = r->body;
	v->idir_len = r->body_len;

	if (keys_p1(IKE_HASH_SHA1, IKE_ENC_AES, 128, &v->in, &v->k, &dg) !=
	    IKE_OK)
		fail_msg("%s", dg.msg);
}

/*
 * Decrypt frame NO with IV into PLAIN and parse its chain into C.
 * LAST gets the last ciphertext block (the next IV of the exchange).
 */
static void
decrypt_frame(const struct vec *v, size_t no, const uint8_t *iv,
    struct buf *plain, struct pld_chain *c, uint8_t *last)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	const uint8_t	*m;
	size_t		 len;

	m = msg(v, no, &len);
	assert_true(v->hdr[no - 1].flags & IKE_FLAG_ENC);
	if (keys_decrypt(&v->k, iv, m + IKE_HDR_LEN, len - IKE_HDR_LEN, plain,
	    last, &dg) != IKE_OK)
		fail_msg("frame %zu: %s", no, dg.msg);
	if (pld_chain_parse(plain->p, plain->len, IKE_HDR_LEN,
	    v->hdr[no - 1].next, c, &dg) != IKE_OK)
		fail_msg("frame %zu after decryption: %s", no, dg.msg);
}

/* Bytes of PLAIN after the first payload (the HASH) to the chain's end. */
static const uint8_t *
after_hash(const struct buf *plain, const struct pld_chain *c, size_t *len)
{
	size_t	 from = c->p[0].off + c->p[0].len - IKE_HDR_LEN;

	assert_int_equal(c->p[0].type, IKE_PLD_HASH);
	*len = c->end - IKE_HDR_LEN - from;
	return plain->p + from;
}

/* Assert that the padding after the chain is LEN zero bytes. */
static void
assert_zero_padding(const struct buf *plain, const struct pld_chain *c,
    size_t len)
{
	size_t	 from = c->end - IKE_HDR_LEN;

	assert_int_equal(plain->len - from, len);
	for (size_t i = from; i < plain->len; i++)
		assert_int_equal(plain->p[i], 0);
}

static int
setup(void **state)
{
	struct vec	*v = calloc(1, sizeof(*v));
	size_t		 klen;

	if (v == NULL)
		return -1;
	*state = v;
	v->keys = (char *)slurp(VEC_KEYS, &klen);
	load_capture(v);
	derive_p1(v);
	/* The last phase 1 CBC block ends AM3 (frame 3). */
	{
		size_t		 len;
		const uint8_t	*m = msg(v, 3, &len);

		memcpy(v->last_p1, m + len - 16, 16);
	}
	return 0;
}

static int
teardown(void **state)
{
	struct vec	*v = *state;

	free(v->pcap);
	free(v->keys);
	free(v);
	return 0;
}

static void
capture_has_ten_frames_as_tshark_shows(void **state)
{
	struct vec		*v = *state;
	static const size_t	 ike_len[VEC_FRAMES] =
	    { 506, 558, 108, 444, 444, 60, 0, 0, 76, 92 };
	static const uint8_t	 a[4] = { 10, 213, 0, 1 };
	static const uint8_t	 b[4] = { 10, 213, 0, 2 };

	assert_int_equal(v->n, 10);
	for (size_t i = 0; i < v->n; i++) {
		const struct cap_pkt	*p = &v->pkt[i];
		bool			 from_r = i == 1 || i == 4 || i == 7;

		assert_int_equal(v->rec[i].no, i + 1);
		assert_int_equal(v->rec[i].linktype, CAP_LINK_ETHERNET);
		assert_int_equal(p->proto, 17);
		assert_memory_equal(p->src, from_r ? b : a, 4);
		assert_memory_equal(p->dst, from_r ? a : b, 4);
		assert_int_equal(p->sport, i < 2 ? 500 : 4500);
		assert_int_equal(p->dport, i < 2 ? 500 : 4500);
		assert_int_equal(p->natt, i >= 2);
		assert_int_equal(p->kind, i == 6 || i == 7 ? CAP_ESP : CAP_IKE);
		if (p->kind == CAP_IKE)
			assert_int_equal(p->len, ike_len[i]);
	}
	/* Frame 1: Ethernet 14 + IPv4 20 + UDP 8 after the 40 file bytes. */
	assert_int_equal(v->rec[0].off, 40);
	assert_int_equal(v->pkt[0].off, 82);
	assert_int_equal(v->rec[0].caplen, 548);
	assert_int_equal(v->rec[0].origlen, 548);
	/* Frame 3: the non-ESP marker (4 zero bytes) is not in the message. */
	assert_int_equal(v->pkt[2].off, v->rec[2].off + 14 + 20 + 8 + 4);
	assert_true(v->rec[0].ts_ns == 1796380986413470000ull);
	assert_true(v->rec[9].ts_ns == 1796380989546370000ull);
	/* ESP-in-UDP: the data starts with the SPI, 108 - 8 bytes. */
	assert_hex(v->pkt[6].data, 4, "4d536701");
	assert_int_equal(v->pkt[6].len, 100);
	assert_hex(v->pkt[7].data, 4, "edb4f7f9");
	assert_int_equal(v->pkt[7].len, 132);
}

static void
headers_name_the_exchanges(void **state)
{
	struct vec		*v = *state;
	static const uint8_t	 exch[VEC_FRAMES] = { 4, 4, 4, 32, 32, 32,
	    0, 0, 5, 5 };
	static const uint32_t	 mid[VEC_FRAMES] = { 0, 0, 0, QM_MSGID,
	    QM_MSGID, QM_MSGID, 0, 0, 0x54c32325, 0xd9ed29d6 };

	for (size_t i = 0; i < v->n; i++) {
		if (v->pkt[i].kind != CAP_IKE)
			continue;
		assert_int_equal(v->hdr[i].exch, exch[i]);
		assert_int_equal(v->hdr[i].msgid, mid[i]);
		assert_int_equal(v->hdr[i].flags, i < 2 ? 0 : IKE_FLAG_ENC);
		assert_int_equal(v->hdr[i].version, IKE_VERSION_1_0);
		assert_hex(v->hdr[i].icookie, 8, "05f90091b3778063");
		assert_hex(v->hdr[i].rcookie, 8,
		    i == 0 ? "0000000000000000" : "35ad3580f40d9b64");
	}
}

/* AM1: SA KE Ni IDii VID*5; AM2: SA KE Nr IDir VID*4 NAT-D*2 HASH_R. */
static void
aggressive_mode_payloads_decode(void **state)
{
	struct vec		*v = *state;
	static const uint8_t	 t1[] = { 1, 4, 10, 5, 13, 13, 13, 13, 13 };
	static const uint8_t	 t2[] = { 1, 4, 10, 5, 13, 13, 13, 13, 20,
	    20, 8 };
	struct pld_sa		 sa;
	struct p1_prop		 pp;
	struct ike_diag		 dg = IKE_DIAG_INIT;

	assert_int_equal(v->am1.n, sizeof(t1));
	for (size_t i = 0; i < sizeof(t1); i++)
		assert_int_equal(v->am1.p[i].type, t1[i]);
	assert_int_equal(v->am2.n, sizeof(t2));
	for (size_t i = 0; i < sizeof(t2); i++)
		assert_int_equal(v->am2.p[i].type, t2[i]);

	assert_int_equal(v->sai_len, 52);
	assert_hex(v->sai_b, v->sai_len, "00000001" "00000001" "0000002c"
	    "01010001" "00000024" "01010000" "80010007" "800e0080" "80020002"
	    "8004000e" "80030001" "800b0001" "800c0000");
	assert_int_equal(pld_sa_parse(nth_pld(&v->am1, IKE_PLD_SA, 0), &sa,
	    &dg), IKE_OK);
	assert_int_equal(sa.nprop, 1);
	assert_int_equal(sa.prop[0].nxf, 1);
	assert_int_equal(pld_p1_from_xform(&sa.prop[0].xf[0], &pp, &dg),
	    IKE_OK);
	assert_int_equal(pp.enc, IKE_ENC_AES);
	assert_int_equal(pp.keylen, 128);
	assert_int_equal(pp.hash, IKE_HASH_SHA1);
	assert_int_equal(pp.auth, IKE_AUTH_PSK);
	assert_int_equal(pp.group, 14);

	assert_int_equal(v->in.ni_len, 32);
	assert_int_equal(v->in.nr_len, 32);
	assert_hex(v->in.ni, 32, "f28ef4ba2e5fd2049604323a639118c2"
	    "07947c262cb2ac2510f9bd95d79ee195");
	assert_hex(v->in.nr, 32, "7036fc4425ccec6f866cf39dc6289f17"
	    "f3898ba9724c453951fce05e24500883");
	assert_hex(v->in.gxi, 8, "adf7cd740512a391");
	assert_hex(v->in.gxr, 8, "d9626861b8e6efc6");
	assert_int_equal(v->idii_len, 26);
	assert_memory_equal(v->idii_b, "\x03\0\0\0initiator@example.test", 26);
	assert_int_equal(v->idir_len, 26);
	assert_memory_equal(v->idir_b, "\x03\0\0\0responder@example.test", 26);
}

static void
phase1_keys_match_strongswan(void **state)
{
	struct vec	*v = *state;
	uint8_t		 logged[32];

	assert_int_equal(v->k.hlen, 20);
	assert_int_equal(v->k.klen, 16);
	assert_int_equal(v->k.blen, 16);
	assert_hex(v->k.skeyid, 20, "30c96c745d85ed4f89b97d4e7f652cf8f43a8168");
	assert_hex(v->k.skeyid_d, 20,
	    "f5802693e9a6abb9652d2527c5ac0f214601e0e9");
	assert_hex(v->k.skeyid_a, 20,
	    "3c3d9ec7494aeb9b85478fa019c345d4bf05eff4");
	assert_hex(v->k.skeyid_e, 20,
	    "eb6ba569fc9c604c07782d9b91b6bf7704701e18");
	assert_hex(v->k.ka, 16, "eb6ba569fc9c604c07782d9b91b6bf77");
	assert_hex(v->k.iv0, 16, "c5d979a150567c70077acf970ac9b8d9");

	/* The same values as strongSwan logged them. */
	assert_int_equal(keys_value(v, "SKEYID", 0, logged, 32), 20);
	assert_memory_equal(v->k.skeyid, logged, 20);
	assert_int_equal(keys_value(v, "encryption key Ka", 0, logged, 32),
	    16);
	assert_memory_equal(v->k.ka, logged, 16);
	assert_int_equal(keys_value(v, "initial IV", 0, logged, 32), 16);
	assert_memory_equal(v->k.iv0, logged, 16);
}

static void
hash_r_equals_frame2_hash_payload(void **state)
{
	struct vec		*v = *state;
	const struct pld_ref	*h = nth_pld(&v->am2, IKE_PLD_HASH, 0);
	uint8_t			 out[20];

	assert_int_equal(keys_hash_ir(&v->k, &v->in, false, v->sai_b,
	    v->sai_len, v->idir_b, v->idir_len, out), IKE_OK);
	assert_hex(out, 20, "d9d799241a2e0e408d6a46d116cd44321781600e");
	assert_int_equal(h->body_len, 20);
	assert_memory_equal(out, h->body, 20);
}

static void
hash_i_equals_decrypted_frame3(void **state)
{
	struct vec		*v = *state;
	struct buf		 plain = { 0 };
	struct pld_chain	 c;
	uint8_t			 out[20], last[16], logged[16];

	decrypt_frame(v, 3, v->k.iv0, &plain, &c, last);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.p[0].type, IKE_PLD_HASH);
	assert_int_equal(c.p[1].type, IKE_PLD_NAT_D);
	assert_int_equal(c.p[2].type, IKE_PLD_NAT_D);
	assert_zero_padding(&plain, &c, 8);

	assert_int_equal(keys_hash_ir(&v->k, &v->in, true, v->sai_b,
	    v->sai_len, v->idii_b, v->idii_len, out), IKE_OK);
	assert_hex(out, 20, "1c823dd57d20def4eaf8c4d48181ee37bd23ef33");
	assert_int_equal(c.p[0].body_len, 20);
	assert_memory_equal(out, c.p[0].body, 20);

	assert_hex(last, 16, "007363a08c351a4b6c86bac117206081");
	assert_int_equal(keys_value(v, "next IV for MID 0", 0, logged, 16),
	    16);
	assert_memory_equal(last, logged, 16);
	buf_free(&plain);
}

/* QM1-QM3: IV from the phase 1 block, then CBC chaining, HASH(1..3). */
static void
quick_mode_ivs_and_hashes_match(void **state)
{
	struct vec		*v = *state;
	struct buf		 p1 = { 0 }, p2 = { 0 }, p3 = { 0 };
	struct pld_chain	 c1, c2, c3;
	const struct pld_ref	*ni, *nr;
	const uint8_t		*rest;
	size_t			 rest_len;
	uint8_t			 iv[16], out[20], logged[16];
	static const char	*ivs[4] = {
		"b440383fff51b94d05ec010f13e9cb4f",
		"b1fef42e23d879c886dbba63c42f7b1f",
		"7a64f417aa013ce9fd79d9cf2a9425d7",
		"424b1bc929206b1cd8abc3a8fe7475be",
	};

	assert_int_equal(keys_exch_iv(&v->k, v->last_p1, QM_MSGID, iv),
	    IKE_OK);
	assert_hex(iv, 16, ivs[0]);

	/* QM1: HASH(1) SA Ni KE IDci IDcr; 400 bytes, so a full pad block. */
	decrypt_frame(v, 4, iv, &p1, &c1, iv);
	assert_hex(iv, 16, ivs[1]);
	assert_int_equal(c1.n, 6);
	assert_zero_padding(&p1, &c1, 16);
	rest = after_hash(&p1, &c1, &rest_len);
	assert_int_equal(rest_len, 376);
	assert_int_equal(keys_qm_hash1(&v->k, QM_MSGID, rest, rest_len, out),
	    IKE_OK);
	assert_hex(out, 20, "d876c5e2279f1e0a1e73e9f1e7d763f4dbf54415");
	assert_memory_equal(out, c1.p[0].body, 20);

	/* QM2: HASH(2) SA Nr KE IDci IDcr. */
	ni = nth_pld(&c1, IKE_PLD_NONCE, 0);
	decrypt_frame(v, 5, iv, &p2, &c2, iv);
	assert_hex(iv, 16, ivs[2]);
	assert_zero_padding(&p2, &c2, 8);
	rest = after_hash(&p2, &c2, &rest_len);
	assert_int_equal(keys_qm_hash2(&v->k, QM_MSGID, ni->body, ni->body_len,
	    rest, rest_len, out), IKE_OK);
	assert_hex(out, 20, "330d07f13b639c2f873f15862a13336a6f8b1039");
	assert_memory_equal(out, c2.p[0].body, 20);

	/* QM3: HASH(3) alone. */
	nr = nth_pld(&c2, IKE_PLD_NONCE, 0);
	decrypt_frame(v, 6, iv, &p3, &c3, iv);
	assert_hex(iv, 16, ivs[3]);
	assert_int_equal(c3.n, 1);
	assert_int_equal(keys_qm_hash3(&v->k, QM_MSGID, ni->body, ni->body_len,
	    nr->body, nr->body_len, out), IKE_OK);
	assert_hex(out, 20, "a276c5b32db1050c3309facd11d18aa2372ea1f9");
	assert_memory_equal(out, c3.p[0].body, 20);

	/* strongSwan logged the same four IVs for this M-ID. */
	for (int i = 0; i < 4; i++) {
		assert_int_equal(keys_value(v, "next IV for MID 4124182379", i,
		    logged, 16), 16);
		assert_hex(logged, 16, ivs[i]);
	}
	buf_free(&p1);
	buf_free(&p2);
	buf_free(&p3);
}

/* The SPI of the (only) proposal of the SA payload in C. */
static uint32_t
qm_spi(const struct pld_chain *c)
{
	struct pld_sa	 sa;
	struct ike_diag	 dg = IKE_DIAG_INIT;

	if (pld_sa_parse(nth_pld(c, IKE_PLD_SA, 0), &sa, &dg) != IKE_OK)
		fail_msg("%s", dg.msg);
	assert_int_equal(sa.prop[0].proto, IKE_PROTO_ESP);
	assert_int_equal(sa.prop[0].spi_size, 4);
	return be32(sa.prop[0].spi);
}

/* KEYMAT with PFS for both directions equals the ESP keys logged. */
static void
keymat_equals_logged_esp_keys(void **state)
{
	struct vec		*v = *state;
	struct buf		 p1 = { 0 }, p2 = { 0 };
	struct pld_chain	 c1, c2;
	const struct pld_ref	*ni, *nr;
	uint8_t			 iv[16], gqm[256], km[36], logged[20];
	uint32_t		 spi_i, spi_r;

	assert_int_equal(keys_value(v, "DH secret", 0, gqm, sizeof(gqm)), 256);
	assert_int_equal(keys_exch_iv(&v->k, v->last_p1, QM_MSGID, iv),
	    IKE_OK);
	decrypt_frame(v, 4, iv, &p1, &c1, iv);
	decrypt_frame(v, 5, iv, &p2, &c2, iv);
	ni = nth_pld(&c1, IKE_PLD_NONCE, 0);
	nr = nth_pld(&c2, IKE_PLD_NONCE, 0);
	assert_hex(ni->body, 32, "b6f1f9c97805a9a5981bd99c872a2937"
	    "82e5b8f56b52540b546e98d2cfea0b68");
	assert_hex(nr->body, 32, "226dc41dd5b5e4b067e5ee5c7b80eb92"
	    "d4b234fc4bf802876a2acf6fd000a1eb");
	spi_i = qm_spi(&c1);	/* the initiator's inbound SPI */
	spi_r = qm_spi(&c2);	/* the responder's inbound SPI */
	assert_int_equal(spi_i, 0xedb4f7f9);
	assert_int_equal(spi_r, 0x4d536701);

	/* Initiator to responder uses the responder's SPI. */
	assert_int_equal(keys_keymat(&v->k, gqm, 256, IKE_PROTO_ESP, spi_r,
	    ni->body, ni->body_len, nr->body, nr->body_len, km, 36), IKE_OK);
	assert_hex(km, 16, "90dbb1453e7cbc1a4f424661804c9383");
	assert_hex(km + 16, 20, "91a08df73b2b5cc8b3cd1c2275015b5e0164203e");
	keys_value(v, "encryption initiator key", 0, logged, 20);
	assert_memory_equal(km, logged, 16);
	keys_value(v, "integrity initiator key", 0, logged, 20);
	assert_memory_equal(km + 16, logged, 20);

	assert_int_equal(keys_keymat(&v->k, gqm, 256, IKE_PROTO_ESP, spi_i,
	    ni->body, ni->body_len, nr->body, nr->body_len, km, 36), IKE_OK);
	assert_hex(km, 16, "2a2eec8a267d0609cb87753b8286f8ec");
	assert_hex(km + 16, 20, "575049840deb1dbdbf3c1124ae61dd1780121bc4");
	keys_value(v, "encryption responder key", 0, logged, 20);
	assert_memory_equal(km, logged, 16);
	keys_value(v, "integrity responder key", 0, logged, 20);
	assert_memory_equal(km + 16, logged, 20);

	/* Without the PFS secret the keys would differ. */
	assert_int_equal(keys_keymat(&v->k, NULL, 0, IKE_PROTO_ESP, spi_i,
	    ni->body, ni->body_len, nr->body, nr->body_len, km, 36), IKE_OK);
	assert_memory_not_equal(km + 16, logged, 20);
	buf_free(&p1);
	buf_free(&p2);
}

/* Check one Informational (frame NO): IV, HASH(1), one DELETE. */
static void
check_info(const struct vec *v, size_t no, const char *want_iv,
    const char *want_hash, uint8_t proto, const char *want_spi)
{
	struct pld_delete	 d;
	struct buf		 plain = { 0 };
	struct pld_chain	 c;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	const uint8_t		*rest;
	size_t			 rest_len;
	uint8_t			 iv[16], last[16], out[20];
	uint32_t		 mid = v->hdr[no - 1].msgid;

	/* From the phase 1 block, not from the Quick Mode chain. */
	assert_int_equal(keys_exch_iv(&v->k, v->last_p1, mid, iv), IKE_OK);
	assert_hex(iv, 16, want_iv);
	decrypt_frame(v, no, iv, &plain, &c, last);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.p[1].type, IKE_PLD_D);
	rest = after_hash(&plain, &c, &rest_len);
	assert_int_equal(rest_len, c.p[1].len);
	assert_int_equal(keys_qm_hash1(&v->k, mid, rest, rest_len, out),
	    IKE_OK);
	assert_hex(out, 20, want_hash);
	assert_memory_equal(out, c.p[0].body, 20);
	if (pld_delete_parse(&c.p[1], &d, &dg) != IKE_OK)
		fail_msg("%s", dg.msg);
	assert_int_equal(d.count, 1);
	assert_int_equal(d.proto, proto);
	assert_int_equal(d.spi_size, strlen(want_spi) / 2);
	assert_hex(d.spis, d.spi_size, want_spi);
	buf_free(&plain);
}

static void
informational_ivs_and_hashes_match(void **state)
{
	struct vec		*v = *state;
	uint8_t			 logged[16], iv[16];

	/* Frame 9 deletes the ESP SA, frame 10 the ISAKMP SA (cookies). */
	check_info(v, 9, "e4552a5f2e037f6860b85e13340dbb91",
	    "7867294cdcfcdb200f8366bf796eacb4764834b7", IKE_PROTO_ESP,
	    "edb4f7f9");
	check_info(v, 10, "3a4bdf2c48731ae38d0d7e7a8dcb087c",
	    "994175cc552062fafcd2cf76cf465b719f32d462", IKE_PROTO_ISAKMP,
	    "05f90091b377806335ad3580f40d9b64");

	keys_value(v, "next IV for MID 1422074661", 0, logged, 16);
	assert_int_equal(keys_exch_iv(&v->k, v->last_p1, 1422074661u, iv),
	    IKE_OK);
	assert_memory_equal(iv, logged, 16);
	keys_value(v, "next IV for MID 3656198614", 0, logged, 16);
	assert_int_equal(keys_exch_iv(&v->k, v->last_p1, 3656198614u, iv),
	    IKE_OK);
	assert_memory_equal(iv, logged, 16);
}

/*
 * Appendix B on the capture's SKEYID_e (ikev1-reference.md 10): with
 * AES-256 Ka = K1 | K2[0..12], with 3DES Ka = K1 | K2[0..4].
 */
static void
longer_keys_expand_the_capture_skeyid_e(void **state)
{
	struct vec		*v = *state;
	struct p1_keys		 k;
	struct ike_diag		 dg = IKE_DIAG_INIT;

	assert_int_equal(keys_p1(IKE_HASH_SHA1, IKE_ENC_AES, 256, &v->in, &k,
	    &dg), IKE_OK);
	assert_memory_equal(k.skeyid_e, v->k.skeyid_e, 20);
	assert_hex(k.ka, 32, "056498eb35233ea14e688e9172b31b94d606007e"
	    "a160afda5004921142f2a8d3");
	assert_int_equal(keys_p1(IKE_HASH_SHA1, IKE_ENC_3DES, 0, &v->in, &k,
	    &dg), IKE_OK);
	assert_hex(k.ka, 24, "056498eb35233ea14e688e9172b31b94d606007e"
	    "a160afda");
	assert_hex(k.iv0, 8, "c5d979a150567c70");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(capture_has_ten_frames_as_tshark_shows),
		cmocka_unit_test(headers_name_the_exchanges),
		cmocka_unit_test(aggressive_mode_payloads_decode),
		cmocka_unit_test(phase1_keys_match_strongswan),
		cmocka_unit_test(hash_r_equals_frame2_hash_payload),
		cmocka_unit_test(hash_i_equals_decrypted_frame3),
		cmocka_unit_test(quick_mode_ivs_and_hashes_match),
		cmocka_unit_test(keymat_equals_logged_esp_keys),
		cmocka_unit_test(informational_ivs_and_hashes_match),
		cmocka_unit_test(longer_keys_expand_the_capture_skeyid_e),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
