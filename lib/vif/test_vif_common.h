/* SPDX-License-Identifier: BSD-3-Clause */
/* What the test programs on VIF tables share (lib/vif's and lib/dp's
 * policy test): a profile with the defaults and a name, a VIF binding,
 * and a database emptied between tests. Test programs only. */
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

static inline struct fex_vif_assoc
assoc(uint16_t vif, uint16_t port, const struct rte_ether_addr *mac,
      const char *uuid, const char *profile)
{
	struct fex_vif_assoc a = {
		.vif = vif, .port_id = port, .port_spec = "ring:test",
		.mac = *mac, .instance_uuid = uuid, .profile = profile,
	};

	return a;
}

static inline int
tvif_clean_vif(const struct fex_vif_info *v, void *arg)
{
	return fex_vif_disassociate(arg, v->vif, NULL, 0);
}

static inline int
tvif_clean_profile(const struct fex_profile *p, unsigned int n, void *arg)
{
	(void)n;
	return fex_profile_delete(arg, NULL, p->name, NULL, 0);
}

static inline int
tvif_clean_list(uint16_t id, const uint16_t *v, unsigned int n, void *arg)
{
	(void)v;
	(void)n;
	return fex_viflist_delete(arg, id, NULL, 0);
}

/* Remove every VIF, list and profile: each test starts from nothing. */
static inline int
tvif_clean(struct fex_vif_db *db)
{
	fex_vif_uplink_set(db, true);
	while (fex_vif_foreach(db, tvif_clean_vif, db) != 0)
		;
	while (fex_viflist_foreach(db, tvif_clean_list, db) != 0)
		;
	while (fex_profile_foreach(db, tvif_clean_profile, db) != 0)
		;
	return 0;
}

#endif
