/* SPDX-License-Identifier: BSD-3-Clause */
/* What test_vif.c and test_vif_tables.c share: a profile with the
 * defaults and the given name. Test programs only. */
#ifndef TEST_VIF_COMMON_H
#define TEST_VIF_COMMON_H

#include <stdio.h>

#include "fex_vif.h"

static inline struct fex_profile
prof(const char *name)
{
	struct fex_profile p;

	fex_profile_defaults(&p);
	snprintf(p.name, sizeof(p.name), "%s", name);
	return p;
}

#endif
