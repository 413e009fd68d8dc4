/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The idiom of every "0, or -errno with a message for a person" function:
 * write the message into err (when the caller gave one) and return rc.
 *   return fex_fail(-ENOENT, err, errlen, "no interface %s", name);
 * libc only, so the EAL-free parts (port specs, the etcd client, the
 * control socket's client) use it too.
 */
#ifndef FEX_FAIL_H
#define FEX_FAIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

static inline int __attribute__((format(printf, 4, 5)))
fex_fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

#endif
