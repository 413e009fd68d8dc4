/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>

#include "fex_id_list.h"

static int
id_parse(const char **s, unsigned int min, unsigned int max, unsigned int *out)
{
	unsigned long v = 0;
	const char *p = *s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (unsigned long)(*p++ - '0');
		if (v > max)
			return -EINVAL;
	}
	if (v < min)
		return -EINVAL;
	*s = p;
	*out = (unsigned int)v;
	return 0;
}

int
fex_id_list_parse(const char *s, unsigned int min, unsigned int max,
		  int (*put)(unsigned int lo, unsigned int hi, void *arg),
		  void *arg, const char **bad)
{
	const char *p = s;
	unsigned int lo, hi;
	int rc;

	if (s == NULL)
		return -EINVAL;
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return 0;
	for (;;) {
		const char *item;

		while (*p == ' ')
			p++;
		item = p;
		if (id_parse(&p, min, max, &lo) < 0)
			goto out_bad;
		hi = lo;
		if (*p == '-') {
			p++;
			if (id_parse(&p, min, max, &hi) < 0)
				goto out_bad;
			if (hi < lo) {
				if (bad != NULL)
					*bad = item;
				return -ERANGE;
			}
		}
		rc = put(lo, hi, arg);
		if (rc < 0)
			return rc;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			goto out_bad;
	}
out_bad:
	if (bad != NULL)
		*bad = p;
	return -EINVAL;
}
