/*
 * test_cap.c: the capture reader (core/cap.c). Files are built byte by
 * byte here, or taken from tests/vectors/: the strongSwan capture as
 * classic pcap and the same packets converted to pcapng by Wireshark's
 * editcap ("editcap -F pcapng"), so that a second, independent writer
 * is covered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "cap.h"

#define VEC_PCAP	"tests/vectors/strongswan-aggr-quick.pcap"
#define VEC_PCAPNG	"tests/vectors/strongswan-aggr-quick.pcapng"

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
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* Little-endian appends, for files written the way x86 writes them. */
static void
add_le16(struct buf *b, uint16_t v)
{
	uint8_t	 x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	assert_int_equal(buf_add(b, x, 2), 0);
}

static void
add_le32(struct buf *b, uint32_t v)
{
	uint8_t	 x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24) };

	assert_int_equal(buf_add(b, x, 4), 0);
}

/* A little-endian classic pcap header (microseconds). */
static void
pcap_hdr(struct buf *b, uint32_t snaplen, uint32_t linktype)
{
	add_le32(b, 0xa1b2c3d4);
	add_le16(b, 2);
	add_le16(b, 4);
	add_le32(b, 0);
	add_le32(b, 0);
	add_le32(b, snaplen);
	add_le32(b, linktype);
}

static void
pcap_rec(struct buf *b, uint32_t sec, uint32_t usec, const void *data,
    uint32_t caplen, uint32_t origlen)
{
	add_le32(b, sec);
	add_le32(b, usec);
	add_le32(b, caplen);
	add_le32(b, origlen);
	assert_int_equal(buf_add(b, data, data != NULL ? caplen : 0), 0);
}

/* Read every record of P; returns the count, *RC the final code. */
static size_t
read_all(const uint8_t *p, size_t len, struct cap_rec *recs, size_t max,
    int *rc, struct ike_diag *dg)
{
	struct cap_file	 cf;
	struct cap_rec	 r;
	size_t		 n = 0;

	if ((*rc = cap_open(&cf, p, len, dg)) != IKE_OK)
		return 0;
	while ((*rc = cap_next(&cf, &r, dg)) == IKE_OK) {
		if (n < max)
			recs[n] = r;
		n++;
	}
	return n;
}

/* Rewrite the little-endian vectors file as big-endian, in place. */
static void
swap_classic(uint8_t *p, size_t len, bool nsec)
{
	size_t	 off = 24;

	/* Magic, version, zone, sigfigs, snaplen, link type. */
	static const int	 w[] = { 4, 2, 2, 4, 4, 4, 4 };
	size_t			 at = 0;

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); at += (size_t)w[i],
	    i++)
		for (int j = 0; j < w[i] / 2; j++) {
			uint8_t	 t = p[at + (size_t)j];

			p[at + (size_t)j] = p[at + (size_t)w[i] - 1 - (size_t)j];
			p[at + (size_t)w[i] - 1 - (size_t)j] = t;
		}
	if (nsec) {
		p[2] = 0x3c;	/* a1b2c3d4 -> a1b23c4d */
		p[3] = 0x4d;
	}
	while (off < len) {
		uint32_t	 v[4];

		for (int i = 0; i < 4; i++) {
			const uint8_t	*q = p + off + 4 * (size_t)i;

			v[i] = (uint32_t)q[0] | (uint32_t)q[1] << 8 |
			    (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
		}
		if (nsec)
			v[1] *= 1000;
		for (int i = 0; i < 4; i++) {
			uint8_t	*q = p + off + 4 * (size_t)i;

			q[0] = (uint8_t)(v[i] >> 24);
			q[1] = (uint8_t)(v[i] >> 16);
			q[2] = (uint8_t)(v[i] >> 8);
			q[3] = (uint8_t)v[i];
		}
		off += 16 + v[2];
	}
}

