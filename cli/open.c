/*
 * open.c: the `ping` command, and `open`, which reads a real capture.
 */
#include <string.h>

#include "cli.h"
#include "open.h"

int
cmd_ping(struct cli *cli, int argc, char **argv)
{
	struct ike_diag	dg = IKE_DIAG_INIT;
	int		rc;

	(void)argc;
	if ((rc = sess_ping(cli->s, &dg)) < 0)
		return cli_err(cli, "%s: %s", argv[0], dg.msg[0] != '\0' ?
		    dg.msg : ike_err_name(rc)), rc;
	return 0;
}
