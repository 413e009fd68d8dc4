/* SPDX-License-Identifier: BSD-3-Clause */
/* What fexctl's three files share: fexctl.c (main, options, the socket,
 * exit codes), fexctl_cmds.c (the table of subcommands, their usage and
 * their options as JSON params) and fexctl_print.c (the reply as tables,
 * and the server's error). jansson only, no DPDK. */
#ifndef FEXCTL_H
#define FEXCTL_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

extern const char *const fexctl_prog;	/* "fexctl", the first word of messages */

enum fexctl_opt_type {
	FEXCTL_T_STR,		/* string as is */
	FEXCTL_T_INT,		/* decimal integer */
	FEXCTL_T_LIST,		/* "10,20,30-40" -> [10,20,30,...,40]; "" -> [] */
	FEXCTL_T_BOOL,		/* yes|no|true|false|on|off|1|0 */
	FEXCTL_T_INT_OR_NULL,	/* integer, or "none" -> null */
};

struct fexctl_opt {
	const char *flag;	/* "--native-vlan" */
	const char *field;	/* "native_vlan" */
	enum fexctl_opt_type type;
	const char *help;
};

struct fexctl_cmd {
	const char *object;
	const char *verb;
	const char *method;
	const char *pos;	/* positional arg's field, NULL = none */
	enum fexctl_opt_type pos_type;
	bool pos_required;
	const char *pos_name;	/* in usage: NAME, ID */
	const struct fexctl_opt *opts;
	const char *const *required;	/* fields that must be given */
	const char *help;
	const char *const *columns;	/* table columns, NULL = every key */
};

/* ---- fexctl_cmds.c ---- */

/* The command of "<object> <verb>" (verb may be NULL); NULL if none, and
 * *object_known tells whether object names any command. */
const struct fexctl_cmd *fexctl_find_cmd(const char *object, const char *verb,
					 bool *object_known);

/* Build params from the words after "<object> <verb>". NULL after printing
 * why, or with *help set on --help. */
json_t *fexctl_build_params(const struct fexctl_cmd *c, int argc, char **argv,
			    bool *help);

/* A decimal integer into *out; 0, or -1 after printing why (naming flag). */
int fexctl_parse_int(const char *flag, const char *s, json_int_t *out);

/* Usage: of fexctl (every command), of one command (with its options),
 * of an object (its verbs). */
void fexctl_usage(FILE *f);
void fexctl_cmd_usage(FILE *f, const struct fexctl_cmd *c);
void fexctl_object_usage(FILE *f, const char *object);

/* ---- fexctl_print.c ---- */

/* A result for humans: a table of rows (c's columns, or every key),
 * "key  value" lines, or one value per line. c may be NULL. */
void fexctl_print_human(const struct fexctl_cmd *c, json_t *result);

/* The server's error on stderr, with the CLI option of the field it
 * names (c may be NULL). */
void fexctl_print_error(const struct fexctl_cmd *c, const char *method,
			const json_t *error);

#endif
