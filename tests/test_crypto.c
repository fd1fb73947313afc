/*
 * test_crypto.c: known answers for core/crypto.c and core/keys.c.
 *
 * Expected values come from the RFCs and NIST documents named at each
 * test, or were computed independently with Python's pow(), hmac and
 * hashlib (never with ikelab itself).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto.h"
#include "keys.h"

/* Decode HEX (spaces allowed) into OUT; returns the byte count. */
static size_t
unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t	 n = 0;
	int	 hi = -1;

	for (; *hex != '\0'; hex++) {
		int	 c = *hex, v = 0;

		if (c == ' ')
			continue;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			fail_msg("bad hex character '%c'", c);
		if (hi < 0) {
			hi = v;
			continue;
		}
		assert_true(n < cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	assert_int_equal(hi, -1);
	return n;
}

/* Assert that the N bytes at GOT equal HEX. */
static void
assert_hex(const uint8_t *got, size_t n, const char *hex)
{
	uint8_t	 want[512];
	size_t	 wn = unhex(hex, want, sizeof(want));

	assert_int_equal(n, wn);
	assert_memory_equal(got, want, n);
}

/* Group 14 prime from ikev1-reference.md 7 (RFC 3526 3), not OpenSSL. */
static const char p14_hex[] =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF";

static void
group_lengths_match_the_primes(void **state)
{
	(void)state;
	assert_int_equal(crypto_group_len(1), 96);
	assert_int_equal(crypto_group_len(2), 128);
	assert_int_equal(crypto_group_len(5), 192);
	assert_int_equal(crypto_group_len(14), 256);
	assert_int_equal(crypto_group_len(15), 0);
	assert_int_equal(crypto_group_len(0), 0);
}

static void
algorithm_sizes_are_known(void **state)
{
	(void)state;
	assert_int_equal(crypto_hash_len(IKE_HASH_MD5), 16);
	assert_int_equal(crypto_hash_len(IKE_HASH_SHA1), 20);
	assert_int_equal(crypto_hash_len(IKE_HASH_SHA256), 32);
	assert_int_equal(crypto_hash_len(3), 0);
	assert_int_equal(crypto_block_len(IKE_ENC_AES), 16);
	assert_int_equal(crypto_block_len(IKE_ENC_3DES), 8);
	assert_int_equal(crypto_block_len(IKE_ENC_DES), 0);
	assert_int_equal(crypto_key_len(IKE_ENC_AES, 128), 16);
	assert_int_equal(crypto_key_len(IKE_ENC_AES, 192), 24);
	assert_int_equal(crypto_key_len(IKE_ENC_AES, 256), 32);
	assert_int_equal(crypto_key_len(IKE_ENC_AES, 0), 0);
	assert_int_equal(crypto_key_len(IKE_ENC_AES, 512), 0);
	assert_int_equal(crypto_key_len(IKE_ENC_3DES, 0), 24);
	assert_int_equal(crypto_key_len(IKE_ENC_3DES, 192), 24);
	assert_int_equal(crypto_key_len(IKE_ENC_3DES, 128), 0);
	assert_int_equal(crypto_key_len(IKE_ENC_DES, 0), 0);
}

/* Expected: Python pow(2, 0x0102...20, p14). */
static void
dh_pub_group14_matches_python(void **state)
{
	uint8_t			 x[32], pub[256];
	struct ike_diag		 dg = IKE_DIAG_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(x); i++)
		x[i] = (uint8_t)(i + 1);
	assert_int_equal(crypto_dh_pub(14, x, sizeof(x), pub, &dg), IKE_OK);
	assert_hex(pub, sizeof(pub),
	    "ce8736a3ad7c8260e0c5e5a457931ad19966d693e5c32414496b73d7f4e8bdaf"
	    "51763d49d07a56b0a188048d61d52bd2a06e706a7a46664113e794057474d04c"
	    "96b5bb151a50b27818a513cd8d6ecf037fc638b3b2f1084c58d4419735ba12c9"
	    "a4391e2b3133bd660785e468569be85c7ad4f904d98a13f5e8695ff8cc5e2283"
	    "4228a8ea2c082ff49a07607e8e5c1278ce8091725678fde112491091bf4cf3b1"
	    "759ccb32c1de0b90a074b1e3ffe179d71a292ff29ce9580c3a978793598c0e00"
	    "8289e7ab7783b2b75caf9152267e8c981dbb28fde07f2e11ffe1e3984097d160"
	    "2c61ffd0714d9523455377c177df3be6b3c81e69f762c04be910a225f323882d");
}

