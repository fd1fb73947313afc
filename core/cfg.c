/*
 * cfg.c: the per-peer settings ("knobs") that `set` changes and
 * `config` shows, as one table: name, what it takes, help, and the
 * functions that parse and print it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* Parse and print one knob of configuration C. */
typedef int cfg_set_fn(struct peer_cfg *c, const char *v,
    struct ike_diag *dg);
typedef void cfg_get_fn(const struct peer_cfg *c, char *out, size_t len);

struct knob_ops {
	cfg_set_fn	*set;
	cfg_get_fn	*get;
};

/* A word and the number it stands for. */
struct word {
	const char	*w;
	unsigned int	 v;
	unsigned int	 v2;
};

static const struct word ciphers[] = {
	{ "aes128", IKE_ENC_AES, 128 }, { "aes192", IKE_ENC_AES, 192 },
	{ "aes256", IKE_ENC_AES, 256 }, { "3des", IKE_ENC_3DES, 0 },
	{ NULL, 0, 0 }
};
static const struct word esp_ciphers[] = {
	{ "aes128", IKE_ESP_AES, 128 }, { "aes192", IKE_ESP_AES, 192 },
	{ "aes256", IKE_ESP_AES, 256 }, { "3des", IKE_ESP_3DES, 0 },
	{ NULL, 0, 0 }
};
static const struct word hashes[] = {
	{ "md5", IKE_HASH_MD5, 0 }, { "sha1", IKE_HASH_SHA1, 0 },
	{ "sha256", IKE_HASH_SHA256, 0 }, { NULL, 0, 0 }
};
static const struct word esp_auths[] = {
	{ "md5", IKE_ESP_AUTH_MD5, 0 }, { "sha1", IKE_ESP_AUTH_SHA1, 0 },
	{ "sha256", IKE_ESP_AUTH_SHA256, 0 }, { NULL, 0, 0 }
};
static const struct word early_words[] = {
	{ "drop", EARLY_QM_DROP, 0 }, { "notify", EARLY_QM_NOTIFY, 0 },
	{ "queue", EARLY_QM_QUEUE, 0 }, { NULL, 0, 0 }
};
static const struct word give_up_words[] = {
	{ "stop", GIVE_UP_STOP, 0 }, { "restart", GIVE_UP_RESTART, 0 },
	{ NULL, 0, 0 }
};
static const struct word dup_words[] = {
	{ "reply", DUP_REPLY, 0 }, { "last", DUP_LAST, 0 }, { NULL, 0, 0 }
};
static const struct word qm_give_up_words[] = {
	{ "stop", QM_GIVE_UP_STOP, 0 }, { "new-qm", QM_GIVE_UP_NEW_QM, 0 },
	{ "restart", QM_GIVE_UP_RESTART, 0 }, { NULL, 0, 0 }
};
static const struct word auth_fail_words[] = {
	{ "plain", AUTH_FAIL_PLAIN, 0 },
	{ "encrypted", AUTH_FAIL_ENCRYPTED, 0 },
	{ "invalid-hash", AUTH_FAIL_INVALID_HASH, 0 }, { NULL, 0, 0 }
};
static const struct word qm_dup_words[] = {
	{ "reply", 0, 0 }, { "ignore", 1, 0 }, { NULL, 0, 0 }
};
static const struct word notify_words[] = {
	{ "accept", 0, 0 }, { "ignore", 1, 0 }, { NULL, 0, 0 }
};
static const struct word msgid_words[] = {
	{ "random", 0, 0 }, { "zero", 1, 0 }, { NULL, 0, 0 }
};
static const struct word bool_words[] = {
	{ "on", 1, 0 }, { "off", 0, 0 }, { "yes", 1, 0 }, { "no", 0, 0 },
	{ "true", 1, 0 }, { "false", 0, 0 }, { NULL, 0, 0 }
};

static const struct word *
word_find(const struct word *t, const char *v)
{
	for (; t->w != NULL; t++)
		if (strcmp(t->w, v) == 0)
			return t;
	return NULL;
}