static void
assert_same_records(const struct cap_rec *a, const struct cap_rec *b,
    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(a[i].no, b[i].no);
		assert_true(a[i].ts_ns == b[i].ts_ns);
		assert_int_equal(a[i].linktype, b[i].linktype);
		assert_int_equal(a[i].caplen, b[i].caplen);
		assert_int_equal(a[i].origlen, b[i].origlen);
		assert_memory_equal(a[i].data, b[i].data, a[i].caplen);
	}
}

static void
reads_vectors_in_every_classic_flavour(void **state)
{
	struct cap_rec	 le[12], be[12], ns[12];
	struct ike_diag	 dg = IKE_DIAG_INIT;
	uint8_t		*p, *q, *r;
	size_t		 len;
	int		 rc;

	(void)state;
	p = slurp(VEC_PCAP, &len);
	q = malloc(len);
	r = malloc(len);
	assert_non_null(q);
	assert_non_null(r);
	memcpy(q, p, len);
	memcpy(r, p, len);
	swap_classic(q, len, false);
	swap_classic(r, len, true);

	assert_int_equal(read_all(p, len, le, 12, &rc, &dg), 10);
	assert_int_equal(rc, IKE_ENOENT);
	assert_int_equal(read_all(q, len, be, 12, &rc, &dg), 10);
	assert_int_equal(rc, IKE_ENOENT);
	assert_int_equal(read_all(r, len, ns, 12, &rc, &dg), 10);
	assert_int_equal(rc, IKE_ENOENT);
	assert_same_records(le, be, 10);
	assert_same_records(le, ns, 10);
	assert_true(le[1].ts_ns == 1796380986418553000ull);
	assert_int_equal(le[9].caplen, 138);
	/* Record 10's data: file end minus its 138 bytes. */
	assert_int_equal(le[9].off, len - 138);
	free(p);
	free(q);
	free(r);
}

/* editcap's pcapng (SHB with options, IDB, EPBs) gives the same frames. */
static void
reads_editcap_pcapng_like_the_pcap(void **state)
{
	struct cap_rec	 a[12], b[12];
	struct ike_diag	 dg = IKE_DIAG_INIT;
	uint8_t		*p, *q;
	size_t		 plen, qlen;
	int		 rc;

	(void)state;
	p = slurp(VEC_PCAP, &plen);
	q = slurp(VEC_PCAPNG, &qlen);
	assert_int_equal(read_all(p, plen, a, 12, &rc, &dg), 10);
	assert_int_equal(read_all(q, qlen, b, 12, &rc, &dg), 10);
	assert_int_equal(rc, IKE_ENOENT);
	assert_same_records(a, b, 10);
	free(p);
	free(q);
}

/* pcapng block: type, length, BODY (padded to 4), length again. */
static void
ng_blk(struct buf *b, uint32_t type, const struct buf *body)
{
	uint32_t	 len = (uint32_t)(12 + (body->len + 3) / 4 * 4);

	add_le32(b, type);
	add_le32(b, len);
	assert_int_equal(buf_add(b, body->p, body->len), 0);
	assert_int_equal(buf_add(b, NULL, (4 - body->len % 4) % 4), 0);
	add_le32(b, len);
}

static void
ng_shb(struct buf *f)
{
	struct buf	 b = { 0 };

	add_le32(&b, 0x1a2b3c4d);
	add_le16(&b, 1);
	add_le16(&b, 0);
	add_le32(&b, 0xffffffff);
	add_le32(&b, 0xffffffff);
	ng_blk(f, 0x0a0d0d0a, &b);
	buf_free(&b);
}

/* IDB for LINKTYPE; TSRESOL < 0 means no if_tsresol option. */
static void
ng_idb(struct buf *f, uint16_t linktype, uint32_t snaplen, int tsresol)
{
	struct buf	 b = { 0 };

	add_le16(&b, linktype);
	add_le16(&b, 0);
	add_le32(&b, snaplen);
	if (tsresol >= 0) {
		add_le16(&b, 9);
		add_le16(&b, 1);
		assert_int_equal(buf_add_u8(&b, (uint8_t)tsresol), 0);
		assert_int_equal(buf_add(&b, NULL, 3), 0);
		add_le16(&b, 0);
		add_le16(&b, 0);
	}
	ng_blk(f, 1, &b);
	buf_free(&b);
}