/* 2^5 = 32 must come out left-padded to the full 96 bytes. */
static void
dh_pub_is_left_padded(void **state)
{
	uint8_t			 x = 5, pub[96], want[96];
	struct ike_diag		 dg = IKE_DIAG_INIT;

	(void)state;
	memset(pub, 0xee, sizeof(pub));
	memset(want, 0, sizeof(want));
	want[95] = 0x20;
	assert_int_equal(crypto_dh_pub(1, &x, 1, pub, &dg), IKE_OK);
	assert_memory_equal(pub, want, sizeof(want));
}

static void
dh_rejects_unknown_group_and_zero_private(void **state)
{
	uint8_t			 x[32], pub[256];
	struct ike_diag		 dg = IKE_DIAG_INIT;

	(void)state;
	memset(x, 0, sizeof(x));
	assert_int_equal(crypto_dh_pub(14, x, sizeof(x), pub, &dg),
	    IKE_ECRYPTO);
	assert_non_null(strstr(dg.msg, "zero"));
	x[0] = 1;
	assert_int_equal(crypto_dh_pub(3, x, sizeof(x), pub, &dg),
	    IKE_EUNSUPP);
	assert_non_null(strstr(dg.msg, "group 3"));
}

/* Both sides agree, and on the value Python computed (group 2). */
static void
dh_shared_is_symmetric_and_known(void **state)
{
	uint8_t			 a[32], b[32], pa[128], pb[128];
	uint8_t			 sa[128], sb[128];
	struct ike_diag		 dg = IKE_DIAG_INIT;

	(void)state;
	memset(a, 0xa5, sizeof(a));
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(0x40 + i);
	assert_int_equal(crypto_dh_pub(2, a, 32, pa, &dg), IKE_OK);
	assert_int_equal(crypto_dh_pub(2, b, 32, pb, &dg), IKE_OK);
	assert_int_equal(crypto_dh_shared(2, a, 32, pb, 128, sa, &dg),
	    IKE_OK);
	assert_int_equal(crypto_dh_shared(2, b, 32, pa, 128, sb, &dg),
	    IKE_OK);
	assert_memory_equal(sa, sb, sizeof(sa));
	assert_hex(sa, sizeof(sa),
	    "90d3f8fa7de0008031a4e31f5defba786d1eec21e24e0429c540155874b06af9"
	    "0fe50105255ecdc022b734bdd177d0cb57a1e4db422c746ee523cfa500529b3f"
	    "36d3319e0ccfd61fa25dae96a3fb32882ebf1e2235a36afe8f11214a8426c7ea"
	    "c720d3ba8133b54fe50e13e8f3b9bc9255000ba6a0b10a59e3e4d1163359e4bf");
}

/* Add D (small, may be negative) to the big-endian number P[0..N). */
static void
be_add(uint8_t *p, size_t n, int d)
{
	int	 carry = d;

	for (size_t i = n; i-- > 0 && carry != 0;) {
		int	 v = p[i] + carry;

		carry = v < 0 ? -1 : v > 255 ? 1 : 0;
		p[i] = (uint8_t)(v & 0xff);
	}
}

