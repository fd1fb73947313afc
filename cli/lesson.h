/*
 * lesson.h: guided lessons. A lesson is a plain-text file (format in
 * lessons/README.md) of narration, commands the lesson runs, tasks the
 * student does with their own commands, checks on the trace and the
 * peers' state that decide whether a task is done, questions with
 * accepted answers, hints, and a reference path (the intended student
 * commands and answers) that the check mode replays.
 */
#ifndef IKELAB_CLI_LESSON_H
#define IKELAB_CLI_LESSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"

#define LSN_COLS	72	/* longest line of a lesson file */
#define LSN_ERR_LEN	CLI_ERR_LEN
#define LSN_KIND_SENT	TR_NKINDS	/* pseudo kind: send or resend */

/* Directives, one per line. */
enum lsn_dir {
	LD_TITLE, LD_GOAL, LD_SEED,		/* the header */
	LD_SAY, LD_RUN, LD_TASK, LD_ASK,	/* the steps, in order */
	LD_CHECK, LD_HINT, LD_SOLUTION, LD_ANSWER,	/* attached */
};

/*
 * A pattern over trace events: KIND (an enum tr_kind, or
 * LSN_KIND_SENT), PEER ('i', 'r' or 0 for either), SEL (a label
 * selector as rules use it, or for `state` events the new state; ""
 * for any) and REASON (a case-insensitive substring; "" for any).
 */
struct lsn_match {
	int		 kind;
	char		 peer;
	char		 sel[TR_LABEL_LEN];
	char		 reason[TR_TEXT_LEN];
};

enum lsn_ck {
	LC_EVENT,	/* some event matches */
	LC_NO_EVENT,	/* no event matches */
	LC_COUNT,	/* exactly NUM events match */
	LC_TIME,	/* the first match is at NUM ms */
	LC_STATE,	/* PEER is in state NAME (phase 1 or a Quick Mode) */
	LC_SETTING,	/* setting NAME of PEER reads VALUE */
};

struct lsn_check {
	enum lsn_ck	 kind;
	struct lsn_match m;
	uint64_t	 num;
	char		 peer;
	char		 name[32];
	char		 value[160];
};

enum lsn_ans {
	LA_TEXT,	/* the text itself */
	LA_TIME,	/* = time MATCH: t_ms of the first match */
	LA_COUNT,	/* = count MATCH */
	LA_PKT,		/* = pkt MATCH: packet number of the first match */
	LA_HEX,		/* = hex PEER FIELD: a value the peer holds */
};

struct lsn_answer {
	enum lsn_ans	 kind;
	struct lsn_match m;
	char		 peer;
	char		 field[16];
};

/* One directive with the place it came from. */
struct lsn_line {
	unsigned int	 no;		/* line number in the file */
	enum lsn_dir	 dir;
	char		*text;		/* everything after the directive */
	struct lsn_check ck;		/* LD_CHECK */
	struct lsn_answer ans;		/* LD_ANSWER */
};

struct lesson {
	char		*path;		/* as given; used in messages */
	char		*name;		/* file name without .txt */
	char		*title;
	uint64_t	 seed;
	struct lsn_line	*lines;
	size_t		 n;
	unsigned int	 ntasks;
	unsigned int	 nasks;
	unsigned int	 nchecks;
};

/*
 * Parse a lesson from F, named PATH in messages. 0 and *OUT, or a
 * negative ike_err with "PATH:LINE: what is wrong" in ERR.
 */
int	lesson_parse(FILE *f, const char *path, struct lesson **out,
	    char *err, size_t err_len);
/* Open and parse the lesson file PATH (see lesson_parse). */
int	lesson_load(const char *path, struct lesson **out, char *err,
	    size_t err_len);
/* Free a lesson; NULL is fine. */
void	lesson_free(struct lesson *l);

/*
 * Does check C hold in session S? When it does not, WHY says what was
 * seen instead (one line).
 */
bool	lesson_check_holds(const struct sess *s, const struct lsn_check *c,
	    char *why, size_t why_len);
/*
 * Is TEXT an accepted answer to the question whose answers are
 * LINES[from..to) (only LD_ANSWER lines count)? S computes answers.
 */
bool	lesson_answer_ok(const struct sess *s, const struct lsn_line *lines,
	    size_t from, size_t to, const char *text);

/*
 * The check mode: run L's reference path in CLI (quietly): the `run`
 * lines, each task's solution (after making sure its checks do not
 * hold yet) and then its checks, and each question's reference answer.
 * 0, or a negative ike_err with "PATH:LINE: why" in cli->err.
 */
int	lesson_verify(struct cli *cli, const struct lesson *l);
/* `ikelab --check-lesson PATH`: 0 valid and passing, 1 otherwise. */
int	lesson_check_file(const char *path, FILE *out, FILE *err);

/* The `lesson` command (table row in cmd.c). */
int	cli_cmd_lesson(struct cli *cli, int argc, char **argv);
/* `ikelab --lesson NAME`: start lesson NAME in CLI. */
int	lesson_begin(struct cli *cli, const char *name);
/*
 * The names of the lesson files (without ".txt"), sorted, for
 * completion; *N of them. Free with lesson_names_free. NULL when there
 * is no lessons directory.
 */
char  **lesson_names(size_t *n);
void	lesson_names_free(char **v, size_t n);
/* Forget the running lesson of CLI (before cli_free). */
void	lesson_end(struct cli *cli);

/*
 * Progress, one line per lesson "NAME<TAB>DONE<TAB>TOTAL" in
 * $XDG_STATE_HOME/ikelab/progress (~/.local/state/ikelab/progress).
 * The file's path into OUT; -1 when neither variable is usable.
 */
int	lesson_progress_path(char *out, size_t len);
/* DONE and TOTAL of lesson NAME in file PATH; false if not recorded. */
bool	lesson_progress_get(const char *path, const char *name,
	    unsigned int *done, unsigned int *total);
/*
 * Record DONE of TOTAL for NAME in PATH (keeping the larger DONE),
 * through a temporary file of mode 0600. 0 or a negative ike_err.
 */
int	lesson_progress_set(const char *path, const char *name,
	    unsigned int done, unsigned int total);

#endif /* IKELAB_CLI_LESSON_H */
