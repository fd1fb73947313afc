/*
 * line.h: the only way the REPL reaches line editing. Readline on a
 * terminal (with history and completion), getline otherwise; nothing
 * else in cli/ can tell the difference.
 */
#ifndef IKELAB_CLI_LINE_H
#define IKELAB_CLI_LINE_H

#include <stdbool.h>
#include <stdio.h>

struct cli;

/* Prepare line editing; USE_RL: stdin is a terminal. */
void	line_init(struct cli *cli, bool use_rl);
enum { LINE_TOO_LONG = 1, LINE_NUL = 2 };

/*
 * Read one line from IN (without its newline), or NULL at end of file.
 * *BAD is 0, or LINE_TOO_LONG (longer than CLI_LINE_MAX: cut) or
 * LINE_NUL (it held a NUL byte: emptied).
 */
char	*line_read(struct cli *cli, FILE *in, const char *prompt, int *bad);
/* Keep LINE in the history (never lines that set a psk). */
void	line_remember(struct cli *cli, const char *line);
void	line_free(struct cli *cli, char *line);
/* Save and close the history. */
void	line_done(struct cli *cli);
/* Was Ctrl-C pressed since the last call? (Clears the flag.) */
bool	line_interrupted(void);
/* Should LINE stay out of the history file (it sets a secret)? */
bool	line_is_secret(const char *line);

#endif /* IKELAB_CLI_LINE_H */
