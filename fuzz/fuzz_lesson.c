/*
 * fuzz_lesson.c: libFuzzer target for the lesson file parser
 * (lesson_parse), and for the checks and answers it produced, judged
 * against a finished session (the seed story on MODP group 1).
 *
 * Input: the text of a lesson file. Every check is evaluated, and every
 * question with the texts of all of the lesson's answer and solution
 * lines as the student's answer. Then the check mode (lesson_verify)
 * runs the lesson's reference path in a front end writing to
 * /dev/null, when every command in it is one that fuzz_safe.h allows
 * (the parser already refuses commands that touch files; this is a
 * second guard).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_safe.h"
#include "lesson.h"

#define FZ_LESSON_SEED	20240601u

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sess *world;
static FILE *devnull;

/* The session that checks look at: AG3 lost, then all completes. */
static const struct sess *
fz_world(void)
{
	struct ike_diag	 dg = IKE_DIAG_INIT;
	struct rule	 r;

	if (world != NULL)
		return world;
	if ((world = sess_new(FZ_LESSON_SEED)) == NULL ||
	    sess_set(world, 3, "group", "1", &dg) != IKE_OK)
		abort();
	sess_rule_init(&r, RULE_DROP, "AG3", 1);
	if (sess_rule_add(world, &r, &dg) < 0 ||
	    sess_start(world, &dg) != IKE_OK)
		abort();
	(void)sess_run(world, 600000, NULL, NULL);
	return world;
}

/* Judge every question of L with every answer text L holds. */
static void
ask_all(const struct sess *s, const struct lesson *l)
{
	size_t	 q, end, k;

	for (q = 0; q < l->n; q++) {
		if (l->lines[q].dir != LD_ASK)
			continue;
		for (end = q + 1; end < l->n && l->lines[end].dir != LD_ASK &&
		    l->lines[end].dir != LD_TASK && l->lines[end].dir !=
		    LD_SAY && l->lines[end].dir != LD_RUN; end++)
			;
		for (k = 0; k < l->n; k++)
			if ((l->lines[k].dir == LD_ANSWER ||
			    l->lines[k].dir == LD_SOLUTION) &&
			    l->lines[k].text != NULL)
				(void)lesson_answer_ok(s, l->lines, q + 1, end,
				    l->lines[k].text);
	}
}

/* Run L's reference path if all its commands are safe to run here. */
static void
verify(const struct lesson *l)
{
	struct cli	 cli;
	size_t		 k;

	for (k = 0; k < l->n; k++)
		if ((l->lines[k].dir == LD_RUN ||
		    l->lines[k].dir == LD_SOLUTION) &&
		    l->lines[k].text != NULL &&
		    !fz_line_is_safe(l->lines[k].text))
			return;
	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	cli_init(&cli, devnull, devnull);
	(void)lesson_verify(&cli, l);
	cli_free(&cli);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sess	*s = fz_world();
	struct lesson		*l = NULL;
	char			 err[LSN_ERR_LEN], why[256];
	size_t			 k;
	FILE			*f;

	if (size == 0)
		return 0;
	if ((f = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		abort();
	if (lesson_parse(f, "fuzz.txt", &l, err, sizeof(err)) == 0) {
		for (k = 0; k < l->n; k++)
			if (l->lines[k].dir == LD_CHECK)
				(void)lesson_check_holds(s, &l->lines[k].ck,
				    why, sizeof(why));
		ask_all(s, l);
		verify(l);
	} else if (err[0] == '\0')
		abort();	/* a refusal must say why */
	lesson_free(l);
	fclose(f);
	return 0;
}