static const char *
word_name(const struct word *t, unsigned int v, unsigned int v2)
{
	for (; t->w != NULL; t++)
		if (t->v == v && t->v2 == v2)
			return t->w;
	return "?";
}

/* "one of a, b, c" for error messages. */
static int
word_error(const struct word *t, const char *what, const char *v,
    struct ike_diag *dg)
{
	char	list[96] = "";
	size_t	n = 0;

	for (; t->w != NULL; t++)
		n += (size_t)snprintf(list + n, n < sizeof(list) ?
		    sizeof(list) - n : 0, "%s%s", n ? ", " : "", t->w);
	return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
	    "%s: '%s' is not one of %s", what, v, list);
}

/* A whole number in [lo, hi]. */
static int
parse_uint(const char *what, const char *v, unsigned long lo,
    unsigned long hi, unsigned long *out, struct ike_diag *dg)
{
	char		*end;
	unsigned long	 n;

	errno = 0;
	if (v[0] < '0' || v[0] > '9')
		goto bad;
	n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < lo || n > hi)
		goto bad;
	*out = n;
	return IKE_OK;
bad:
	return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
	    "%s: '%s' is not a whole number from %lu to %lu", what, v, lo,
	    hi);
}

int
sess_parse_duration(const char *v, uint64_t *ms, struct ike_diag *dg)
{
	char	*end;
	double	 x, mul = 1000.0;
	size_t	 num, frac;

	/*
	 * Digits, then at most one '.' with digits after it, then the
	 * unit: strtod alone would also take "0x10", "1e3" or "inf".
	 */
	num = strspn(v, "0123456789");
	if (num == 0)
		goto bad;
	if (v[num] == '.') {
		frac = strspn(v + num + 1, "0123456789");
		if (frac == 0)
			goto bad;
		num += 1 + frac;
	}
	errno = 0;
	x = strtod(v, &end);
	if (errno != 0 || end != v + num)
		goto bad;
	if (strcmp(end, "ms") == 0)
		mul = 1.0;
	else if (strcmp(end, "s") == 0 || *end == '\0')
		mul = 1000.0;
	else if (strcmp(end, "m") == 0)
		mul = 60000.0;
	else
		goto bad;
	x *= mul;
	/* Durations are whole milliseconds, at most one day. */
	if (!(x >= 0.0 && x <= 86400000.0) || x != floor(x))
		goto bad;
	*ms = (uint64_t)x;
	return IKE_OK;
bad:
	return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
	    "'%s' is not a duration (e.g. 500ms, 4s, 2m; a bare number is "
	    "seconds; whole ms up to one day)", v);
}

static int
set_psk(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	if (strlen(v) == 0 || strlen(v) > SESS_PSK_MAX)
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "psk: 1 to %d characters", SESS_PSK_MAX);
	snprintf(c->psk, sizeof(c->psk), "%s", v);
	return IKE_OK;
}

static void
get_psk(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%s", c->psk);
}

static int
set_id(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	unsigned int	a, b, d, e;
	char		tail;

	if (strlen(v) == 0 || strlen(v) > SESS_ID_MAX)
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "id: 1 to %d characters", SESS_ID_MAX);
	if (sscanf(v, "%u.%u.%u.%u%c", &a, &b, &d, &e, &tail) == 4) {
		if (a > 255 || b > 255 || d > 255 || e > 255)
			return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
			    "id: '%s' is not an IPv4 address", v);
		c->id_type = IKE_ID_IPV4_ADDR;
	} else if (strchr(v, '@') != NULL)
		c->id_type = IKE_ID_USER_FQDN;
	else
		c->id_type = IKE_ID_FQDN;
	snprintf(c->id, sizeof(c->id), "%s", v);
	return IKE_OK;
}

static void
get_id(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%s (%s)", c->id, c->id_type == IKE_ID_IPV4_ADDR ?
	    "ID_IPV4_ADDR" : c->id_type == IKE_ID_USER_FQDN ?
	    "ID_USER_FQDN" : "ID_FQDN");
}

static int
set_cipher(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	const struct word	*w = word_find(ciphers, v);

	if (w == NULL)
		return word_error(ciphers, "cipher", v, dg);
	c->p1.enc = (uint16_t)w->v;
	c->p1.keylen = (uint16_t)w->v2;
	return IKE_OK;
}