static void
ng_epb(struct buf *f, uint32_t ifid, uint64_t ts, const void *data,
    uint32_t caplen)
{
	struct buf	 b = { 0 };

	add_le32(&b, ifid);
	add_le32(&b, (uint32_t)(ts >> 32));
	add_le32(&b, (uint32_t)ts);
	add_le32(&b, caplen);
	add_le32(&b, caplen);
	assert_int_equal(buf_add(&b, data, caplen), 0);
	ng_blk(f, 6, &b);
	buf_free(&b);
}

/* Resolutions, interface switching, SPB, skipped blocks. */
static void
pcapng_blocks_and_resolutions(void **state)
{
	struct buf	 f = { 0 }, b = { 0 };
	struct cap_rec	 r[8];
	struct ike_diag	 dg = IKE_DIAG_INIT;
	int		 rc;

	(void)state;
	ng_shb(&f);
	ng_idb(&f, 1, 0, -1);		/* microseconds */
	ng_idb(&f, 228, 100, 9);	/* nanoseconds, raw IPv4 */
	ng_idb(&f, 113, 0, 0x80 | 20);	/* 2^-20 s */
	ng_epb(&f, 0, 1500000ull, "abc", 3);
	ng_epb(&f, 1, 2000000007ull, "defgh", 5);
	ng_epb(&f, 2, (3ull << 20) | (1u << 19), "i", 1);
	assert_int_equal(buf_add(&b, "xxxxxxxx", 8), 0);
	ng_blk(&f, 0x00000005, &b);	/* interface statistics: skipped */
	b.len = 0;
	add_le32(&b, 4);		/* SPB: original length 4 */
	assert_int_equal(buf_add(&b, "wxyz", 4), 0);
	ng_blk(&f, 3, &b);

	assert_int_equal(read_all(f.p, f.len, r, 8, &rc, &dg), 4);
	assert_int_equal(rc, IKE_ENOENT);
	assert_true(r[0].ts_ns == 1500000000ull);
	assert_int_equal(r[0].linktype, 1);
	assert_memory_equal(r[0].data, "abc", 3);
	assert_true(r[1].ts_ns == 2000000007ull);
	assert_int_equal(r[1].linktype, 228);
	assert_true(r[2].ts_ns == 3500000000ull);
	assert_int_equal(r[2].linktype, 113);
	assert_int_equal(r[3].no, 4);
	assert_int_equal(r[3].linktype, 1);	/* SPB: interface 0 */
	assert_int_equal(r[3].caplen, 4);
	assert_memory_equal(r[3].data, "wxyz", 4);
	assert_true(r[3].ts_ns == 0);
	buf_free(&f);
	buf_free(&b);
}

/* Expect reading P to fail with CODE and exactly message MSG. */
static void
expect_error(const struct buf *p, int code, const char *msg)
{
	struct cap_rec	 r[4];
	struct ike_diag	 dg = IKE_DIAG_INIT;
	int		 rc;

	read_all(p->p, p->len, r, 4, &rc, &dg);
	assert_int_equal(rc, code);
	assert_int_equal(dg.code, code);
	assert_string_equal(dg.msg, msg);
}

