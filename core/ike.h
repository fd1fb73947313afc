/*
 * ike.h: numbers from the IKEv1 RFCs, ikelab's error codes and the
 * diagnostic record that carries "what went wrong, and where".
 *
 * Every number here is defined by RFC 2407, 2408 or 2409 (or the IANA
 * registries that grew from them); the names follow the RFCs.
 */
#ifndef IKELAB_CORE_IKE_H
#define IKELAB_CORE_IKE_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define IKE_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#else
#define IKE_PRINTF(f, a)
#endif

/* ISAKMP header (RFC 2408 3.1). */
#define IKE_HDR_LEN		28
#define IKE_COOKIE_LEN		8
#define IKE_VERSION_1_0		0x10
#define IKE_FLAG_ENC		0x01
#define IKE_FLAG_COMMIT		0x02
#define IKE_FLAG_AUTHONLY	0x04
#define IKE_GENERIC_LEN		4

/* Exchange types (RFC 2408 3.1, RFC 2409 5). */
enum ike_exch {
	IKE_EXCH_NONE		= 0,
	IKE_EXCH_BASE		= 1,
	IKE_EXCH_IDPROT		= 2,
	IKE_EXCH_AUTHONLY	= 3,
	IKE_EXCH_AGGRESSIVE	= 4,
	IKE_EXCH_INFO		= 5,
	IKE_EXCH_QUICK		= 32,
	IKE_EXCH_NEWGROUP	= 33,
};

/* Payload types (RFC 2408 3.1, RFC 3947). */
enum ike_pld_type {
	IKE_PLD_NONE		= 0,
	IKE_PLD_SA		= 1,
	IKE_PLD_P		= 2,
	IKE_PLD_T		= 3,
	IKE_PLD_KE		= 4,
	IKE_PLD_ID		= 5,
	IKE_PLD_CERT		= 6,
	IKE_PLD_CR		= 7,
	IKE_PLD_HASH		= 8,
	IKE_PLD_SIG		= 9,
	IKE_PLD_NONCE		= 10,
	IKE_PLD_N		= 11,
	IKE_PLD_D		= 12,
	IKE_PLD_VID		= 13,
	IKE_PLD_NAT_D		= 20,
	IKE_PLD_NAT_OA		= 21,
	IKE_PLD_FRAG		= 132,	/* vendor fragmentation */
};

/* DOI and situation (RFC 2407 4.2). */
#define IKE_DOI_IPSEC		1
#define IKE_SIT_IDENTITY_ONLY	1

/* Protocol IDs (RFC 2407 4.4.1). */
enum ike_proto {
	IKE_PROTO_ISAKMP	= 1,
	IKE_PROTO_AH		= 2,
	IKE_PROTO_ESP		= 3,
	IKE_PROTO_IPCOMP	= 4,
};

/* Phase 1 transform ID (RFC 2407 4.4.2). */
#define IKE_KEY_IKE		1

/* Phase 1 attribute types (RFC 2409 appendix A). */
enum ike_p1_attr {
	IKE_ATTR_ENC		= 1,
	IKE_ATTR_HASH		= 2,
	IKE_ATTR_AUTH		= 3,
	IKE_ATTR_GROUP		= 4,
	IKE_ATTR_GROUP_TYPE	= 5,
	IKE_ATTR_LIFE_TYPE	= 11,
	IKE_ATTR_LIFE_DUR	= 12,
	IKE_ATTR_PRF		= 13,
	IKE_ATTR_KEYLEN		= 14,
};

/* Phase 1 encryption algorithms (RFC 2409 appendix A, RFC 3602). */
enum ike_enc {
	IKE_ENC_DES		= 1,
	IKE_ENC_3DES		= 5,
	IKE_ENC_AES		= 7,
};

/* Phase 1 hash algorithms (RFC 2409 appendix A, RFC 4868). */
enum ike_hash {
	IKE_HASH_MD5		= 1,
	IKE_HASH_SHA1		= 2,
	IKE_HASH_SHA256		= 4,
};

#define IKE_AUTH_PSK		1
#define IKE_LIFE_SECONDS	1

/* IPsec DOI attribute types (RFC 2407 4.5). */
enum ike_p2_attr {
	IKE_P2_LIFE_TYPE	= 1,
	IKE_P2_LIFE_DUR		= 2,
	IKE_P2_GROUP		= 3,
	IKE_P2_ENCAP		= 4,
	IKE_P2_AUTH		= 5,
	IKE_P2_KEYLEN		= 6,
};

/* ESP transform IDs (RFC 2407 4.4.4). */
enum ike_esp_id {
	IKE_ESP_3DES		= 3,
	IKE_ESP_AES		= 12,
};

