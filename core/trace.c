/*
 * trace.c: the append-only event record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "trace.h"

static const char *const kind_names[TR_NKINDS] = {
	[TR_SEND] = "send",
	[TR_RESEND] = "resend",
	[TR_DELIVER] = "deliver",
	[TR_DROP] = "drop",
	[TR_DELAY] = "delay",
	[TR_DUP] = "dup",
	[TR_SWAP] = "swap",
	[TR_CORRUPT] = "corrupt",
	[TR_INJECT] = "inject",
	[TR_RULE_MATCH] = "rule_match",
	[TR_DISCARD] = "discard",
	[TR_FRAGMENT] = "fragment",
	[TR_REASSEMBLE] = "reassemble",
	[TR_STATE] = "state",
	[TR_TIMER_ARMED] = "timer_armed",
	[TR_TIMER_FIRED] = "timer_fired",
	[TR_TIMER_CANCELLED] = "timer_cancelled",
	[TR_GIVE_UP] = "give_up",
	[TR_NOTIFY] = "notify",
	[TR_SA_UP] = "sa_up",
	[TR_SA_DELETED] = "sa_deleted",
	[TR_RESTART] = "restart",
	[TR_KEYS] = "keys",
	[TR_ESP] = "esp",
};

int
trace_add(struct trace *t, const struct tr_event *ev)
{
	struct tr_event	*nev;
	size_t		 cap;

	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 256;
		nev = realloc(t->ev, cap * sizeof(*nev));
		if (nev == NULL)
			return IKE_ENOMEM;
		t->ev = nev;
		t->cap = cap;
	}
	t->ev[t->n++] = *ev;
	return IKE_OK;
}

void
trace_free(struct trace *t)
{
	free(t->ev);
	memset(t, 0, sizeof(*t));
}

const char *
trace_kind_name(enum tr_kind kind)
{
	if ((unsigned int)kind >= TR_NKINDS)
		return "unknown";
	return kind_names[kind];
}

const char *
trace_state_mark(const struct tr_event *ev, char *out, size_t len)
{
	if (ev->msgid != 0 && strncmp(ev->to, "QM", 2) != 0)
		snprintf(out, len, "QM %s", ev->to);
	else
		snprintf(out, len, "%s", ev->to);
	return out;
}
