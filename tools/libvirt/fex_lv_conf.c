/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /etc/fexpath/libvirt.conf (tools/libvirt/install.sh writes it): where
 * fexpath's control socket and vNIC sockets are, for the hook and the
 * agent alike. "key = value" lines, '#' starts a comment.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fex_lv.h"

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
set_str(char *dst, size_t size, const char *val, const char *file, unsigned int line,
	const char *key, char *err, size_t len)
{
	if (val[0] == '\0' || strlen(val) >= size) {
		snprintf(err, len, "%s:%u: %s: allowed: 1..%zu bytes", file, line, key,
			 size - 1);
		return -1;
	}
	snprintf(dst, size, "%s", val);
	return 0;
}

static int
set_uint(unsigned int *dst, const char *val, unsigned int max, const char *file,
	 unsigned int line, const char *key, char *err, size_t len)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(val, &end, 10);
	if (val[0] == '\0' || *end != '\0' || errno != 0 || v > max) {
		snprintf(err, len, "%s:%u: %s '%s': allowed: 0..%u", file, line, key, val, max);
		return -1;
	}
	*dst = (unsigned int)v;
	return 0;
}

int
fex_lv_conf_load(struct fex_lv_conf *c, const char *file, bool must_exist,
		 char *err, size_t len)
{
	char buf[1024];
	unsigned int line = 0;
	FILE *f;
	int rc = 0;

	snprintf(c->control, sizeof(c->control), "%s", FEX_CTL_DEFAULT_PATH);
	snprintf(c->vhost_dir, sizeof(c->vhost_dir), "%s", FEX_LV_VHOST_DIR);
	snprintf(c->uri, sizeof(c->uri), "%s", FEX_LV_URI);
	c->reconcile_s = 60;
	c->timeout_s = 30;
	f = fopen(file, "r");
	if (f == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		snprintf(err, len, "%s: %s", file, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(buf, sizeof(buf), f) != NULL) {
		char *s, *eq, *key, *val;

		line++;
		s = strchr(buf, '#');
		if (s != NULL)
			*s = '\0';
		s = trim(buf);
		if (*s == '\0')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL) {
			snprintf(err, len, "%s:%u: not 'key = value': %.60s", file, line, s);
			rc = -1;
			break;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (strcmp(key, "control") == 0)
			rc = set_str(c->control, sizeof(c->control), val, file, line, key, err, len);
		else if (strcmp(key, "vhost_dir") == 0)
			rc = set_str(c->vhost_dir, sizeof(c->vhost_dir), val, file, line, key,
				     err, len);
		else if (strcmp(key, "uri") == 0)
			rc = set_str(c->uri, sizeof(c->uri), val, file, line, key, err, len);
		else if (strcmp(key, "reconcile_s") == 0)
			rc = set_uint(&c->reconcile_s, val, 86400, file, line, key, err, len);
		else if (strcmp(key, "timeout_s") == 0)
			rc = set_uint(&c->timeout_s, val, 3600, file, line, key, err, len);
		else {
			snprintf(err, len, "%s:%u: unknown key '%s'; allowed: control, vhost_dir, "
				 "uri, reconcile_s, timeout_s", file, line, key);
			rc = -1;
		}
	}
	fclose(f);
	if (rc == 0 && c->timeout_s == 0)
		c->timeout_s = 1;
	return rc;
}
