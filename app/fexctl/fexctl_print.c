/* SPDX-License-Identifier: BSD-3-Clause */
/* fexctl's output for humans: a reply's result as tables and "key  value"
 * lines (VLAN lists collapsed to ranges), and the server's error with the
 * CLI option of the field it names. --json output is fexctl.c's.
 * See fexctl.h. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fexctl.h"

/* Scalars and short arrays as one cell: VLAN lists collapse to ranges. */
static void
cell(const json_t *v, char *buf, size_t len)
{
	size_t i, off = 0;
	json_t *e;

	buf[0] = '\0';
	switch (json_typeof(v)) {
	case JSON_STRING:
		snprintf(buf, len, "%s", json_string_value(v));
		break;
	case JSON_INTEGER:
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(buf, len, "%g", json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(buf, len, "yes");
		break;
	case JSON_FALSE:
		snprintf(buf, len, "no");
		break;
	case JSON_NULL:
		snprintf(buf, len, "-");
		break;
	case JSON_ARRAY:
		if (json_array_size(v) == 0) {
			snprintf(buf, len, "-");
			break;
		}
		for (i = 0; i < json_array_size(v) && off < len; i++) {
			json_int_t a, b;
			size_t j = i;

			e = json_array_get(v, i);
			if (!json_is_integer(e)) {
				char sub[256];

				cell(e, sub, sizeof(sub));
				off += (size_t)snprintf(buf + off, len - off, "%s%s",
							i ? "," : "", sub);
				continue;
			}
			a = json_integer_value(e);
			b = a;
			while (j + 1 < json_array_size(v) &&
			       json_is_integer(json_array_get(v, j + 1)) &&
			       json_integer_value(json_array_get(v, j + 1)) == b + 1) {
				j++;
				b++;
			}
			if (b > a + 1) {
				off += (size_t)snprintf(buf + off, len - off,
					"%s%" JSON_INTEGER_FORMAT "-%" JSON_INTEGER_FORMAT,
					i ? "," : "", a, b);
				i = j;
			} else {
				off += (size_t)snprintf(buf + off, len - off,
					"%s%" JSON_INTEGER_FORMAT, i ? "," : "", a);
			}
		}
		break;
	case JSON_OBJECT: {
		char *s = json_dumps(v, JSON_COMPACT);

		snprintf(buf, len, "%s", s != NULL ? s : "?");
		free(s);
		break;
	}
	}
}

static bool
all_objects(json_t *a)
{
	size_t i;
	json_t *e;

	if (!json_is_array(a) || json_array_size(a) == 0)
		return false;
	json_array_foreach(a, i, e)
		if (!json_is_object(e))
			return false;
	return true;
}

static void
print_table(json_t *rows, const char *const *columns, const char *indent)
{
	const char *cols[64];
	size_t w[64], ncol = 0, i, c;
	char buf[1024];
	const char *key;
	json_t *row, *v;

	if (columns != NULL) {
		for (ncol = 0; columns[ncol] != NULL && ncol < 64; ncol++)
			cols[ncol] = columns[ncol];
	} else {
		json_array_foreach(rows, i, row)
			json_object_foreach(row, key, v) {
				for (c = 0; c < ncol; c++)
					if (strcmp(cols[c], key) == 0)
						break;
				if (c == ncol && ncol < 64)
					cols[ncol++] = key;
			}
	}
	for (c = 0; c < ncol; c++) {
		w[c] = strlen(cols[c]);
		json_array_foreach(rows, i, row) {
			cell(json_object_get(row, cols[c]) ?
			     json_object_get(row, cols[c]) : json_null(), buf, sizeof(buf));
			if (strlen(buf) > w[c])
				w[c] = strlen(buf);
		}
	}
	fputs(indent, stdout);
	for (c = 0; c < ncol; c++) {
		size_t k;

		for (k = 0; cols[c][k] != '\0'; k++)
			putchar(cols[c][k] >= 'a' && cols[c][k] <= 'z' ?
				cols[c][k] - 'a' + 'A' : cols[c][k]);
		printf("%*s", c + 1 < ncol ? (int)(w[c] - k + 2) : 0, "");
	}
	putchar('\n');
	json_array_foreach(rows, i, row) {
		fputs(indent, stdout);
		for (c = 0; c < ncol; c++) {
			cell(json_object_get(row, cols[c]) ?
			     json_object_get(row, cols[c]) : json_null(), buf, sizeof(buf));
			printf("%-*s", c + 1 < ncol ? (int)w[c] + 2 : 0, buf);
		}
		putchar('\n');
	}
}

static void
print_object(json_t *o, const char *indent)
{
	char buf[4096], sub[64];
	size_t w = 0;
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v)
		if (strlen(key) > w)
			w = strlen(key);
	json_object_foreach(o, key, v) {
		if (json_is_object(v)) {
			printf("%s%s:\n", indent, key);
			snprintf(sub, sizeof(sub), "%s  ", indent);
			print_object(v, sub);
		} else if (all_objects(v)) {
			printf("%s%s:\n", indent, key);
			snprintf(sub, sizeof(sub), "%s  ", indent);
			print_table(v, NULL, sub);
		} else {
			cell(v, buf, sizeof(buf));
			printf("%s%-*s  %s\n", indent, (int)w + 1, key, buf);
		}
	}
}

void
fexctl_print_human(const struct fexctl_cmd *c, json_t *result)
{
	char buf[4096];
	size_t i;
	json_t *e;

	if (all_objects(result)) {
		print_table(result, c != NULL ? c->columns : NULL, "");
	} else if (json_is_array(result)) {
		if (json_array_size(result) == 0)
			printf("(none)\n");
		json_array_foreach(result, i, e) {
			cell(e, buf, sizeof(buf));
			printf("%s\n", buf);
		}
	} else if (json_is_object(result)) {
		print_object(result, "");
	} else {
		cell(result, buf, sizeof(buf));
		printf("%s\n", buf);
	}
}

/* The server's error, with the CLI option of the field it names. */
void
fexctl_print_error(const struct fexctl_cmd *c, const char *method,
		   const json_t *error)
{
	const json_t *data = json_object_get(error, "data");
	const char *field = json_string_value(json_object_get(data, "field"));
	const char *resp = json_string_value(json_object_get(data, "response"));
	const char *msg = json_string_value(json_object_get(error, "message"));
	const char *flag = NULL;

	if (c != NULL && field != NULL) {
		const struct fexctl_opt *o;

		for (o = c->opts; o->flag != NULL; o++)
			if (strcmp(o->field, field) == 0) {
				flag = o->flag;
				break;
			}
		if (flag == NULL && c->pos != NULL && strcmp(c->pos, field) == 0)
			flag = c->pos_name;
	}
	fprintf(stderr, "%s: %s: %s", fexctl_prog, method, msg != NULL ? msg : "error");
	if (flag != NULL)
		fprintf(stderr, " (%s)", flag[0] == '[' ? "ID" : flag);
	if (resp != NULL)
		fprintf(stderr, " [%s]", resp);
	fprintf(stderr, " (code %" JSON_INTEGER_FORMAT ")\n",
		json_integer_value(json_object_get(error, "code")));
}
