/*
 * ike.c: diagnostics and the value-to-name tables for the protocol
 * numbers of RFC 2407, 2408 and 2409.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ike.h"

/* A number and the name the RFC gives it. */
struct ike_name {
	unsigned int	 val;
	const char	*name;
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Payload types (RFC 2408 3.1, RFC 3947), abbreviated as in the RFCs. */
static const struct ike_name pld_names[] = {
	{ IKE_PLD_SA,		"SA" },
	{ IKE_PLD_P,		"P" },
	{ IKE_PLD_T,		"T" },
	{ IKE_PLD_KE,		"KE" },
	{ IKE_PLD_ID,		"ID" },
	{ IKE_PLD_CERT,		"CERT" },
	{ IKE_PLD_CR,		"CR" },
	{ IKE_PLD_HASH,		"HASH" },
	{ IKE_PLD_SIG,		"SIG" },
	{ IKE_PLD_NONCE,	"NONCE" },
	{ IKE_PLD_N,		"N" },
	{ IKE_PLD_D,		"D" },
	{ IKE_PLD_VID,		"VID" },
	{ IKE_PLD_NAT_D,	"NAT-D" },
	{ IKE_PLD_NAT_OA,	"NAT-OA" },
	{ IKE_PLD_FRAG,		"FRAG" },
};

/* Exchange types (RFC 2408 3.1, RFC 2409 5). */
static const struct ike_name exch_names[] = {
	{ IKE_EXCH_NONE,	"NONE" },
	{ IKE_EXCH_BASE,	"Base" },
	{ IKE_EXCH_IDPROT,	"Identity Protection" },
	{ IKE_EXCH_AUTHONLY,	"Authentication Only" },
	{ IKE_EXCH_AGGRESSIVE,	"Aggressive" },
	{ IKE_EXCH_INFO,	"Informational" },
	{ IKE_EXCH_QUICK,	"Quick Mode" },
	{ IKE_EXCH_NEWGROUP,	"New Group Mode" },
};

/*
 * Notify message types: errors 1-30 (RFC 2408 3.14.1), status types
 * (RFC 2408, RFC 2407 4.6.3) and Dead Peer Detection (RFC 3706).
 */
static const struct ike_name notify_names[] = {
	{ 1,	"INVALID-PAYLOAD-TYPE" },
	{ 2,	"DOI-NOT-SUPPORTED" },
	{ 3,	"SITUATION-NOT-SUPPORTED" },
	{ 4,	"INVALID-COOKIE" },
	{ 5,	"INVALID-MAJOR-VERSION" },
	{ 6,	"INVALID-MINOR-VERSION" },
	{ 7,	"INVALID-EXCHANGE-TYPE" },
	{ 8,	"INVALID-FLAGS" },
	{ 9,	"INVALID-MESSAGE-ID" },
	{ 10,	"INVALID-PROTOCOL-ID" },
	{ 11,	"INVALID-SPI" },
	{ 12,	"INVALID-TRANSFORM-ID" },
	{ 13,	"ATTRIBUTES-NOT-SUPPORTED" },
	{ 14,	"NO-PROPOSAL-CHOSEN" },
	{ 15,	"BAD-PROPOSAL-SYNTAX" },
	{ 16,	"PAYLOAD-MALFORMED" },
	{ 17,	"INVALID-KEY-INFORMATION" },
	{ 18,	"INVALID-ID-INFORMATION" },
	{ 19,	"INVALID-CERT-ENCODING" },
	{ 20,	"INVALID-CERTIFICATE" },
	{ 21,	"CERT-TYPE-UNSUPPORTED" },
	{ 22,	"INVALID-CERT-AUTHORITY" },
	{ 23,	"INVALID-HASH-INFORMATION" },
	{ 24,	"AUTHENTICATION-FAILED" },
	{ 25,	"INVALID-SIGNATURE" },
	{ 26,	"ADDRESS-NOTIFICATION" },
	{ 27,	"NOTIFY-SA-LIFETIME" },
	{ 28,	"CERTIFICATE-UNAVAILABLE" },
	{ 29,	"UNSUPPORTED-EXCHANGE-TYPE" },
	{ 30,	"UNEQUAL-PAYLOAD-LENGTHS" },
	{ 16384, "CONNECTED" },
	{ 24576, "RESPONDER-LIFETIME" },
	{ 24577, "REPLAY-STATUS" },
	{ 24578, "INITIAL-CONTACT" },
	{ 36136, "R-U-THERE" },
	{ 36137, "R-U-THERE-ACK" },
};

/* Index by -code: the short names of enum ike_err. */
static const char *const err_names[] = {
	"ok",
	"short input",
	"malformed",
	"wrong state",
	"unsupported",
	"crypto failure",
	"syntax error",
	"out of memory",
	"authentication failed",
	"not found",
	"limit exceeded",
};

/* Look VAL up in a name table; NULL when it is not there. */
static const char *
lookup(const struct ike_name *t, size_t n, unsigned int val)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (t[i].val == val)
			return t[i].name;
	return NULL;
}

/* Fill DG (if not NULL) and return CODE. */
int
diag_set(struct ike_diag *dg, enum ike_err code, size_t off,
    const char *fmt, ...)
{
	va_list	 ap;

	if (dg == NULL)
		return code;
	dg->code = code;
	dg->off = off;
	va_start(ap, fmt);
	(void)vsnprintf(dg->msg, sizeof(dg->msg), fmt, ap);
	va_end(ap);
	return code;
}

/* Name the payload a diagnostic is about, truncated to fit. */
void
diag_pld(struct ike_diag *dg, const char *pld)
{
	size_t	 n;

	if (dg == NULL)
		return;
	if (pld == NULL)
		pld = "";
	n = strlen(pld);
	if (n >= sizeof(dg->pld))
		n = sizeof(dg->pld) - 1;
	memcpy(dg->pld, pld, n);
	dg->pld[n] = '\0';
}

/* Short name of an ike_err code. */
const char *
ike_err_name(int code)
{
	if (code > 0 || -(long)code >= (long)NELEM(err_names))
		return "unknown error";
	return err_names[-code];
}

/* Abbreviated payload name ("SA", "NONCE"), NULL if unknown. */
const char *
ike_pld_name(unsigned int type)
{
	return lookup(pld_names, NELEM(pld_names), type);
}

/* Exchange type name ("Aggressive"), NULL if unknown. */
const char *
ike_exch_name(unsigned int type)
{
	return lookup(exch_names, NELEM(exch_names), type);
}

/* RFC name of a notify type ("PAYLOAD-MALFORMED"), NULL if none. */
const char *
ike_notify_name(unsigned int type)
{
	return lookup(notify_names, NELEM(notify_names), type);
}

void
diag_text(const struct ike_diag *dg, char *out, size_t len)
{
	if (dg->off != SIZE_MAX && dg->pld[0] != '\0')
		snprintf(out, len, "%s payload at offset %zu: %s", dg->pld,
		    dg->off, dg->msg);
	else if (dg->off != SIZE_MAX)
		snprintf(out, len, "offset %zu: %s", dg->off, dg->msg);
	else
		snprintf(out, len, "%s", dg->msg);
}