static void
get_cipher(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%s", word_name(ciphers, c->p1.enc, c->p1.keylen));
}

static int
set_hash(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	const struct word	*w = word_find(hashes, v);

	if (w == NULL)
		return word_error(hashes, "hash", v, dg);
	c->p1.hash = (uint16_t)w->v;
	return IKE_OK;
}

static void
get_hash(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%s", word_name(hashes, c->p1.hash, 0));
}

/* A MODP group ikelab supports. */
static int
parse_group(const char *what, const char *v, uint16_t *g,
    struct ike_diag *dg)
{
	unsigned long	n;

	if (parse_uint(what, v, 1, 255, &n, dg) != IKE_OK ||
	    crypto_group_len((unsigned int)n) == 0)
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "%s: '%s' is not a supported MODP group (1, 2, 5, 14)",
		    what, v);
	*g = (uint16_t)n;
	return IKE_OK;
}

static int
set_group(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	return parse_group("group", v, &c->p1.group, dg);
}

static void
get_group(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%u", c->p1.group);
}

static int
set_esp(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	const struct word	*w = word_find(esp_ciphers, v);

	if (w == NULL)
		return word_error(esp_ciphers, "esp", v, dg);
	c->p2.esp_id = (uint8_t)w->v;
	c->p2.keylen = (uint16_t)w->v2;
	return IKE_OK;
}

static void
get_esp(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%s", word_name(esp_ciphers, c->p2.esp_id,
	    c->p2.keylen));
}

static int
set_esp_auth(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	const struct word	*w = word_find(esp_auths, v);

	if (w == NULL)
		return word_error(esp_auths, "esp-auth", v, dg);
	c->p2.auth = (uint16_t)w->v;
	return IKE_OK;
}

static void
get_esp_auth(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%s", word_name(esp_auths, c->p2.auth, 0));
}

static int
set_pfs(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	const struct word	*w = word_find(bool_words, v);

	if (w != NULL) {
		c->p2.group = w->v ? c->p1.group : 0;
		return IKE_OK;
	}
	return parse_group("pfs", v, &c->p2.group, dg);
}

static void
get_pfs(const struct peer_cfg *c, char *o, size_t n)
{
	if (c->p2.group == 0)
		snprintf(o, n, "off");
	else
		snprintf(o, n, "%u", c->p2.group);
}

/* Knobs that take on or off, by the field they set. */
#define BOOL_KNOB(name, field)						\
static int								\
set_##name(struct peer_cfg *c, const char *v, struct ike_diag *dg)	\
{									\
	const struct word	*w = word_find(bool_words, v);		\
									\
	if (w == NULL)							\
		return word_error(bool_words, #name, v, dg);		\
	c->field = w->v != 0;						\
	return IKE_OK;							\
}									\
static void								\
get_##name(const struct peer_cfg *c, char *o, size_t n)		\
{									\
	snprintf(o, n, "%s", c->field ? "on" : "off");			\
}

BOOL_KNOB(client_ids, client_ids)
BOOL_KNOB(auto_qm, auto_qm)
BOOL_KNOB(resend_ag2, resend_ag2)
BOOL_KNOB(fail_resend, fail_resend)

/* Knobs that take one word of TABLE, stored in FIELD. */
#define WORD_KNOB(name, label, table, field, type)			\
static int								\
set_##name(struct peer_cfg *c, const char *v, struct ike_diag *dg)	\
{									\
	const struct word	*w = word_find(table, v);		\
									\
	if (w == NULL)							\
		return word_error(table, label, v, dg);			\
	c->field = (type)w->v;						\
	return IKE_OK;							\
}									\
static void								\
get_##name(const struct peer_cfg *c, char *o, size_t n)		\
{									\
	snprintf(o, n, "%s", word_name(table, (unsigned int)c->field, 0)); \
}

WORD_KNOB(dup_resend, "dup-resend", dup_words, dup_resend, enum dup_resend)
WORD_KNOB(qm_give_up, "qm-give-up", qm_give_up_words, qm_give_up,
    enum qm_give_up)
WORD_KNOB(auth_fail, "auth-fail", auth_fail_words, auth_fail,
    enum auth_fail)
WORD_KNOB(qm_dup, "qm-dup", qm_dup_words, qm_dup_ignore, bool)
WORD_KNOB(notify, "notify", notify_words, notify_ignore, bool)
WORD_KNOB(notify_msgid, "notify-msgid", msgid_words, notify_msgid0, bool)

static int
set_subnet(char *dst, const char *what, const char *v, struct ike_diag *dg)
{
	unsigned int	a, b, d, e, len;
	char		tail;

	if (sscanf(v, "%u.%u.%u.%u/%u%c", &a, &b, &d, &e, &len,
	    &tail) != 5 || a > 255 || b > 255 || d > 255 || e > 255 ||
	    len > 32)
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "%s: '%s' is not a subnet like 10.1.0.0/24", what, v);
	snprintf(dst, 32, "%s", v);
	return IKE_OK;
}

