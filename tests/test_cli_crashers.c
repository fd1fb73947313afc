/*
 * test_cli_crashers.c: inputs with which a fuzz target (fuzz/) made
 * cli/ crash, fed again through the same function as that target. The
 * crashes in core/ are in test_crashers.c; the reports are in the
 * fuzzing notes (fuzz-bugs.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "lesson.h"

/* fuzz_lesson's path: parse TEXT as lesson t.txt; its result and ERR. */
static int
parse_lesson(const char *text, char *err, size_t err_len)
{
	struct lesson	*l = NULL;
	char		*copy;
	size_t		 n = strlen(text);
	FILE		*f;
	int		 rc;

	/* Exactly N bytes, so that ASan sees any read past the end. */
	copy = malloc(n);
	assert_non_null(copy);
	memcpy(copy, text, n);
	f = fmemopen(copy, n, "r");
	assert_non_null(f);
	rc = lesson_parse(f, "t.txt", &l, err, err_len);
	fclose(f);
	free(copy);
	if (rc == 0)
		assert_non_null(l);
	else
		assert_null(l);
	lesson_free(l);
	return rc;
}

/*
 * A `check` line whose words are only a comment: the check parser read
 * the first word of an empty list, an uninitialised pointer (fuzz_lesson,
 * fuzz-bugs.md #3). It must be refused, naming line 2.
 */
static void
lesson_check_of_only_a_comment_is_refused(void **state)
{
	char	 err[LSN_ERR_LEN];

	(void)state;
	err[0] = '\0';
	assert_true(parse_lesson("task x\ncheck # y\n", err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "t.txt:2: "));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lesson_check_of_only_a_comment_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