/* Expect crypto_dh_shared to refuse PEER with a message containing WHAT. */
static void
expect_peer_refused(const uint8_t *peer, size_t len, const char *what)
{
	uint8_t			 x[32], out[256];
	struct ike_diag		 dg = IKE_DIAG_INIT;

	memset(x, 0x17, sizeof(x));
	assert_int_equal(crypto_dh_shared(14, x, sizeof(x), peer, len, out,
	    &dg), IKE_ECRYPTO);
	assert_int_equal(dg.code, IKE_ECRYPTO);
	assert_int_equal(dg.notify, IKE_N_INVALID_KEY_INFORMATION);
	if (strstr(dg.msg, what) == NULL)
		fail_msg("message '%s' does not mention '%s'", dg.msg, what);
}

static void
dh_shared_rejects_out_of_range_peer(void **state)
{
	uint8_t			 y[257], p[256], x[32], out[256];
	struct ike_diag		 dg = IKE_DIAG_INIT;

	(void)state;
	assert_int_equal(unhex(p14_hex, p, sizeof(p)), 256);

	memset(y, 0, sizeof(y));
	expect_peer_refused(y, 256, "is 0");
	y[255] = 1;
	expect_peer_refused(y, 256, "is 1");
	memcpy(y, p, 256);
	be_add(y, 256, -1);
	expect_peer_refused(y, 256, "is p-1;");
	memcpy(y, p, 256);
	expect_peer_refused(y, 256, "p-1 or more");
	be_add(y, 256, 1);
	expect_peer_refused(y, 256, "p-1 or more");
	memset(y, 0xff, 256);
	expect_peer_refused(y, 256, "p-1 or more");

	/* Wrong lengths, even for a value that is in range. */
	memset(y, 0, sizeof(y));
	y[256] = 2;
	expect_peer_refused(y, 257, "257 bytes");
	expect_peer_refused(y + 1, 255, "255 bytes");
	expect_peer_refused(y, 0, "0 bytes");

	/* The smallest and largest accepted values: 2 and p-2. */
	memset(x, 0x17, sizeof(x));
	memset(y, 0, sizeof(y));
	y[255] = 2;
	assert_int_equal(crypto_dh_shared(14, x, 32, y, 256, out, &dg),
	    IKE_OK);
	memcpy(y, p, 256);
	be_add(y, 256, -2);
	assert_int_equal(crypto_dh_shared(14, x, 32, y, 256, out, &dg),
	    IKE_OK);
}