/* IPsec authentication algorithms (RFC 2407 4.5, RFC 4868). */
enum ike_esp_auth {
	IKE_ESP_AUTH_MD5	= 1,
	IKE_ESP_AUTH_SHA1	= 2,
	IKE_ESP_AUTH_SHA256	= 5,
};

#define IKE_ENCAP_TUNNEL	1
#define IKE_ENCAP_TRANSPORT	2

/* Identification types (RFC 2407 4.6.2.1). */
enum ike_id_type {
	IKE_ID_IPV4_ADDR	= 1,
	IKE_ID_FQDN		= 2,
	IKE_ID_USER_FQDN	= 3,
	IKE_ID_IPV4_ADDR_SUBNET	= 4,
	IKE_ID_KEY_ID		= 11,
};

/* Notify message types (RFC 2408 3.14.1, RFC 2407 4.6.3). */
enum ike_notify {
	IKE_N_INVALID_PAYLOAD_TYPE	= 1,
	IKE_N_DOI_NOT_SUPPORTED		= 2,
	IKE_N_SITUATION_NOT_SUPPORTED	= 3,
	IKE_N_INVALID_COOKIE		= 4,
	IKE_N_INVALID_MAJOR_VERSION	= 5,
	IKE_N_INVALID_MINOR_VERSION	= 6,
	IKE_N_INVALID_EXCHANGE_TYPE	= 7,
	IKE_N_INVALID_FLAGS		= 8,
	IKE_N_INVALID_MESSAGE_ID	= 9,
	IKE_N_INVALID_PROTOCOL_ID	= 10,
	IKE_N_INVALID_SPI		= 11,
	IKE_N_INVALID_TRANSFORM_ID	= 12,
	IKE_N_ATTRIBUTES_NOT_SUPPORTED	= 13,
	IKE_N_NO_PROPOSAL_CHOSEN	= 14,
	IKE_N_BAD_PROPOSAL_SYNTAX	= 15,
	IKE_N_PAYLOAD_MALFORMED		= 16,
	IKE_N_INVALID_KEY_INFORMATION	= 17,
	IKE_N_INVALID_ID_INFORMATION	= 18,
	IKE_N_INVALID_HASH_INFORMATION	= 23,
	IKE_N_AUTHENTICATION_FAILED	= 24,
	IKE_N_UNEQUAL_PAYLOAD_LENGTHS	= 30,
	IKE_N_CONNECTED			= 16384,
	IKE_N_RESPONDER_LIFETIME	= 24576,
	IKE_N_INITIAL_CONTACT		= 24578,
};

/*
 * Error codes. Functions that can fail return 0 or one of these
 * (negative) values, and describe the failure in a struct ike_diag.
 */
enum ike_err {
	IKE_OK		=  0,
	IKE_ESHORT	= -1,	/* input ended inside a field */
	IKE_EMALFORMED	= -2,	/* field value breaks the RFC */
	IKE_ESTATE	= -3,	/* valid message, wrong moment */
	IKE_EUNSUPP	= -4,	/* valid, but ikelab does not do it */
	IKE_ECRYPTO	= -5,	/* OpenSSL failed, or a check on keys */
	IKE_ESYNTAX	= -6,	/* command or setting syntax */
	IKE_ENOMEM	= -7,
	IKE_EAUTH	= -8,	/* a hash did not verify */
	IKE_ENOENT	= -9,	/* no such packet, rule, knob... */
	IKE_ELIMIT	= -10,	/* a size or count cap was exceeded */
};

/*
 * What went wrong and where. OFF is a byte offset into the message
 * (SIZE_MAX when the problem is not about bytes); PLD names the payload
 * being read ("" if none); NOTIFY is the ISAKMP notify type a real peer
 * would answer with (0 if none).
 */
struct ike_diag {
	enum ike_err	 code;
	uint16_t	 notify;
	size_t		 off;
	char		 pld[12];
	char		 msg[160];
};

#define IKE_DIAG_INIT	{ IKE_OK, 0, SIZE_MAX, "", "" }

/* Fill DG (if not NULL) and return CODE, for "return diag_set(...)". */
int	diag_set(struct ike_diag *dg, enum ike_err code, size_t off,
	    const char *fmt, ...) IKE_PRINTF(4, 5);

/* Name the payload a diagnostic is about (copies at most 11 bytes). */
void	diag_pld(struct ike_diag *dg, const char *pld);
/*
 * DG as one line for a reason: "NONCE payload at offset 56: ...",
 * "offset 20: ..." without a payload name, or the message alone.
 */
void	diag_text(const struct ike_diag *dg, char *out, size_t len);

/* Short name of an error code ("short input", "malformed", ...). */
const char *ike_err_name(int code);

/* Names of protocol numbers; NULL when the value has no name. */
const char *ike_pld_name(unsigned int type);
const char *ike_exch_name(unsigned int type);
const char *ike_notify_name(unsigned int type);

#endif /* IKELAB_CORE_IKE_H */