static void
classic_errors_name_record_and_offset(void **state)
{
	struct buf	 f = { 0 };
	uint8_t		 data[64] = { 0 };

	(void)state;
	pcap_hdr(&f, 65535, 1);
	pcap_rec(&f, 1, 0, data, 10, 10);
	pcap_rec(&f, 2, 0, NULL, 70000, 70000);
	expect_error(&f, IKE_EMALFORMED, "record 2 at offset 58: captured "
	    "length 70000 exceeds snapshot length 65535");

	f.len = 0;
	pcap_hdr(&f, 0, 1);
	pcap_rec(&f, 1, 0, NULL, 300000, 300000);
	expect_error(&f, IKE_ELIMIT, "record 1 at offset 32: captured length "
	    "300000 exceeds ikelab's limit of 262144 bytes");

	f.len = 0;
	pcap_hdr(&f, 65535, 1);
	pcap_rec(&f, 1, 0, data, 10, 10);
	pcap_rec(&f, 1, 0, data, 64, 64);
	f.len -= 1;
	expect_error(&f, IKE_ESHORT, "record 2 at offset 58: captured length "
	    "64 but only 63 bytes left in the file");
	f.len = 24 + 26 + 7;
	expect_error(&f, IKE_ESHORT, "record 2 at offset 50: file ends inside "
	    "the 16-byte record header (7 bytes left)");

	f.len = 0;
	pcap_hdr(&f, 65535, 1);
	pcap_rec(&f, 1, 1000000, data, 10, 10);
	expect_error(&f, IKE_EMALFORMED, "record 1 at offset 28: fraction of "
	    "a second 1000000 is too large");

	f.len = 10;
	expect_error(&f, IKE_ESHORT, "file header at offset 0: pcap file "
	    "header needs 24 bytes, file has 10");
	f.len = 0;
	add_le32(&f, 0x12345678);
	expect_error(&f, IKE_EUNSUPP, "file header at offset 0: magic "
	    "0x78563412 is neither pcap nor pcapng");
	buf_free(&f);
}

static void
pcapng_errors_name_record_and_offset(void **state)
{
	struct buf	 f = { 0 };
	size_t		 at;

	(void)state;
	ng_shb(&f);		/* 28 bytes */
	ng_epb(&f, 0, 0, "abcd", 4);
	expect_error(&f, IKE_EMALFORMED, "record 1 at offset 36: interface 0 "
	    "was not described (0 known)");

	f.len = 0;
	ng_shb(&f);
	ng_idb(&f, 1, 2, -1);	/* 20 bytes */
	ng_epb(&f, 0, 0, "abcd", 4);
	expect_error(&f, IKE_EMALFORMED, "record 1 at offset 68: captured "
	    "length 4 exceeds snapshot length 2");

	f.len = 0;
	ng_shb(&f);
	ng_idb(&f, 1, 0, -1);
	at = f.len;
	ng_epb(&f, 0, 0, "abcd", 4);
	f.p[f.len - 1] = 9;	/* trailing length differs */
	expect_error(&f, IKE_EMALFORMED, "record 1 at offset 80: trailing "
	    "block length 150994980 differs from leading 36");
	f.p[at + 4] = 37;
	expect_error(&f, IKE_EMALFORMED, "record 1 at offset 52: block length "
	    "37 is not a multiple of 4 of at least 12");
	f.p[at + 4] = 40;
	expect_error(&f, IKE_ESHORT, "record 1 at offset 52: block length 40 "
	    "but only 36 bytes left in the file");
	f.len = at + 5;
	expect_error(&f, IKE_ESHORT, "record 1 at offset 48: file ends inside "
	    "a pcapng block header (5 bytes left)");

	f.len = 0;
	ng_shb(&f);
	f.p[8] = 0x4e;
	expect_error(&f, IKE_EMALFORMED, "record 1 at offset 8: section "
	    "header has byte-order magic 0x4e3c2b1a");
	buf_free(&f);
}

/* Every prefix of both vector files: records or a clean error, no crash. */
static void
truncated_files_fail_cleanly(void **state)
{
	static const char	*files[] = { VEC_PCAP, VEC_PCAPNG };

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		size_t		 len, full;
		uint8_t		*p = slurp(files[k], &full);

		for (len = 0; len < full; len++) {
			struct cap_rec	 r[12];
			struct ike_diag	 dg = IKE_DIAG_INIT;
			uint8_t		*cut = malloc(len + 1);
			size_t		 n;
			int		 rc;

			assert_non_null(cut);
			memcpy(cut, p, len);
			n = read_all(cut, len, r, 12, &rc, &dg);
			assert_true(n < 10);
			if (rc != IKE_ENOENT) {
				assert_int_equal(rc, dg.code);
				assert_non_null(strstr(dg.msg, " at offset "));
			}
			for (size_t i = 0; i < n && i < 12; i++)
				assert_true(r[i].off + r[i].caplen <= len);
			free(cut);
		}
		free(p);
	}
}