static int
set_idci(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	return set_subnet(c->idci, "idci", v, dg);
}

static void
get_idci(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%s", c->idci);
}

static int
set_idcr(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	return set_subnet(c->idcr, "idcr", v, dg);
}

static void
get_idcr(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%s", c->idcr);
}

/* A duration knob stored in a uint32_t of milliseconds, >= MIN. */
static int
set_ms(uint32_t *dst, const char *what, const char *v, uint64_t min,
    struct ike_diag *dg)
{
	uint64_t	ms;
	char		why[sizeof(((struct ike_diag *)0)->msg)];

	if (sess_parse_duration(v, &ms, dg) != IKE_OK) {
		/* Name the setting, as the other setters do. */
		snprintf(why, sizeof(why), "%s", dg != NULL ? dg->msg : "");
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX, "%s: %s", what,
		    why);
	}
	if (ms < min)
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "%s: at least %llu ms", what, (unsigned long long)min);
	*dst = (uint32_t)ms;
	return IKE_OK;
}

/*
 * A duration where 0 means "no such limit": WORD (what `config` prints
 * for 0, e.g. "none") is accepted as 0 too.
 */
static int
set_ms_or(uint32_t *dst, const char *what, const char *word, const char *v,
    struct ike_diag *dg)
{
	if (strcmp(v, word) == 0) {
		*dst = 0;
		return IKE_OK;
	}
	return set_ms(dst, what, v, 0, dg);
}

static int
set_retransmit(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	return set_ms(&c->rtx.t0_ms, "retransmit", v, 1, dg);
}

static void
get_retransmit(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%ums", c->rtx.t0_ms);
}

static int
set_cap(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	return set_ms_or(&c->rtx.cap_ms, "cap", "none", v, dg);
}

static void
get_cap(const struct peer_cfg *c, char *o, size_t n)
{
	if (c->rtx.cap_ms == 0)
		snprintf(o, n, "none");
	else
		snprintf(o, n, "%ums", c->rtx.cap_ms);
}

static int
set_limit(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	return set_ms_or(&c->rtx.limit_ms, "limit", "none", v, dg);
}

static void
get_limit(const struct peer_cfg *c, char *o, size_t n)
{
	if (c->rtx.limit_ms == 0)
		snprintf(o, n, "none");
	else
		snprintf(o, n, "%ums", c->rtx.limit_ms);
}

static int
set_half_open(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	return set_ms_or(&c->half_open_ms, "half-open", "never", v, dg);
}

static void
get_half_open(const struct peer_cfg *c, char *o, size_t n)
{
	if (c->half_open_ms == 0)
		snprintf(o, n, "never");
	else
		snprintf(o, n, "%ums", c->half_open_ms);
}

static int
set_revive(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	return set_ms(&c->revive_ms, "revive", v, 0, dg);
}

static void
get_revive(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%ums", c->revive_ms);
}

static int
set_busy(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	return set_ms_or(&c->busy_ms, "busy", "never", v, dg);
}

static void
get_busy(const struct peer_cfg *c, char *o, size_t n)
{
	if (c->busy_ms == 0)
		snprintf(o, n, "never");
	else
		snprintf(o, n, "%ums", c->busy_ms);
}

