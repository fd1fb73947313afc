/*
 * esp.c: ESP packets (RFC 4303) through the SAs that Quick Mode set up.
 *
 * XXX: not built yet; `ping` refuses and an ESP packet is discarded.
 */
#include "engine.h"

int
sess_ping(struct sess *s, struct ike_diag *dg)
{
	(void)s;
	return diag_set(dg, IKE_EUNSUPP, SIZE_MAX,
	    "ping: ESP traffic is not supported yet");
}

void
esp_recv(struct sess *s, struct peer *p, struct pkt *pk)
{
	pk->st = PKT_DELIVERED;
	eng_eventf(s, TR_DISCARD, p->name, pk->num, pk->label,
	    "ESP is not supported yet");
}
