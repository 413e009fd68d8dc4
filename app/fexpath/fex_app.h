/* SPDX-License-Identifier: BSD-3-Clause */
/* Glue between the dataplane and the outside: control hooks (hooks.c)
 * and the start-up config's profiles and VIFs (config_sections.c);
 * statistics are stats.h's. */
#ifndef FEX_APP_H
#define FEX_APP_H

#include <stdio.h>

#include <jansson.h>

#include "fex_ctl.h"
#include "fex_dp.h"

/* Hooks for lib/ctl backed by the dataplane (ctx = struct fex_dp *). */
void fex_app_hooks(struct fex_dp *dp, struct fex_ctl_hooks *hooks);

/* Apply the [profile NAME], [vif ID] and [viflist ID] sections of the
 * config file (config_sections.c) with lib/ctl's typed calls: the
 * actions of the control methods, same checks, each change saved and
 * then published. 0 or -EINVAL with a message in err naming the section.
 * Thread safety: before fex_ctl_start() (the control thread's role). */
int fex_app_load_sections(struct fex_ctl *ctl, struct fex_vif_db *db,
			  const char *path, char *err, size_t errlen);


#endif