static int
set_jitter(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	unsigned long	n;

	if (parse_uint("jitter", v, 0, 100, &n, dg) != IKE_OK)
		return IKE_ESYNTAX;
	c->rtx.jitter = (unsigned int)n;
	return IKE_OK;
}

static void
get_jitter(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%u", c->rtx.jitter);
}

static int
set_dup_limit(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	unsigned long	n;

	if (strcmp(v, "all") == 0)
		n = 0;
	else if (parse_uint("dup-limit", v, 0, 1000, &n, dg) != IKE_OK)
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX, "dup-limit: '%s' "
		    "is not 'all' or a whole number from 1 to 1000", v);
	c->dup_limit = (unsigned int)n;
	return IKE_OK;
}

static void
get_dup_limit(const struct peer_cfg *c, char *o, size_t n)
{
	if (c->dup_limit == 0)
		snprintf(o, n, "all");
	else
		snprintf(o, n, "%u", c->dup_limit);
}

/*
 * frag-resend: "off" (or 0), or the size N from which a resent message
 * goes as IKE fragments of at most N bytes. A fragment has 36 bytes of
 * headers, so N starts at 64 (28 bytes of the message per fragment).
 */
static int
set_frag_resend(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	unsigned long	n;

	if (strcmp(v, "off") == 0 || strcmp(v, "0") == 0) {
		c->frag_resend = 0;
		return IKE_OK;
	}
	if (parse_uint("frag-resend", v, 64, PLD_MAX_MSG, &n, dg) != IKE_OK)
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX, "frag-resend: '%s' "
		    "is neither off nor a size from 64 to %d bytes", v,
		    PLD_MAX_MSG);
	c->frag_resend = (uint32_t)n;
	return IKE_OK;
}

static void
get_frag_resend(const struct peer_cfg *c, char *o, size_t n)
{
	if (c->frag_resend == 0)
		snprintf(o, n, "off");
	else
		snprintf(o, n, "%u", c->frag_resend);
}

static int set_profile(struct peer_cfg *c, const char *v,
    struct ike_diag *dg);

static void
get_profile(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%s", c->profile);
}

static int
set_latency(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	return set_ms(&c->latency_ms, "latency", v, 1, dg);
}

static void
get_latency(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%ums", c->latency_ms);
}

static int
set_factor(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	char	*end;
	double	 f;

	errno = 0;
	f = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0' || !(f >= 1.0 &&
	    f <= 10.0))
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "factor: '%s' is not a number from 1 to 10", v);
	c->rtx.factor = f;
	return IKE_OK;
}

static void
get_factor(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%g", c->rtx.factor);
}

static int
set_tries(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	unsigned long	n;

	if (parse_uint("tries", v, 0, 100, &n, dg) != IKE_OK)
		return IKE_ESYNTAX;
	c->rtx.tries = (unsigned int)n;
	return IKE_OK;
}

static void
get_tries(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%u", c->rtx.tries);
}

static int
set_repeat(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	unsigned long	n;

	if (parse_uint("repeat", v, 0, 100, &n, dg) != IKE_OK)
		return IKE_ESYNTAX;
	c->rtx.repeat = (unsigned int)n;
	return IKE_OK;
}

static void
get_repeat(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%u", c->rtx.repeat);
}

static int
set_nonce_len(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	unsigned long	n;

	if (parse_uint("nonce-len", v, 8, 256, &n, dg) != IKE_OK)
		return IKE_ESYNTAX;
	c->nonce_len = n;
	return IKE_OK;
}

static void
get_nonce_len(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%zu", c->nonce_len);
}

static int
set_early_qm(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	const struct word	*w = word_find(early_words, v);

	if (w == NULL)
		return word_error(early_words, "early-qm", v, dg);
	c->early_qm = (enum early_qm)w->v;
	return IKE_OK;
}

static void
get_early_qm(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%s", word_name(early_words, c->early_qm, 0));
}

static int
set_give_up(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	const struct word	*w = word_find(give_up_words, v);

	if (w == NULL)
		return word_error(give_up_words, "give-up", v, dg);
	c->rtx.give_up = (enum give_up_act)w->v;
	return IKE_OK;
}

