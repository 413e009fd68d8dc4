/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parameter parsing for the control methods. Each helper names the
 * field and the allowed values in its error, so a handler is a list of
 * calls and nothing else.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fex_ctl_priv.h"
#include "fex_vif.h"

const char *
param_allowed(const char *const *values, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; values[i] != NULL && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? ", " : "", values[i]);
	return buf;
}

static const char *
type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

int
param_only(const json_t *params, const char *const *allowed,
	   struct fex_ctl_err *err)
{
	const char *key;
	json_t *v;
	char buf[512];
	unsigned int i;

	if (params == NULL)
		return 0;
	json_object_foreach((json_t *)(uintptr_t)params, key, v) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL) {
			fex_ctl_err_set(err, FEX_CTL_E_PARAMS, key,
				"unknown field '%.48s'; allowed: %s", key,
				allowed[0] != NULL ? param_allowed(allowed, buf,
						sizeof(buf)) : "none");
			return -1;
		}
	}
	return 0;
}

/* The field, or NULL; -1 with err when required and absent. */
static int
field(const json_t *params, const char *name, bool required, json_t **v,
      const char *what, struct fex_ctl_err *err)
{
	*v = params != NULL ? json_object_get(params, name) : NULL;
	if (*v != NULL)
		return 0;
	if (required) {
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
				"%s is required: %s", name, what);
		return -1;
	}
	return 1;
}

/* A field that must be a JSON string: 1 absent, 0 and *v, or -1 (err set). */
static int
string_field(const json_t *params, const char *name, bool required,
	     const char *allowed, json_t **v, struct fex_ctl_err *err)
{
	int rc = field(params, name, required, v, allowed, err);

	if (rc != 0)
		return rc;
	if (!json_is_string(*v)) {
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
				"%s is %s; allowed: %s", name, type_name(*v), allowed);
		return -1;
	}
	return 0;
}

int
param_uint(const json_t *params, const char *name, bool required,
	   uint64_t min, uint64_t max, const char *what,
	   uint64_t *out, struct fex_ctl_err *err)
{
	char allowed[160];
	json_int_t i;
	json_t *v;
	int rc;

	snprintf(allowed, sizeof(allowed), "%s, an integer %" PRIu64 "..%" PRIu64,
		 what, min, max);
	rc = field(params, name, required, &v, allowed, err);
	if (rc != 0)
		return rc;
	if (!json_is_integer(v)) {
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
				"%s is %s; allowed: %s", name, type_name(v), allowed);
		return -1;
	}
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i < min || (uint64_t)i > max) {
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
				"%s %" JSON_INTEGER_FORMAT " is out of range; allowed: %s",
				name, i, allowed);
		return -1;
	}
	*out = (uint64_t)i;
	return 0;
}

int
param_str(const json_t *params, const char *name, bool required,
	  size_t maxlen, bool allow_empty, const char **out,
	  struct fex_ctl_err *err)
{
	char allowed[96];
	size_t len;
	json_t *v;
	int rc;

	snprintf(allowed, sizeof(allowed), "a string of %u..%zu characters",
		 allow_empty ? 0u : 1u, maxlen);
	rc = string_field(params, name, required, allowed, &v, err);
	if (rc != 0)
		return rc;
	len = json_string_length(v);
	if (len > maxlen || (len == 0 && !allow_empty)) {
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
				"%s has %zu characters; allowed: %s", name, len,
				allowed);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

int
param_enum(const json_t *params, const char *name, bool required,
	   const char *const *values, unsigned int *out,
	   struct fex_ctl_err *err)
{
	char buf[256], allowed[300];
	unsigned int i;
	json_t *v;
	int rc;

	snprintf(allowed, sizeof(allowed), "one of %s",
		 param_allowed(values, buf, sizeof(buf)));
	rc = field(params, name, required, &v, allowed, err);
	if (rc != 0)
		return rc;
	if (json_is_string(v))
		for (i = 0; values[i] != NULL; i++)
			if (strcmp(json_string_value(v), values[i]) == 0) {
				*out = i;
				return 0;
			}
	if (json_is_string(v))
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
				"%s '%.48s' is not allowed; allowed: %s", name,
				json_string_value(v), allowed);
	else
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
				"%s is %s; allowed: %s", name, type_name(v), allowed);
	return -1;
}

