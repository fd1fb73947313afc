/*
 * export.h: files that other tools read, written from a session.
 *
 *   export_pcap       the packets of the link as a capture (pcapng with
 *                     one comment per packet, or classic pcap)
 *   export_keys       Wireshark's IKEv1 decryption table, and its ESP
 *                     SA table in PATH.esp_sa
 *   export_secrets    every secret of the exchange, label<TAB>hex
 *   export_psk_crack  the Aggressive Mode values ike-scan's psk-crack
 *                     reads, to crack the pre-shared key offline
 *
 * Every function returns 0, or a negative enum ike_err with a one-line
 * message (no trailing newline, no "save:" prefix) in ERR, e.g.
 * "out.pcap exists; use --force to overwrite" or "cannot write
 * out.pcap: Permission denied". A file is built in memory, written to a
 * temporary file next to PATH and renamed into place, so a failure
 * never leaves half a file, and an existing PATH is replaced only when
 * FORCE is true. Files that hold keys (keys, .esp_sa, secrets,
 * psk-crack) get mode 0600; a capture gets 0666 minus the umask.
 * Nothing in the session changes.
 *
 * Capture layout. Every packet of s->pkts, in number order (which is
 * send order), becomes one IPv4 datagram from the sender's address to
 * the other peer's (192.0.2.1 is the initiator, 192.0.2.2 the
 * responder), UDP port 500 to 500 (IP protocol 50 for a packet labelled
 * ESP), with correct IPv4 and UDP checksums and the IP identification
 * set to the packet number. Its timestamp is the packet's send time in
 * virtual time counted from the Unix epoch (t = 0 ms is 1970-01-01
 * 00:00:00 UTC). Dropped packets are included; a copy made by the link
 * is a record of its own at its copy time; a corrupted packet's record
 * holds the corrupted bytes. The link type is LINKTYPE_RAW (101).
 * pcapng records carry a comment: "#N LABEL", then "; "-separated
 * notes: copy of #M, injected, copied to #K, dropped, delayed,
 * swapped, corrupted (offset, bit, byte before and after), discarded by
 * the receiver, delivered at (after a delay or swap), in flight. Multi-
 * byte fields are written little-endian whatever the host.
 *
 * Key files. Keys come from the initiator (s->peer[PEER_I]), the
 * responder's phase 1 is added when its initiator cookie differs.
 * PATH gets one line per phase 1 SA, as Wireshark keeps its
 * "ikev1_decryption_table" UAT file (both columns are byte fields,
 * which a UAT file holds as bare hex; quoted, Wireshark would read the
 * 16 characters as 16 bytes and refuse the cookie):
 *     0123456789abcdef,<Ka in hex>
 * PATH.esp_sa gets two lines per completed Quick Mode, in the column
 * order of Wireshark's "esp_sa" UAT file (protocol, source, destination,
 * SPI, encryption, key, authentication, key):
 *     "IPv4","192.0.2.1","192.0.2.2","0x3190f61d","AES-CBC [RFC3602]",
 *     "0x<key>","HMAC-SHA-1-96 [RFC2404]","0x<key>"
 * (one line; initiator to responder uses the responder's SPI and
 * KEYMAT i>r, the other direction the initiator's SPI and KEYMAT r>i;
 * each KEYMAT is split into the encryption key, then the integrity key).
 * Both files are written, or neither.
 *
 * Secrets file. "#" lines are comments; every other line is
 * LABEL<TAB>lower-case hex; labels repeat and their order matters.
 * Phase 1, in this order, for each phase 1 SA:
 *     icookie rcookie gxi gxr gxy ni nr skeyid skeyid_d skeyid_a
 *     skeyid_e ka iv0 p1_lastblock
 * (ni/nr are the nonce payload bodies, gx* the KE bodies, iv0 the IV
 * of the first encrypted phase 1 message, p1_lastblock the last
 * ciphertext block of phase 1 from which later exchanges' IVs start.)
 * Then for each Quick Mode of the initiator, in order:
 *     qm_msgid (8 hex digits), qm_iv once per Quick Mode message that
 *     is known on the link (QM1, QM2, QM3: the IV it was encrypted
 *     with), then per direction with keys: spi_ir keymat_ir (initiator
 *     to responder), spi_ri keymat_ri (responder to initiator).
 *
 * psk-crack file. One line per Aggressive Mode exchange seen on the
 * link (a first AG1 and AG2 that parse), colon-separated hex:
 *     g_xr:g_xi:cky_r:cky_i:sai_b:idir_b:ni_b:nr_b:hash_r
 * taken from the packets as an eavesdropper sees them (so HASH_R is
 * the responder's, made with the responder's PSK). psk-crack handles
 * MD5 and SHA-1 only: an exchange with another prf is left out, and
 * when none is left nothing is written.
 */
#ifndef IKELAB_CLI_EXPORT_H
#define IKELAB_CLI_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "sess.h"

/* Link type of the capture: LINKTYPE_RAW, a bare IPv4 header first. */
#define EXPORT_LINKTYPE		101
/* Snap length announced in the capture headers. */
#define EXPORT_SNAPLEN		262144

/* Write the session's packets to PATH as pcapng, or pcap if CLASSIC. */
int	export_pcap(const struct sess *s, const char *path, bool classic,
	    bool force, char *err, size_t errlen);
/* Write Wireshark's IKEv1 key table to PATH and ESP SAs to PATH.esp_sa. */
int	export_keys(const struct sess *s, const char *path, bool force,
	    char *err, size_t errlen);
/* Write every key, nonce and IV as label<TAB>hex lines to PATH. */
int	export_secrets(const struct sess *s, const char *path, bool force,
	    char *err, size_t errlen);
/* Write the Aggressive Mode values in psk-crack's format to PATH. */
int	export_psk_crack(const struct sess *s, const char *path, bool force,
	    char *err, size_t errlen);

/*
 * The same contents, built in memory (appended to OUT) and not
 * written anywhere; for tests and for printing.
 */
int	export_capture_buf(const struct sess *s, bool classic,
	    struct buf *out, char *err, size_t errlen);
int	export_keys_buf(const struct sess *s, struct buf *keys,
	    struct buf *esp_sa, char *err, size_t errlen);
int	export_secrets_buf(const struct sess *s, struct buf *out, char *err,
	    size_t errlen);
int	export_psk_crack_buf(const struct sess *s, struct buf *out,
	    char *err, size_t errlen);

/*
 * The pcapng comment of packet PK ("#3 AG3; dropped: rule 1 (drop AG3
 * nth 1)") into OUT (cut to LEN - 1 bytes). It scans the whole trace;
 * export_capture_buf builds all comments in one pass instead.
 */
void	export_pkt_comment(const struct sess *s, const struct pkt *pk,
	    char *out, size_t len);

/*
 * Write the NFILES buffers DATA[k] to PATHS[k] (temporary file, then
 * rename), all or none, refusing to replace an existing file unless
 * FORCE. SECRET gives mode 0600, else 0666 minus the umask.
 */
int	export_write_files(const char *const *paths,
	    const struct buf *const *data, size_t nfiles, bool secret,
	    bool force, char *err, size_t errlen);

#endif /* IKELAB_CLI_EXPORT_H */