static void
get_give_up(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%s", word_name(give_up_words, c->rtx.give_up, 0));
}

static int
set_ag3(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	if (strcmp(v, "plain") == 0)
		c->ag3_plain = true;
	else if (strcmp(v, "encrypted") == 0)
		c->ag3_plain = false;
	else
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "ag3: '%s' is not one of encrypted, plain", v);
	return IKE_OK;
}

static void
get_ag3(const struct peer_cfg *c, char *o, size_t n)
{
	snprintf(o, n, "%s", c->ag3_plain ? "plain" : "encrypted");
}

/* The table: sess_knobs[k] is parsed and printed by knob_ops[k]. */
const struct knob sess_knobs[] = {
	{ "psk", "TEXT", "pre-shared key (phase 1 authentication)" },
	{ "id", "ADDRESS|NAME|USER@NAME", "phase 1 identity (IDii/IDir)" },
	{ "cipher", "aes128|aes192|aes256|3des", "phase 1 encryption" },
	{ "hash", "md5|sha1|sha256", "phase 1 hash and prf (HMAC)" },
	{ "group", "1|2|5|14", "phase 1 MODP Diffie-Hellman group" },
	{ "esp", "aes128|aes192|aes256|3des", "phase 2 ESP encryption" },
	{ "esp-auth", "md5|sha1|sha256", "phase 2 ESP integrity (HMAC)" },
	{ "pfs", "off|on|1|2|5|14", "Quick Mode PFS group (on: phase 1's)" },
	{ "client-ids", "on|off", "send IDci/IDcr in Quick Mode" },
	{ "idci", "A.B.C.D/LEN", "initiator's client subnet (IDci)" },
	{ "idcr", "A.B.C.D/LEN", "responder's client subnet (IDcr)" },
	{ "retransmit", "DURATION", "first retransmission wait (T0)" },
	{ "factor", "NUMBER", "backoff factor between waits" },
	{ "repeat", "N", "extra times the first wait repeats" },
	{ "tries", "N", "resends before giving up" },
	{ "cap", "DURATION|none", "longest single wait" },
	{ "limit", "DURATION|none", "give up once waits add up to this" },
	{ "give-up", "stop|restart", "what the initiator does on give-up" },
	{ "early-qm", "drop|notify|queue",
	    "responder: Quick Mode before phase 1 is complete" },
	{ "auto-qm", "on|off", "initiator starts Quick Mode after AG3" },
	{ "ag3", "encrypted|plain", "send AG3 encrypted or in the clear" },
	{ "latency", "DURATION", "one-way latency of packets it sends" },
	{ "nonce-len", "8..256", "nonce length in bytes" },
	{ "profile", "rfc|strongswan|libreswan",
	    "set every knob below to how that implementation behaves" },
	{ "jitter", "0..100", "percent a wait may be shortened at random" },
	{ "half-open", "DURATION|never",
	    "delete an unfinished or failed phase 1 after this" },
	{ "resend-ag2", "on|off", "responder resends AG2 on its own timer" },
	{ "dup-resend", "reply|last",
	    "a duplicate triggers the reply to it, or the last message sent" },
	{ "qm-dup", "reply|ignore", "responder: answer a duplicate QM1" },
	{ "dup-limit", "N|all", "duplicates answered per exchange" },
	{ "qm-give-up", "stop|new-qm|restart",
	    "initiator: what follows a Quick Mode that gets no answer" },
	{ "auth-fail", "plain|encrypted|invalid-hash",
	    "initiator: the notify sent when HASH_R fails" },
	{ "notify", "accept|ignore",
	    "act on NO-PROPOSAL-CHOSEN, or only record notifies" },
	{ "notify-msgid", "random|zero", "M-ID of unencrypted notifies" },
	{ "fail-resend", "on|off",
	    "initiator: answer each copy of a failed AG2 with the notify" },
	{ "revive", "DURATION",
	    "delay of the second and later restarts after a deletion" },
	{ "busy", "DURATION|never",
	    "ignore a copy of a datagram handled less than this ago" },
	{ "frag-resend", "off|N", "a resent message of N bytes or more "
	    "goes as IKE fragments of at most N bytes (first sends never)" },
};
const size_t sess_nknobs = sizeof(sess_knobs) / sizeof(sess_knobs[0]);