int
param_bool(const json_t *params, const char *name, bool required,
	   bool *out, struct fex_ctl_err *err)
{
	json_t *v;
	int rc;

	rc = field(params, name, required, &v, "true or false", err);
	if (rc != 0)
		return rc;
	if (!json_is_boolean(v)) {
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
				"%s is %s; allowed: true or false", name,
				type_name(v));
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

int
param_uint_list(const json_t *params, const char *name, bool required,
		uint64_t min, uint64_t max, const char *what,
		uint16_t *out, unsigned int maxn, unsigned int *n,
		struct fex_ctl_err *err)
{
	char allowed[200];
	size_t i, j;
	json_t *v, *e;
	int rc;

	snprintf(allowed, sizeof(allowed),
		 "an array of at most %u distinct %s (%" PRIu64 "..%" PRIu64 ")",
		 maxn, what, min, max);
	rc = field(params, name, required, &v, allowed, err);
	if (rc != 0)
		return rc;
	if (!json_is_array(v)) {
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
				"%s is %s; allowed: %s", name, type_name(v), allowed);
		return -1;
	}
	if (json_array_size(v) > maxn) {
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
				"%s has %zu entries; allowed: %s", name,
				json_array_size(v), allowed);
		return -1;
	}
	json_array_foreach(v, i, e) {
		json_int_t x;

		if (!json_is_integer(e)) {
			fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
					"%s[%zu] is %s; allowed: %s", name, i,
					type_name(e), allowed);
			return -1;
		}
		x = json_integer_value(e);
		if (x < 0 || (uint64_t)x < min || (uint64_t)x > max) {
			fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
					"%s[%zu] %" JSON_INTEGER_FORMAT " is out of "
					"range; allowed: %s", name, i, x, allowed);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (out[j] == (uint16_t)x) {
				fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
						"%s[%zu] %" JSON_INTEGER_FORMAT
						" is given twice; allowed: %s",
						name, i, x, allowed);
				return -1;
			}
		out[i] = (uint16_t)x;
	}
	*n = (unsigned int)json_array_size(v);
	return 0;
}

int
param_name(const json_t *params, const char *name, bool required,
	   const char **out, struct fex_ctl_err *err)
{
	static const char allowed[] = "1-31 characters of [A-Za-z0-9._-]";
	const char *s;
	json_t *v;
	int rc;

	rc = string_field(params, name, required, allowed, &v, err);
	if (rc != 0)
		return rc;
	s = json_string_value(v);
	/* the rule is lib/vif's; a NUL inside the JSON string breaks it too */
	if (strlen(s) != json_string_length(v) || !fex_profile_name_ok(s)) {
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
				"%s '%.40s' is not a valid name; allowed: %s",
				name, s, allowed);
		return -1;
	}
	*out = s;
	return 0;
}

int
param_mac(const json_t *params, const char *name, bool required,
	  uint8_t mac[6], struct fex_ctl_err *err)
{
	static const char allowed[] =
		"a unicast MAC address like 02:00:00:00:00:0a";
	unsigned int b[6], i;
	const char *s;
	json_t *v;
	char tail;
	int rc;

	rc = string_field(params, name, required, allowed, &v, err);
	if (rc != 0)
		return rc;
	s = json_string_value(v);
	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6 || (b[0] & 1) != 0 ||
	    (b[0] | b[1] | b[2] | b[3] | b[4] | b[5]) == 0) {
		fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
				"%s '%.40s' is not allowed; allowed: %s", name, s,
				allowed);
		return -1;
	}
	for (i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[i * 3]) ||
		    !isxdigit((unsigned char)s[i * 3 + 1]) ||
		    (i < 5 && s[i * 3 + 2] != ':')) {
			fex_ctl_err_set(err, FEX_CTL_E_PARAMS, name,
					"%s '%.40s' is not allowed; allowed: %s",
					name, s, allowed);
			return -1;
		}
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

int
param_cluster(const json_t *params, struct fex_ctl_err *err)
{
	const char *c;
	int rc;

	rc = param_str(params, "cluster", false, 64, false, &c, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (strcmp(c, "default") != 0) {
		fex_ctl_err_set(err, FEX_CTL_E_NOT_FOUND, "cluster",
				"cluster '%.48s' does not exist; allowed: default "
				"(the only cluster on this host)", c);
		return -1;
	}
	return 0;
}
