/*
 * export.c: key tables for Wireshark, the secrets file, the psk-crack
 * file, and the careful file writing that every export shares (a
 * temporary file next to the target, then rename). The capture is
 * built in pcapng.c. export.h describes each format.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"

#define EXPORT_MAX_FILES	4

/* Append formatted text to B. */
static int IKE_PRINTF(2, 3)
bprintf(struct buf *b, const char *fmt, ...)
{
	char	 small[256], *t = small;
	va_list	 ap;
	int	 n, rc;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return IKE_ENOMEM;
	if ((size_t)n >= sizeof(small)) {
		if ((t = malloc((size_t)n + 1)) == NULL)
			return IKE_ENOMEM;
		va_start(ap, fmt);
		(void)vsnprintf(t, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	rc = buf_add(b, t, (size_t)n);
	if (t != small)
		free(t);
	return rc;
}

/* Append N bytes as lower-case hex digits. */
static int
bhex(struct buf *b, const uint8_t *p, size_t n)
{
	static const char	 dig[] = "0123456789abcdef";
	char			 two[2];
	size_t			 k;

	for (k = 0; k < n; k++) {
		two[0] = dig[p[k] >> 4];
		two[1] = dig[p[k] & 15];
		if (buf_add(b, two, 2))
			return IKE_ENOMEM;
	}
	return IKE_OK;
}

/* "LABEL<TAB>hex\n" */
static int
bline(struct buf *b, const char *label, const uint8_t *p, size_t n)
{
	if (bprintf(b, "%s\t", label) || bhex(b, p, n) ||
	    buf_add(b, "\n", 1))
		return IKE_ENOMEM;
	return IKE_OK;
}

static int
nomem(char *err, size_t errlen)
{
	snprintf(err, errlen, "out of memory");
	return IKE_ENOMEM;
}

/* Write all of P to FD. */
static int
write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Move the finished temporary TMP to PATH. Without FORCE, link(2)
 * fails if PATH exists, so an existing file is never replaced, even
 * one that appeared after the first check. Where hard links are not
 * supported, the name is reserved with O_CREAT|O_EXCL, then replaced.
 */
static int
put_in_place(const char *tmp, const char *path, bool force, mode_t mode)
{
	int	fd;

	if (force)
		return rename(tmp, path);
	if (link(tmp, path) == 0) {
		(void)unlink(tmp);
		return 0;
	}
	if (errno == EEXIST)
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)) < 0)
		return -1;
	(void)close(fd);
	if (rename(tmp, path) != 0) {
		(void)unlink(path);
		return -1;
	}
	return 0;
}

/* Say why PATH could not be written, from errno value E. */
static int
file_err(const char *path, int e, char *err, size_t errlen)
{
	if (e == EEXIST)
		snprintf(err, errlen, "%s exists; use --force to overwrite",
		    path);
	else
		snprintf(err, errlen, "cannot write %s: %s", path,
		    strerror(e));
	return IKE_ENOENT;
}