/* An IPv4/UDP packet from 10.0.0.1 to 10.0.0.2 with PAYLOAD. */
static void
ipv4_udp(struct buf *b, uint16_t sport, uint16_t dport, const void *pl,
    size_t len)
{
	uint8_t	 ip[20] = { 0x45, 0, 0, 0, 0, 1, 0, 0, 64, 17, 0, 0,
	    10, 0, 0, 1, 10, 0, 0, 2 };

	buf_put_u16(&(struct buf){ ip, 20, 20 }, 2, (uint16_t)(28 + len));
	assert_int_equal(buf_add(b, ip, 20), 0);
	assert_int_equal(buf_add_u16(b, sport), 0);
	assert_int_equal(buf_add_u16(b, dport), 0);
	assert_int_equal(buf_add_u16(b, (uint16_t)(8 + len)), 0);
	assert_int_equal(buf_add_u16(b, 0), 0);
	assert_int_equal(buf_add(b, pl, len), 0);
}

static int
decode(const struct buf *frame, uint32_t linktype, struct cap_pkt *pkt,
    struct ike_diag *dg)
{
	struct cap_rec	 r = { .no = 7, .linktype = linktype,
	    .data = frame->p, .caplen = frame->len, .origlen = frame->len,
	    .off = 1000 };

	return cap_decode(&r, pkt, dg);
}

static void
decode_finds_ike_esp_and_keepalives(void **state)
{
	struct buf	 f = { 0 };
	struct cap_pkt	 p;
	struct ike_diag	 dg = IKE_DIAG_INIT;
	static const uint8_t sll[16] = { 0, 0, 0, 1, 0, 6, [14] = 8, [15] = 0 };
	static const uint8_t eth_vlan[18] = { [12] = 0x81, [13] = 0,
	    [16] = 8, [17] = 0 };
	static const uint8_t nonesp[8] = { 0, 0, 0, 0, 'i', 'k', 'e', '!' };
	static const uint8_t esp[8] = { 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1 };

	(void)state;
	/* Linux cooked, UDP 500. */
	assert_int_equal(buf_add(&f, sll, 16), 0);
	ipv4_udp(&f, 500, 500, "hello", 5);
	assert_int_equal(decode(&f, CAP_LINK_LINUX_SLL, &p, &dg), IKE_OK);
	assert_int_equal(p.kind, CAP_IKE);
	assert_false(p.natt);
	assert_int_equal(p.len, 5);
	assert_int_equal(p.off, 1000 + 16 + 28);
	assert_memory_equal(p.data, "hello", 5);
	assert_memory_equal(p.src, "\x0a\0\0\x01", 4);

	/* VLAN-tagged Ethernet, UDP 4500 with the non-ESP marker. */
	f.len = 0;
	assert_int_equal(buf_add(&f, eth_vlan, 18), 0);
	ipv4_udp(&f, 4500, 4500, nonesp, 8);
	assert_int_equal(decode(&f, CAP_LINK_ETHERNET, &p, &dg), IKE_OK);
	assert_int_equal(p.kind, CAP_IKE);
	assert_true(p.natt);
	assert_int_equal(p.len, 4);
	assert_int_equal(p.off, 1000 + 18 + 28 + 4);

	/* Raw IPv4, ESP in UDP and a keepalive. */
	f.len = 0;
	ipv4_udp(&f, 4500, 4500, esp, 8);
	assert_int_equal(decode(&f, CAP_LINK_RAW, &p, &dg), IKE_OK);
	assert_int_equal(p.kind, CAP_ESP);
	assert_int_equal(p.len, 8);
	f.len = 0;
	ipv4_udp(&f, 4500, 4500, "\xff", 1);
	assert_int_equal(decode(&f, CAP_LINK_IPV4, &p, &dg), IKE_OK);
	assert_int_equal(p.kind, CAP_KEEPALIVE);

	/* Other UDP; IP protocol 50; a fragment. */
	f.len = 0;
	ipv4_udp(&f, 53, 1234, "dns", 3);
	assert_int_equal(decode(&f, CAP_LINK_IPV4, &p, &dg), IKE_OK);
	assert_int_equal(p.kind, CAP_UDP);
	assert_int_equal(p.sport, 53);
	f.p[9] = 50;
	assert_int_equal(decode(&f, CAP_LINK_IPV4, &p, &dg), IKE_OK);
	assert_int_equal(p.kind, CAP_ESP);
	assert_int_equal(p.len, 11);
	f.p[6] = 0x20;		/* more fragments */
	assert_int_equal(decode(&f, CAP_LINK_IPV4, &p, &dg), IKE_OK);
	assert_int_equal(p.kind, CAP_FRAGMENT);

	/* IPv6 over Ethernet, an unknown link type: not looked into. */
	f.len = 0;
	assert_int_equal(buf_add(&f, eth_vlan, 14), 0);
	f.p[12] = 0x86;
	f.p[13] = 0xdd;
	ipv4_udp(&f, 500, 500, "x", 1);
	assert_int_equal(decode(&f, CAP_LINK_ETHERNET, &p, &dg), IKE_OK);
	assert_int_equal(p.kind, CAP_NOT_IPV4);
	assert_int_equal(decode(&f, 147, &p, &dg), IKE_OK);
	assert_int_equal(p.kind, CAP_NOT_IPV4);
	buf_free(&f);
}