static const struct knob_ops knob_ops[] = {
	{ set_psk, get_psk }, { set_id, get_id },
	{ set_cipher, get_cipher }, { set_hash, get_hash },
	{ set_group, get_group }, { set_esp, get_esp },
	{ set_esp_auth, get_esp_auth }, { set_pfs, get_pfs },
	{ set_client_ids, get_client_ids }, { set_idci, get_idci },
	{ set_idcr, get_idcr }, { set_retransmit, get_retransmit },
	{ set_factor, get_factor }, { set_repeat, get_repeat },
	{ set_tries, get_tries }, { set_cap, get_cap },
	{ set_limit, get_limit }, { set_give_up, get_give_up },
	{ set_early_qm, get_early_qm }, { set_auto_qm, get_auto_qm },
	{ set_ag3, get_ag3 }, { set_latency, get_latency },
	{ set_nonce_len, get_nonce_len },
	{ set_profile, get_profile }, { set_jitter, get_jitter },
	{ set_half_open, get_half_open }, { set_resend_ag2, get_resend_ag2 },
	{ set_dup_resend, get_dup_resend }, { set_qm_dup, get_qm_dup },
	{ set_dup_limit, get_dup_limit },
	{ set_qm_give_up, get_qm_give_up }, { set_auth_fail, get_auth_fail },
	{ set_notify, get_notify }, { set_notify_msgid, get_notify_msgid },
	{ set_fail_resend, get_fail_resend }, { set_revive, get_revive },
	{ set_busy, get_busy }, { set_frag_resend, get_frag_resend },
};

_Static_assert(sizeof(sess_knobs) / sizeof(sess_knobs[0]) <=
    SESS_MAX_KNOBS, "origin[] holds one entry per knob");

/*
 * The profiles (ikev1-reference.md 8.1-8.4: strongSwan 5.9.8 and
 * libreswan 4.10 as measured). Each is a list of knob settings; `rfc`
 * is the model of the 1998 message and the default.
 */
struct profile {
	const char	*name;
	const char	*const *set;	/* "knob", "value", ..., NULL */
};

static const char *const rfc_set[] = {
	"retransmit", "4s", "factor", "1.8", "repeat", "0", "tries", "5",
	"cap", "0", "limit", "0", "jitter", "0", "give-up", "stop",
	"qm-give-up", "stop", "half-open", "0", "resend-ag2", "on",
	"dup-resend", "reply", "qm-dup", "reply", "dup-limit", "0",
	"auth-fail", "plain", "notify", "accept", "notify-msgid", "random",
	"early-qm", "drop", "fail-resend", "off", "revive", "0", "busy", "0",
	"frag-resend", "off", NULL
};
static const char *const strongswan_set[] = {
	"retransmit", "4s", "factor", "1.8", "repeat", "0", "tries", "5",
	"cap", "0", "limit", "0", "jitter", "0", "give-up", "stop",
	"qm-give-up", "restart", "half-open", "30s", "resend-ag2", "on",
	"dup-resend", "last", "qm-dup", "reply", "dup-limit", "0",
	"auth-fail", "encrypted", "notify", "accept",
	"notify-msgid", "random", "early-qm", "drop", "fail-resend", "off",
	"revive", "0", "busy", "1ms", "frag-resend", "off", NULL
};
static const char *const libreswan_set[] = {
	"retransmit", "500ms", "factor", "2", "repeat", "1", "tries", "12",
	"cap", "0", "limit", "60s", "jitter", "0", "give-up", "restart",
	"qm-give-up", "new-qm", "half-open", "60s", "resend-ag2", "off",
	"dup-resend", "reply", "qm-dup", "ignore", "dup-limit", "2",
	"auth-fail", "invalid-hash", "notify", "ignore",
	"notify-msgid", "zero", "early-qm", "drop", "fail-resend", "on",
	"revive", "5s", "busy", "0",
	/*
	 * Measured on libreswan 4.10: a 544-byte AG2 was resent as two
	 * fragments of 532 and 84 bytes, a 524-byte AG2 whole; pluto
	 * fragments only resends, of len >= 532, once the peer sent the
	 * fragmentation vendor ID (ikelab's peers always accept them).
	 */
	"frag-resend", "532", NULL
};
static const struct profile profiles[] = {
	{ "rfc", rfc_set }, { "strongswan", strongswan_set },
	{ "libreswan", libreswan_set },
};