/* Write DATA into a new temporary next to PATH; its name into TMP. */
static int
write_tmp(const char *path, const struct buf *data, mode_t mode,
    char **tmp, int *e)
{
	int	fd;

	*e = 0;
	if ((*tmp = malloc(strlen(path) + sizeof(".XXXXXX"))) == NULL) {
		*e = ENOMEM;
		return -1;
	}
	snprintf(*tmp, strlen(path) + sizeof(".XXXXXX"), "%s.XXXXXX", path);
	if ((fd = mkstemp(*tmp)) < 0) {
		*e = errno;
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	if (fchmod(fd, mode) != 0 || write_all(fd, data->p, data->len) ||
	    fsync(fd) != 0) {
		*e = errno;
		(void)close(fd);
		goto fail;
	}
	if (close(fd) != 0) {
		*e = errno;
		goto fail;
	}
	return 0;
fail:
	(void)unlink(*tmp);
	free(*tmp);
	*tmp = NULL;
	return -1;
}

int
export_write_files(const char *const *paths,
    const struct buf *const *data, size_t nfiles, bool secret, bool force,
    char *err, size_t errlen)
{
	char		*tmp[EXPORT_MAX_FILES] = { NULL };
	struct stat	 st;
	mode_t		 mode, um;
	size_t		 k, done = 0;
	int		 e = 0, rc = IKE_OK;

	if (nfiles > EXPORT_MAX_FILES) {
		snprintf(err, errlen, "too many files at once");
		return IKE_ELIMIT;
	}
	for (k = 0; k < nfiles; k++) {
		if (lstat(paths[k], &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			size_t	n = strlen(paths[k]);

			snprintf(err, errlen, "%s is a directory; give a "
			    "file name (e.g. %s%sFILE)", paths[k], paths[k],
			    n > 0 && paths[k][n - 1] == '/' ? "" : "/");
			return IKE_ENOENT;
		}
		if (!force)
			return file_err(paths[k], EEXIST, err, errlen);
	}
	um = umask(0);
	(void)umask(um);
	mode = secret ? 0600 : 0666 & ~um;
	for (k = 0; k < nfiles; k++)
		if (write_tmp(paths[k], data[k], mode, &tmp[k], &e) != 0) {
			rc = file_err(paths[k], e, err, errlen);
			goto out;
		}
	for (done = 0; done < nfiles; done++)
		if (put_in_place(tmp[done], paths[done], force, mode) != 0) {
			rc = file_err(paths[done], errno, err, errlen);
			break;
		}
	/*
	 * All or none: files this call created are removed again. (With
	 * FORCE an earlier file has already been replaced; it is kept.)
	 */
	if (rc != IKE_OK && !force)
		for (k = 0; k < done; k++)
			(void)unlink(paths[k]);
out:
	for (k = 0; k < nfiles; k++) {
		if (tmp[k] != NULL) {
			(void)unlink(tmp[k]);
			free(tmp[k]);
		}
	}
	return rc;
}

/*
 * The phase 1 SAs to export: the initiator's, and the responder's
 * when it has keys for another initiator cookie. Returns how many.
 */
static size_t
p1_list(const struct sess *s, const struct p1sa *out[2])
{
	const struct p1sa	*i = &s->peer[PEER_I].p1;
	const struct p1sa	*r = &s->peer[PEER_R].p1;
	size_t			 n = 0;

	if (i->has_keys)
		out[n++] = i;
	if (r->has_keys && (n == 0 ||
	    memcmp(r->icookie, i->icookie, IKE_COOKIE_LEN) != 0))
		out[n++] = r;
	return n;
}

static const char *
esp_enc_name(const struct p2_prop *p)
{
	return p->esp_id == IKE_ESP_3DES ? "TripleDES-CBC [RFC2451]" :
	    "AES-CBC [RFC3602]";
}

static const char *
esp_auth_name(const struct p2_prop *p)
{
	switch (p->auth) {
	case IKE_ESP_AUTH_MD5:
		return "HMAC-MD5-96 [RFC2403]";
	case IKE_ESP_AUTH_SHA256:
		return "HMAC-SHA-256-128 [RFC4868]";
	default:
		return "HMAC-SHA-1-96 [RFC2404]";
	}
}

/* Bytes of encryption key at the start of an ESP KEYMAT. */
static size_t
esp_enc_len(const struct p2_prop *p)
{
	return p->esp_id == IKE_ESP_3DES ? 24 : (size_t)p->keylen / 8;
}

/* One esp_sa line: SRC -> DST, SPI, KEYMAT split into its two keys. */
static int
esp_line(struct buf *b, uint32_t src, uint32_t dst, uint32_t spi,
    const struct p2_prop *p, const struct buf *km)
{
	size_t	el = esp_enc_len(p);

	if (el > km->len)
		el = km->len;
	if (bprintf(b, "\"IPv4\",\"%u.%u.%u.%u\",\"%u.%u.%u.%u\","
	    "\"0x%08" PRIx32 "\",\"%s\",\"0x", src >> 24, src >> 16 & 0xff,
	    src >> 8 & 0xff, src & 0xff, dst >> 24, dst >> 16 & 0xff,
	    dst >> 8 & 0xff, dst & 0xff, spi, esp_enc_name(p)) ||
	    bhex(b, km->p, el) ||
	    bprintf(b, "\",\"%s\",\"0x", esp_auth_name(p)) ||
	    bhex(b, km->p + el, km->len - el) || bprintf(b, "\"\n"))
		return IKE_ENOMEM;
	return IKE_OK;
}

static bool
qm_done(const struct qmx *q)
{
	return (q->st == QM_I_DONE || q->st == QM_R_DONE) &&
	    q->keymat_ir.len > 0 && q->keymat_ri.len > 0;
}

int
export_keys_buf(const struct sess *s, struct buf *keys, struct buf *esp,
    char *err, size_t errlen)
{
	const struct peer	*pi = &s->peer[PEER_I];
	const struct p1sa	*sa[2];
	const struct qmx	*q;
	uint32_t		 ia = pi->cfg.addr;
	uint32_t		 ra = s->peer[PEER_R].cfg.addr;
	size_t			 n, k;

	if ((n = p1_list(s, sa)) == 0) {
		snprintf(err, errlen, "no phase 1 keys yet (they exist once "
		    "AG2 is processed): nothing written");
		return IKE_ESTATE;
	}
	for (k = 0; k < n; k++)
		if (bhex(keys, sa[k]->icookie, IKE_COOKIE_LEN) ||
		    buf_add(keys, ",", 1) ||
		    bhex(keys, sa[k]->keys.ka, sa[k]->keys.klen) ||
		    buf_add(keys, "\n", 1))
			return nomem(err, errlen);
	for (k = 0; k < pi->nqm; k++) {
		q = &pi->qm[k];
		if (!qm_done(q))
			continue;
		if (esp_line(esp, ia, ra, q->spi_r, &q->chosen,
		    &q->keymat_ir) ||
		    esp_line(esp, ra, ia, q->spi_i, &q->chosen,
		    &q->keymat_ri))
			return nomem(err, errlen);
	}
	return IKE_OK;
}

int
export_keys(const struct sess *s, const char *path, bool force, char *err,
    size_t errlen)
{
	struct buf		 keys = { NULL, 0, 0 }, esp = { NULL, 0, 0 };
	const struct buf	*data[2] = { &keys, &esp };
	const char		*paths[2] = { path, NULL };
	char			*esp_path;
	int			 rc;

	if ((esp_path = malloc(strlen(path) + sizeof(".esp_sa"))) == NULL)
		return nomem(err, errlen);
	snprintf(esp_path, strlen(path) + sizeof(".esp_sa"), "%s.esp_sa",
	    path);
	paths[1] = esp_path;
	rc = export_keys_buf(s, &keys, &esp, err, errlen);
	if (rc == IKE_OK)
		rc = export_write_files(paths, data, 2, true, force, err,
		    errlen);
	buf_free(&keys);
	buf_free(&esp);
	free(esp_path);
	return rc;
}

/* The header of a packet that parses, or false. */
static bool
pkt_hdr(const struct pkt *pk, struct pld_hdr *h)
{
	return pld_hdr_parse(pk->bytes.p, pk->bytes.len, h, NULL) == IKE_OK;
}

/* Is PK message number NUM (1, 2, 3) of Quick Mode MSGID? */
static bool
is_qm_msg(const struct pkt *pk, uint32_t msgid, int num)
{
	struct pld_hdr	h;

	if (pk->corrupted || pk->injected || strncmp(pk->label, "QM", 2) ||
	    pk->label[2] != (char)('0' + num) || !pkt_hdr(pk, &h))
		return false;
	return h.exch == IKE_EXCH_QUICK && h.msgid == msgid &&
	    pk->from == (num == 2 ? PEER_R : PEER_I) &&
	    pk->bytes.len >= IKE_HDR_LEN + CRYPTO_MAX_BLOCK;
}

/* The first copy of Quick Mode message NUM of MSGID on the link. */
static const struct pkt *
qm_find(const struct sess *s, uint32_t msgid, int num)
{
	size_t	k;

	for (k = 0; k < s->npkt; k++)
		if (is_qm_msg(&s->pkts[k], msgid, num))
			return &s->pkts[k];
	return NULL;
}

/*
 * The IVs of a Quick Mode's messages: QM1's from phase 1's last block
 * and the message ID; QM2's and QM3's are the last ciphertext block of
 * the message before, written when that message is on the link.
 */
static int
qm_ivs(const struct sess *s, const struct p1sa *sa, const struct qmx *q,
    struct buf *b)
{
	const struct pkt	*prev, *pk;
	uint8_t			 iv[CRYPTO_MAX_BLOCK];
	size_t			 bl = sa->keys.blen;
	int			 num;

	if (keys_exch_iv(&sa->keys, sa->last_block, q->msgid, iv) ||
	    bline(b, "qm_iv", iv, bl))
		return IKE_ENOMEM;
	for (num = 2; num <= 3; num++) {
		prev = qm_find(s, q->msgid, num - 1);
		pk = qm_find(s, q->msgid, num);
		if (prev == NULL || pk == NULL)
			break;
		if (bline(b, "qm_iv", prev->bytes.p + prev->bytes.len - bl,
		    bl))
			return IKE_ENOMEM;
	}
	return IKE_OK;
}

static int
secrets_p1(struct buf *b, const struct p1sa *sa, char who)
{
	const struct p1_keys	*k = &sa->keys;

	if (bprintf(b, "# phase 1 as the %s computed it (instance %d)\n",
	    who == 'i' ? "initiator" : "responder", sa->inst) ||
	    bline(b, "icookie", sa->icookie, IKE_COOKIE_LEN) ||
	    bline(b, "rcookie", sa->rcookie, IKE_COOKIE_LEN) ||
	    bline(b, "gxi", sa->gxi, sa->glen) ||
	    bline(b, "gxr", sa->gxr, sa->glen) ||
	    bline(b, "gxy", sa->gxy, sa->glen) ||
	    bline(b, "ni", sa->ni.p, sa->ni.len) ||
	    bline(b, "nr", sa->nr.p, sa->nr.len) ||
	    bline(b, "skeyid", k->skeyid, k->hlen) ||
	    bline(b, "skeyid_d", k->skeyid_d, k->hlen) ||
	    bline(b, "skeyid_a", k->skeyid_a, k->hlen) ||
	    bline(b, "skeyid_e", k->skeyid_e, k->hlen) ||
	    bline(b, "ka", k->ka, k->klen) ||
	    bline(b, "iv0", k->iv0, k->blen) ||
	    bline(b, "p1_lastblock", sa->last_block, k->blen))
		return IKE_ENOMEM;
	return IKE_OK;
}

int
export_secrets_buf(const struct sess *s, struct buf *b, char *err,
    size_t errlen)
{
	const struct peer	*pi = &s->peer[PEER_I];
	const struct p1sa	*sa[2];
	const struct qmx	*q;
	size_t			 n, k;

	if ((n = p1_list(s, sa)) == 0) {
		snprintf(err, errlen, "no phase 1 keys yet (they exist once "
		    "AG2 is processed): nothing written");
		return IKE_ESTATE;
	}
	if (bprintf(b, "# ikelab secrets, seed %" PRIu64 ": label<TAB>hex; "
	    "keep this file private\n", s->seed))
		return nomem(err, errlen);
	for (k = 0; k < n; k++)
		if (secrets_p1(b, sa[k], sa[k] == &pi->p1 ? 'i' : 'r'))
			return nomem(err, errlen);
	if (sa[0] != &pi->p1)
		return IKE_OK;
	for (k = 0; k < pi->nqm; k++) {
		q = &pi->qm[k];
		if (bprintf(b, "# Quick Mode %d, state %s; qm_iv: the IV of "
		    "QM1, QM2, QM3 as far as they were sent\n", q->inst,
		    sess_qm_state_name(q->st)) ||
		    bprintf(b, "qm_msgid\t%08" PRIx32 "\n", q->msgid) ||
		    qm_ivs(s, sa[0], q, b))
			return nomem(err, errlen);
		if (!qm_done(q))
			continue;
		/* With PFS, KEYMAT also hashes the Quick Mode DH secret. */
		if (q->chosen.group != 0 && q->gqlen > 0 &&
		    (bprintf(b, "# PFS: the Quick Mode Diffie-Hellman secret "
		    "g(qm)^xy (group %u)\n", q->chosen.group) ||
		    bline(b, "gqm", q->gqm, q->gqlen)))
			return nomem(err, errlen);
		if (bprintf(b, "# ESP initiator to responder; KEYMAT is the "
		    "encryption key (%zu bytes), then the integrity key\n",
		    esp_enc_len(&q->chosen)) ||
		    bprintf(b, "spi_ir\t%08" PRIx32 "\n", q->spi_r) ||
		    bline(b, "keymat_ir", q->keymat_ir.p, q->keymat_ir.len) ||
		    bprintf(b, "# ESP responder to initiator\n") ||
		    bprintf(b, "spi_ri\t%08" PRIx32 "\n", q->spi_i) ||
		    bline(b, "keymat_ri", q->keymat_ri.p, q->keymat_ri.len))
			return nomem(err, errlen);
	}
	return IKE_OK;
}

int
export_secrets(const struct sess *s, const char *path, bool force,
    char *err, size_t errlen)
{
	struct buf		 b = { NULL, 0, 0 };
	const struct buf	*data[1] = { &b };
	const char		*paths[1] = { path };
	int			 rc;

	rc = export_secrets_buf(s, &b, err, errlen);
	if (rc == IKE_OK)
		rc = export_write_files(paths, data, 1, true, force, err,
		    errlen);
	buf_free(&b);
	return rc;
}

/* The payloads of an Aggressive Mode message that psk-crack needs. */
struct am_msg {
	struct pld_hdr		 h;
	struct pld_chain	 c;
	const struct pld_ref	*sa, *ke, *nonce, *id, *hash;
};

/*
 * Parse PK as a clear Aggressive Mode message from FROM with SA, KE,
 * nonce and ID (and HASH when NEED_HASH). Corrupted and injected
 * packets are not what the peers exchanged and are passed over.
 */
static bool
am_parse(const struct pkt *pk, int from, bool need_hash, struct am_msg *m)
{
	if (pk->from != from || pk->corrupted || pk->injected ||
	    !pkt_hdr(pk, &m->h) || m->h.exch != IKE_EXCH_AGGRESSIVE ||
	    (m->h.flags & IKE_FLAG_ENC) != 0)
		return false;
	if (pld_chain_parse(pk->bytes.p + IKE_HDR_LEN,
	    pk->bytes.len - IKE_HDR_LEN, IKE_HDR_LEN, m->h.next, &m->c,
	    NULL) != IKE_OK)
		return false;
	m->sa = pld_find(&m->c, IKE_PLD_SA);
	m->ke = pld_find(&m->c, IKE_PLD_KE);
	m->nonce = pld_find(&m->c, IKE_PLD_NONCE);
	m->id = pld_find(&m->c, IKE_PLD_ID);
	m->hash = pld_find(&m->c, IKE_PLD_HASH);
	return m->sa != NULL && m->ke != NULL && m->nonce != NULL &&
	    m->id != NULL && (!need_hash || m->hash != NULL);
}

static const char *
prf_name(size_t hlen)
{
	switch (hlen) {
	case 16:
		return "MD5";
	case 20:
		return "SHA-1";
	case 32:
		return "SHA2-256";
	case 48:
		return "SHA2-384";
	case 64:
		return "SHA2-512";
	default:
		return "an unknown hash";
	}
}

static int
ref_hex(struct buf *b, const struct pld_ref *r, bool colon)
{
	if (bhex(b, r->body, r->body_len) || (colon && buf_add(b, ":", 1)))
		return IKE_ENOMEM;
	return IKE_OK;
}

/* One psk-crack line from AG1 (A1) and AG2 (A2). */
static int
psk_line(struct buf *b, const struct am_msg *a1, const struct am_msg *a2)
{
	if (ref_hex(b, a2->ke, true) || ref_hex(b, a1->ke, true) ||
	    bhex(b, a2->h.rcookie, IKE_COOKIE_LEN) || buf_add(b, ":", 1) ||
	    bhex(b, a2->h.icookie, IKE_COOKIE_LEN) || buf_add(b, ":", 1) ||
	    ref_hex(b, a1->sa, true) || ref_hex(b, a2->id, true) ||
	    ref_hex(b, a1->nonce, true) || ref_hex(b, a2->nonce, true) ||
	    ref_hex(b, a2->hash, false) || buf_add(b, "\n", 1))
		return IKE_ENOMEM;
	return IKE_OK;
}

int
export_psk_crack_buf(const struct sess *s, struct buf *b, char *err,
    size_t errlen)
{
	struct am_msg	*a1, *a2;
	const char	*skipped = NULL;
	size_t		 k, j, lines = 0;
	int		 rc = IKE_OK;

	/* struct pld_chain is large: keep it off the stack. */
	if ((a1 = malloc(2 * sizeof(*a1))) == NULL)
		return nomem(err, errlen);
	a2 = a1 + 1;
	for (k = 0; rc == IKE_OK && k < s->npkt; k++) {
		if (!am_parse(&s->pkts[k], PEER_R, true, a2))
			continue;
		/* Only the first AG2 of each initiator cookie. */
		for (j = 0; j < k; j++)
			if (am_parse(&s->pkts[j], PEER_R, true, a1) &&
			    memcmp(a1->h.icookie, a2->h.icookie,
			    IKE_COOKIE_LEN) == 0)
				break;
		if (j < k)
			continue;
		for (j = 0; j < k; j++)
			if (am_parse(&s->pkts[j], PEER_I, false, a1) &&
			    memcmp(a1->h.icookie, a2->h.icookie,
			    IKE_COOKIE_LEN) == 0 &&
			    memcmp(a1->h.rcookie, "\0\0\0\0\0\0\0\0",
			    IKE_COOKIE_LEN) == 0)
				break;
		if (j == k)
			continue;
		if (a2->hash->body_len != 16 && a2->hash->body_len != 20) {
			skipped = prf_name(a2->hash->body_len);
			continue;
		}
		rc = psk_line(b, a1, a2);
		lines++;
	}
	free(a1);
	if (rc != IKE_OK)
		return nomem(err, errlen);
	if (lines > 0)
		return IKE_OK;
	if (skipped != NULL)
		snprintf(err, errlen, "psk-crack knows MD5 and SHA-1 only; "
		    "this exchange used %s: nothing written", skipped);
	else
		snprintf(err, errlen, "no Aggressive Mode AG1 and AG2 on the "
		    "link yet: nothing written");
	return IKE_ESTATE;
}

int
export_psk_crack(const struct sess *s, const char *path, bool force,
    char *err, size_t errlen)
{
	struct buf		 b = { NULL, 0, 0 };
	const struct buf	*data[1] = { &b };
	const char		*paths[1] = { path };
	int			 rc;

	rc = export_psk_crack_buf(s, &b, err, errlen);
	if (rc == IKE_OK)
		rc = export_write_files(paths, data, 1, true, force, err,
		    errlen);
	buf_free(&b);
	return rc;
}