/* FIPS 180 examples for "abc", fed in three pieces. */
static void
hash_of_pieces_equals_hash_of_whole(void **state)
{
	struct ciov	 v[] = { { "a", 1 }, { "", 0 }, { "bc", 2 } };
	uint8_t		 out[32];

	(void)state;
	assert_int_equal(crypto_hash(IKE_HASH_MD5, v, 3, out), IKE_OK);
	assert_hex(out, 16, "900150983cd24fb0d6963f7d28e17f72");
	assert_int_equal(crypto_hash(IKE_HASH_SHA1, v, 3, out), IKE_OK);
	assert_hex(out, 20, "a9993e364706816aba3e25717850c26c9cd0d89d");
	assert_int_equal(crypto_hash(IKE_HASH_SHA256, v, 3, out), IKE_OK);
	assert_hex(out, 32, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(crypto_hash(3, v, 3, out), IKE_EUNSUPP);
}

/* HMAC of MSG (split in two pieces to exercise the ciov path). */
static void
check_hmac(unsigned int hash, const uint8_t *key, size_t key_len,
    const char *msg, const char *want)
{
	size_t		 n = strlen(msg);
	struct ciov	 v[] = { { msg, n / 2 }, { msg + n / 2, n - n / 2 } };
	uint8_t		 out[32];

	assert_int_equal(crypto_prf(hash, key, key_len, v, 2, out), IKE_OK);
	assert_hex(out, crypto_hash_len(hash), want);
}

static const char big_key_msg[] =
    "Test Using Larger Than Block-Size Key - Hash Key First";

/* RFC 2202 test cases 1, 2 and 6. */
static void
hmac_md5_sha1_match_rfc2202(void **state)
{
	uint8_t	 k[131];

	(void)state;
	memset(k, 0x0b, sizeof(k));
	check_hmac(IKE_HASH_MD5, k, 16, "Hi There",
	    "9294727a3638bb1c13f48ef8158bfc9d");
	check_hmac(IKE_HASH_SHA1, k, 20, "Hi There",
	    "b617318655057264e28bc0b6fb378c8ef146be00");
	check_hmac(IKE_HASH_MD5, (const uint8_t *)"Jefe", 4,
	    "what do ya want for nothing?",
	    "750c783e6ab0b503eaa86e310a5db738");
	check_hmac(IKE_HASH_SHA1, (const uint8_t *)"Jefe", 4,
	    "what do ya want for nothing?",
	    "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	memset(k, 0xaa, sizeof(k));
	check_hmac(IKE_HASH_MD5, k, 80, big_key_msg,
	    "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");
	check_hmac(IKE_HASH_SHA1, k, 80, big_key_msg,
	    "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

/* RFC 4231 test cases 1, 2 and 6. */
static void
hmac_sha256_matches_rfc4231(void **state)
{
	uint8_t	 k[131];

	(void)state;
	memset(k, 0x0b, sizeof(k));
	check_hmac(IKE_HASH_SHA256, k, 20, "Hi There",
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	check_hmac(IKE_HASH_SHA256, (const uint8_t *)"Jefe", 4,
	    "what do ya want for nothing?",
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(k, 0xaa, sizeof(k));
	check_hmac(IKE_HASH_SHA256, k, 131, big_key_msg,
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void
esp_hmac_gives_full_output(void **state)
{
	uint8_t		 k[20], out[32];
	struct ciov	 v = { "Hi There", 8 };
	size_t		 n = 0;

	(void)state;
	memset(k, 0x0b, sizeof(k));
	assert_int_equal(crypto_esp_hmac(IKE_ESP_AUTH_SHA1, k, 20, &v, 1,
	    out, &n), IKE_OK);
	assert_int_equal(n, 20);
	assert_hex(out, n, "b617318655057264e28bc0b6fb378c8ef146be00");
	assert_int_equal(crypto_esp_hmac(IKE_ESP_AUTH_SHA256, k, 20, &v, 1,
	    out, &n), IKE_OK);
	assert_int_equal(n, 32);
	assert_hex(out, n,
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	assert_int_equal(crypto_esp_hmac(IKE_ESP_AUTH_MD5, k, 16, &v, 1,
	    out, &n), IKE_OK);
	assert_int_equal(n, 16);
	assert_hex(out, n, "9294727a3638bb1c13f48ef8158bfc9d");
	assert_int_equal(crypto_esp_hmac(3, k, 16, &v, 1, out, &n),
	    IKE_EUNSUPP);
}

/* NIST SP 800-38A F.2.1 / F.2.2 (CBC-AES128), also in place. */
static void
aes_cbc_matches_sp800_38a(void **state)
{
	uint8_t	 key[16], iv[16], pt[64], ct[64], buf[64];

	(void)state;
	unhex("2b7e151628aed2a6abf7158809cf4f3c", key, sizeof(key));
	unhex("000102030405060708090a0b0c0d0e0f", iv, sizeof(iv));
	unhex("6bc1bee22e409f96e93d7e117393172a"
	    "ae2d8a571e03ac9c9eb76fac45af8e51"
	    "30c81c46a35ce411e5fbc1191a0a52ef"
	    "f69f2445df4f9b17ad2b417be66c3710", pt, sizeof(pt));
	assert_int_equal(crypto_cbc(IKE_ENC_AES, key, 16, iv, pt, 64, ct,
	    true), IKE_OK);
	assert_hex(ct, 64, "7649abac8119b246cee98e9b12e9197d"
	    "5086cb9b507219ee95db113a917678b2"
	    "73bed6b8e3c1743b7116e69e22229516"
	    "3ff1caa1681fac09120eca307586e1a7");
	memcpy(buf, ct, sizeof(buf));
	assert_int_equal(crypto_cbc(IKE_ENC_AES, key, 16, iv, buf, 64, buf,
	    false), IKE_OK);
	assert_memory_equal(buf, pt, sizeof(pt));
}

static void
cbc_round_trips_3des_and_aes256(void **state)
{
	uint8_t	 key[32], iv[16], pt[48], ct[48], back[48];

	(void)state;
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x30 + i);
	memset(iv, 0x5a, sizeof(iv));
	for (size_t i = 0; i < sizeof(pt); i++)
		pt[i] = (uint8_t)(i * 7);

	assert_int_equal(crypto_cbc(IKE_ENC_3DES, key, 24, iv, pt, 48, ct,
	    true), IKE_OK);
	assert_memory_not_equal(ct, pt, sizeof(pt));
	assert_int_equal(crypto_cbc(IKE_ENC_3DES, key, 24, iv, ct, 48, back,
	    false), IKE_OK);
	assert_memory_equal(back, pt, sizeof(pt));

	assert_int_equal(crypto_cbc(IKE_ENC_AES, key, 32, iv, pt, 48, ct,
	    true), IKE_OK);
	assert_int_equal(crypto_cbc(IKE_ENC_AES, key, 32, iv, ct, 48, back,
	    false), IKE_OK);
	assert_memory_equal(back, pt, sizeof(pt));

	/* No padding is ever added: partial blocks and bad keys fail. */
	assert_int_equal(crypto_cbc(IKE_ENC_3DES, key, 24, iv, pt, 12, ct,
	    true), IKE_EMALFORMED);
	assert_int_equal(crypto_cbc(IKE_ENC_AES, key, 20, iv, pt, 16, ct,
	    true), IKE_EUNSUPP);
	assert_int_equal(crypto_cbc(IKE_ENC_3DES, key, 16, iv, pt, 16, ct,
	    true), IKE_EUNSUPP);
}

static void
equal_and_wipe(void **state)
{
	uint8_t	 a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, b[8], z[8] = { 0 };

	(void)state;
	memcpy(b, a, sizeof(a));
	assert_true(crypto_equal(a, b, sizeof(a)));
	b[7] ^= 1;
	assert_false(crypto_equal(a, b, sizeof(a)));
	crypto_wipe(a, sizeof(a));
	assert_memory_equal(a, z, sizeof(z));
}

/* Appendix B from ikev1-reference.md 10, on the capture's SKEYID_e. */
static void
appendix_b_blocks_match_reference(void **state)
{
	uint8_t		 e[20], k1[20], k2[20], zero = 0;
	struct ciov	 v = { &zero, 1 };

	(void)state;
	unhex("eb6ba569fc9c604c07782d9b91b6bf7704701e18", e, sizeof(e));
	assert_int_equal(crypto_prf(IKE_HASH_SHA1, e, 20, &v, 1, k1), IKE_OK);
	assert_hex(k1, 20, "056498eb35233ea14e688e9172b31b94d606007e");
	v = (struct ciov){ k1, 20 };
	assert_int_equal(crypto_prf(IKE_HASH_SHA1, e, 20, &v, 1, k2), IKE_OK);
	assert_hex(k2, 20, "a160afda5004921142f2a8d3c8dda8eb3b5fa68c");
}

/* Synthetic phase 1 inputs shared by the keys_* tests below. */
struct synth {
	uint8_t			 ni[16], nr[16], gxi[96], gxr[96], gxy[96];
	uint8_t			 ic[8], rc[8];
	struct p1_inputs	 in;
};

static void
synth_init(struct synth *s)
{
	memset(s->ni, 0x11, sizeof(s->ni));
	memset(s->nr, 0x22, sizeof(s->nr));
	memset(s->gxi, 0x33, sizeof(s->gxi));
	memset(s->gxr, 0x44, sizeof(s->gxr));
	memset(s->gxy, 0x55, sizeof(s->gxy));
	for (uint8_t i = 0; i < 8; i++) {
		s->ic[i] = (uint8_t)(i + 1);
		s->rc[i] = (uint8_t)(i + 9);
	}
	s->in = (struct p1_inputs){
		.psk = (const uint8_t *)"secret", .psk_len = 6,
		.ni = s->ni, .ni_len = 16, .nr = s->nr, .nr_len = 16,
		.gxi = s->gxi, .gxr = s->gxr, .gxy = s->gxy, .glen = 96,
		.icookie = s->ic, .rcookie = s->rc,
	};
}

/* MD5 (16 bytes) is shorter than a 3DES key: Ka = K1 | K2[0..8]. */
static void
keys_p1_md5_3des_expands_ka(void **state)
{
	struct synth		 s;
	struct p1_keys		 k;
	struct ike_diag		 dg = IKE_DIAG_INIT;

	(void)state;
	synth_init(&s);
	assert_int_equal(keys_p1(IKE_HASH_MD5, IKE_ENC_3DES, 0, &s.in, &k,
	    &dg), IKE_OK);
	assert_int_equal(k.hlen, 16);
	assert_int_equal(k.klen, 24);
	assert_int_equal(k.blen, 8);
	assert_hex(k.skeyid, 16, "86eb6e7250602fa855b7c5c3c7d58ed8");
	assert_hex(k.skeyid_d, 16, "76f6597f8ca8985bd677afc21c3162eb");
	assert_hex(k.skeyid_a, 16, "9c8a07431d1a4797c5921f579ef9da3e");
	assert_hex(k.skeyid_e, 16, "af1b8598bd0ee5e44c383ac6d0782211");
	assert_hex(k.ka, 24,
	    "519bb7e667d19d1c8a74c878416e628887c7aa99ebf7fd3b");
	assert_hex(k.iv0, 8, "031114e400e4ee9a");
}

/* SHA1 (20 bytes) with AES-256 (32) expands; SHA2-256 does not. */
static void
keys_p1_expands_only_when_prf_is_short(void **state)
{
	struct synth		 s;
	struct p1_keys		 k;
	struct ike_diag		 dg = IKE_DIAG_INIT;

	(void)state;
	synth_init(&s);
	assert_int_equal(keys_p1(IKE_HASH_SHA1, IKE_ENC_AES, 256, &s.in, &k,
	    &dg), IKE_OK);
	assert_hex(k.skeyid_e, 20, "1db73ebbcd61e828a1a755c8d3eba8d51254b4b2");
	assert_hex(k.ka, 32, "7fcca0392025fd4679b3c4bef320f6e3"
	    "8d00fdfa6cae8125d15d2fe38d9f6055");
	assert_hex(k.iv0, 16, "5b7e0e4f6ace9041cf474a8b6f2d043a");

	assert_int_equal(keys_p1(IKE_HASH_SHA256, IKE_ENC_AES, 256, &s.in,
	    &k, &dg), IKE_OK);
	assert_hex(k.skeyid, 32, "d47ecc384203b27987f640a1380e09f0"
	    "0ec769a2483947ff1fcdd5924969cde1");
	assert_hex(k.ka, 32, "1900952cdaaccfe8d9c6eef45907cfe8"
	    "e74f7dd437083389c7278a0e8c98d516");
	assert_memory_equal(k.ka, k.skeyid_e, 32);
	assert_hex(k.iv0, 16, "21461ed758d1c510fec85dc7e61f73d7");
}

static void
keys_p1_rejects_unknown_algorithms(void **state)
{
	struct synth		 s;
	struct p1_keys		 k;
	struct ike_diag		 dg = IKE_DIAG_INIT;

	(void)state;
	synth_init(&s);
	assert_int_equal(keys_p1(3, IKE_ENC_AES, 128, &s.in, &k, &dg),
	    IKE_EUNSUPP);
	assert_non_null(strstr(dg.msg, "hash algorithm 3"));
	assert_int_equal(keys_p1(IKE_HASH_SHA1, IKE_ENC_DES, 0, &s.in, &k,
	    &dg), IKE_EUNSUPP);
	assert_non_null(strstr(dg.msg, "encryption algorithm 1"));
	assert_int_equal(keys_p1(IKE_HASH_SHA1, IKE_ENC_AES, 64, &s.in, &k,
	    &dg), IKE_EUNSUPP);
	assert_non_null(strstr(dg.msg, "64 bits"));
	assert_int_equal(keys_p1(IKE_HASH_SHA1, IKE_ENC_3DES, 128, &s.in,
	    &k, &dg), IKE_EUNSUPP);
}

/* KEYMAT without PFS, two prf blocks (Python hmac). */
static void
keymat_without_pfs_chains_blocks(void **state)
{
	struct synth		 s;
	struct p1_keys		 k;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	uint8_t			 ni[16], nr[16], km[36];

	(void)state;
	synth_init(&s);
	assert_int_equal(keys_p1(IKE_HASH_SHA1, IKE_ENC_AES, 128, &s.in, &k,
	    &dg), IKE_OK);
	assert_hex(k.skeyid_d, 20, "173ea8e893445845f61eb9e49397659a0afdbe92");
	memset(ni, 0x66, sizeof(ni));
	memset(nr, 0x77, sizeof(nr));
	assert_int_equal(keys_keymat(&k, NULL, 0, IKE_PROTO_ESP, 0x12345678,
	    ni, 16, nr, 16, km, sizeof(km)), IKE_OK);
	assert_hex(km, 36, "11b6ee47bf414e35058602ff76530c8a381a7c14"
	    "6ca15cec2ccd655a081c8f38ab313a5e");
}

/* strongSwan's rule: always 1..block bytes of zeros. */
static void
encrypt_pads_a_full_block_when_aligned(void **state)
{
	struct synth		 s;
	struct p1_keys		 k;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	struct buf		 ct = { 0 }, pt = { 0 };
	uint8_t			 plain[33], last[16], last2[16], zero[16];

	(void)state;
	synth_init(&s);
	memset(zero, 0, sizeof(zero));
	for (size_t i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)(0x80 + i);
	assert_int_equal(keys_p1(IKE_HASH_SHA1, IKE_ENC_AES, 128, &s.in, &k,
	    &dg), IKE_OK);

	/* 32 bytes (aligned) become 48: 16 zero bytes of padding. */
	assert_int_equal(keys_encrypt(&k, k.iv0, plain, 32, &ct, last),
	    IKE_OK);
	assert_int_equal(ct.len, 48);
	assert_memory_equal(last, ct.p + 32, 16);
	assert_int_equal(keys_decrypt(&k, k.iv0, ct.p, ct.len, &pt, last2,
	    &dg), IKE_OK);
	assert_int_equal(pt.len, 48);
	assert_memory_equal(pt.p, plain, 32);
	assert_memory_equal(pt.p + 32, zero, 16);
	assert_memory_equal(last2, last, 16);

	/* 33 bytes become 48: 15 zero bytes; 1 byte becomes 16. */
	assert_int_equal(keys_encrypt(&k, k.iv0, plain, 33, &ct, last),
	    IKE_OK);
	assert_int_equal(ct.len, 48);
	assert_int_equal(keys_decrypt(&k, k.iv0, ct.p, ct.len, &pt, last2,
	    &dg), IKE_OK);
	assert_memory_equal(pt.p, plain, 33);
	assert_memory_equal(pt.p + 33, zero, 15);
	assert_int_equal(keys_encrypt(&k, k.iv0, plain, 1, &ct, last),
	    IKE_OK);
	assert_int_equal(ct.len, 16);

	/* 3DES pads to its 8-byte block. */
	assert_int_equal(keys_p1(IKE_HASH_MD5, IKE_ENC_3DES, 0, &s.in, &k,
	    &dg), IKE_OK);
	assert_int_equal(keys_encrypt(&k, k.iv0, plain, 8, &ct, last),
	    IKE_OK);
	assert_int_equal(ct.len, 16);
	assert_int_equal(keys_encrypt(&k, k.iv0, plain, 9, &ct, last),
	    IKE_OK);
	assert_int_equal(ct.len, 16);
	buf_free(&ct);
	buf_free(&pt);
}

/* The IV state may be passed as both IV and LAST. */
static void
decrypt_chains_iv_in_place(void **state)
{
	struct synth		 s;
	struct p1_keys		 k;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	struct buf		 ct = { 0 }, pt = { 0 };
	uint8_t			 plain[20], last[16], iv[16];

	(void)state;
	synth_init(&s);
	memset(plain, 0x3c, sizeof(plain));
	assert_int_equal(keys_p1(IKE_HASH_SHA1, IKE_ENC_AES, 128, &s.in, &k,
	    &dg), IKE_OK);
	assert_int_equal(keys_encrypt(&k, k.iv0, plain, 20, &ct, last),
	    IKE_OK);
	memcpy(iv, k.iv0, 16);
	assert_int_equal(keys_decrypt(&k, iv, ct.p, ct.len, &pt, iv, &dg),
	    IKE_OK);
	assert_memory_equal(pt.p, plain, 20);
	assert_memory_equal(iv, last, 16);
	buf_free(&ct);
	buf_free(&pt);
}

static void
decrypt_rejects_partial_blocks(void **state)
{
	struct synth		 s;
	struct p1_keys		 k;
	struct ike_diag		 dg = IKE_DIAG_INIT;
	struct buf		 pt = { 0 };
	uint8_t			 ct[32], last[16];
	static const size_t	 bad[] = { 0, 15, 17 };

	(void)state;
	synth_init(&s);
	memset(ct, 0x42, sizeof(ct));
	assert_int_equal(keys_p1(IKE_HASH_SHA1, IKE_ENC_AES, 128, &s.in, &k,
	    &dg), IKE_OK);
	for (size_t i = 0; i < 3; i++) {
		char	 want[16];

		dg = (struct ike_diag)IKE_DIAG_INIT;
		assert_int_equal(keys_decrypt(&k, k.iv0, ct, bad[i], &pt, last,
		    &dg), IKE_EMALFORMED);
		assert_int_equal(dg.code, IKE_EMALFORMED);
		snprintf(want, sizeof(want), "of %zu bytes", bad[i]);
		assert_non_null(strstr(dg.msg, want));
		assert_non_null(strstr(dg.msg, "16-byte"));
	}
	assert_int_equal(keys_decrypt(&k, k.iv0, ct, 32, &pt, last, &dg),
	    IKE_OK);
	buf_free(&pt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(group_lengths_match_the_primes),
		cmocka_unit_test(algorithm_sizes_are_known),
		cmocka_unit_test(dh_pub_group14_matches_python),
		cmocka_unit_test(dh_pub_is_left_padded),
		cmocka_unit_test(dh_rejects_unknown_group_and_zero_private),
		cmocka_unit_test(dh_shared_is_symmetric_and_known),
		cmocka_unit_test(dh_shared_rejects_out_of_range_peer),
		cmocka_unit_test(hash_of_pieces_equals_hash_of_whole),
		cmocka_unit_test(hmac_md5_sha1_match_rfc2202),
		cmocka_unit_test(hmac_sha256_matches_rfc4231),
		cmocka_unit_test(esp_hmac_gives_full_output),
		cmocka_unit_test(aes_cbc_matches_sp800_38a),
		cmocka_unit_test(cbc_round_trips_3des_and_aes256),
		cmocka_unit_test(equal_and_wipe),
		cmocka_unit_test(appendix_b_blocks_match_reference),
		cmocka_unit_test(keys_p1_md5_3des_expands_ka),
		cmocka_unit_test(keys_p1_expands_only_when_prf_is_short),
		cmocka_unit_test(keys_p1_rejects_unknown_algorithms),
		cmocka_unit_test(keymat_without_pfs_chains_blocks),
		cmocka_unit_test(encrypt_pads_a_full_block_when_aligned),
		cmocka_unit_test(decrypt_chains_iv_in_place),
		cmocka_unit_test(decrypt_rejects_partial_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