_Static_assert(sizeof(knob_ops) / sizeof(knob_ops[0]) ==
    sizeof(sess_knobs) / sizeof(sess_knobs[0]), "one ops entry per knob");

static int
knob_find(const char *key, struct ike_diag *dg)
{
	size_t	k;

	for (k = 0; k < sess_nknobs; k++)
		if (strcmp(sess_knobs[k].name, key) == 0)
			return (int)k;
	return diag_set(dg, IKE_ENOENT, SIZE_MAX,
	    "no setting '%s' (see 'config' for the list)", key);
}

int
sess_set(struct sess *s, unsigned int mask, const char *key,
    const char *val, struct ike_diag *dg)
{
	struct peer_cfg	c[2];
	int		k, p, rc;

	if ((k = knob_find(key, dg)) < 0)
		return k;
	if (mask == 0 || mask > 3)
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "set: the peer must be i, r or both");
	/* Parse into copies first, so a bad value changes nothing. */
	for (p = 0; p < 2; p++) {
		c[p] = s->peer[p].cfg;
		if (!(mask & (1u << p)))
			continue;
		if ((rc = knob_ops[k].set(&c[p], val, dg)) != IKE_OK)
			return rc;
		/* The profile itself is marked too, unless it is rfc. */
		if (knob_ops[k].set != set_profile || strcmp(val, "rfc") != 0)
			c[p].origin[k] = ORIGIN_SET;
		else
			c[p].origin[k] = ORIGIN_DEFAULT;
	}
	s->peer[PEER_I].cfg = c[PEER_I];
	s->peer[PEER_R].cfg = c[PEER_R];
	crypto_wipe(c, sizeof(c));
	return IKE_OK;
}

/* Apply profile NAME to C: every knob it lists, marked as its. */
static int
set_profile(struct peer_cfg *c, const char *v, struct ike_diag *dg)
{
	const struct profile	*pr = NULL;
	const char *const	*kv;
	size_t			 i;
	int			 k;

	for (i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (strcmp(profiles[i].name, v) == 0)
			pr = &profiles[i];
	if (pr == NULL)
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "profile: '%s' is not one of rfc, strongswan, libreswan",
		    v);
	for (kv = pr->set; kv[0] != NULL; kv += 2) {
		k = knob_find(kv[0], NULL);
		if (k < 0 || knob_ops[k].set(c, kv[1], dg) != IKE_OK)
			return IKE_ESYNTAX;
		c->origin[k] = strcmp(pr->name, "rfc") == 0 ? ORIGIN_DEFAULT :
		    ORIGIN_PROFILE;
	}
	snprintf(c->profile, sizeof(c->profile), "%s", pr->name);
	return IKE_OK;
}

const char *
sess_origin(const struct sess *s, int p, const char *key)
{
	int	k;

	if ((k = knob_find(key, NULL)) < 0 || (p != PEER_I && p != PEER_R))
		return "";
	switch (s->peer[p].cfg.origin[k]) {
	case ORIGIN_PROFILE:
		return s->peer[p].cfg.profile;
	case ORIGIN_SET:
		return "set";
	default:
		return "";
	}
}

int
sess_get(const struct sess *s, int p, const char *key, char *out,
    size_t out_len, struct ike_diag *dg)
{
	int	k;

	if ((k = knob_find(key, dg)) < 0)
		return k;
	if (p != PEER_I && p != PEER_R)
		return diag_set(dg, IKE_ESYNTAX, SIZE_MAX,
		    "the peer must be i or r");
	knob_ops[k].get(&s->peer[p].cfg, out, out_len);
	return IKE_OK;
}