static void
decode_errors_name_record_and_offset(void **state)
{
	struct buf	 f = { 0 };
	struct cap_pkt	 p;
	struct ike_diag	 dg = IKE_DIAG_INIT;

	(void)state;
	ipv4_udp(&f, 4500, 4500, "\0\0", 2);
	assert_int_equal(decode(&f, CAP_LINK_IPV4, &p, &dg), IKE_EMALFORMED);
	assert_string_equal(dg.msg, "record 7 at offset 1028: UDP 4500 "
	    "payload of 2 bytes is shorter than the 4-byte non-ESP marker");

	f.len -= 1;		/* IP total length now exceeds the frame */
	assert_int_equal(decode(&f, CAP_LINK_IPV4, &p, &dg), IKE_ESHORT);
	assert_string_equal(dg.msg, "record 7 at offset 1002: IPv4 total "
	    "length 30 but only 29 bytes captured");

	f.len += 1;
	f.p[25] = 40;		/* UDP length 40 > 10 */
	assert_int_equal(decode(&f, CAP_LINK_IPV4, &p, &dg), IKE_EMALFORMED);
	assert_string_equal(dg.msg, "record 7 at offset 1024: UDP length 40 "
	    "does not fit the 10 bytes after the IPv4 header");

	f.p[0] = 0x44;
	assert_int_equal(decode(&f, CAP_LINK_IPV4, &p, &dg), IKE_EMALFORMED);
	assert_string_equal(dg.msg, "record 7 at offset 1000: IPv4 "
	    "version/header length byte 0x44 is invalid");

	f.len = 13;
	assert_int_equal(decode(&f, CAP_LINK_ETHERNET, &p, &dg), IKE_ESHORT);
	assert_string_equal(dg.msg, "record 7 at offset 1000: frame of 13 "
	    "bytes ends inside its link-layer header (type 1)");
	buf_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_vectors_in_every_classic_flavour),
		cmocka_unit_test(reads_editcap_pcapng_like_the_pcap),
		cmocka_unit_test(pcapng_blocks_and_resolutions),
		cmocka_unit_test(classic_errors_name_record_and_offset),
		cmocka_unit_test(pcapng_errors_name_record_and_offset),
		cmocka_unit_test(truncated_files_fail_cleanly),
		cmocka_unit_test(decode_finds_ike_esp_and_keepalives),
		cmocka_unit_test(decode_errors_name_record_and_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
