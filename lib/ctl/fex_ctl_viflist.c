/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * viflist.set / get / list / delete (SPEC §5: VIF-list id -> member
 * VIFs, for downstream flood frames), and the lists' part of the state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fex_vif.h>

#include "fex_ctl_priv.h"

static json_t *
viflist_json(uint16_t id, const uint16_t *vifs, unsigned int n)
{
	json_t *a = json_array();
	unsigned int i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_integer(vifs[i]));
	return json_pack("{s:i, s:o}", "id", (int)id, "vifs", a);
}

/* The list as JSON, or NULL (absent) with *found false. */
static json_t *
viflist_current(struct fex_ctl *ctl, uint16_t id, bool *found)
{
	uint16_t vifs[FEX_VIF_MAX];
	int n = fex_viflist_get(ctl->db, id, vifs, RTE_DIM(vifs));

	*found = n >= 0;
	return n >= 0 ? viflist_json(id, vifs, (unsigned int)n) : NULL;
}

static int
viflist_id(const json_t *params, const char *const *fields, uint16_t *id,
	   struct fex_ctl_err *err)
{
	uint64_t v;

	if (param_only(params, fields, err) < 0 || param_cluster(params, err) < 0 ||
	    param_uint(params, "id", true, 1, FEX_VIFLIST_MAX, "VIF-list id",
		       &v, err) < 0)
		return -1;
	*id = (uint16_t)v;
	return 0;
}

/* The action of viflist.set. 0, or -1 with err. */
static int
viflist_apply(struct fex_ctl *ctl, uint16_t id, const uint16_t *vifs,
	      unsigned int n, struct fex_ctl_err *err)
{
	char msg[CTL_MSG_LEN] = "";
	int rc;

	rc = fex_viflist_set(ctl->db, id, vifs, n, msg, sizeof(msg));
	if (rc < 0)
		return ctl_vif_error(err, rc, strncmp(msg, "id:", 3) == 0 ?
				     "id" : "vifs", msg, false);
	return 0;
}

int
fex_ctl_viflist_set(struct fex_ctl *ctl, uint16_t id, const uint16_t *vifs,
		    unsigned int n, struct fex_ctl_err *err)
{
	int rc;

	if (ctl_change_start(ctl, "viflist.set", err) < 0)
		return -1;
	rc = viflist_apply(ctl, id, vifs, n, err);
	return ctl_change_end(ctl, "viflist.set", rc == 0, err);
}

static int
ctl_viflist_set(struct fex_ctl *ctl, const json_t *params, json_t **result,
		struct fex_ctl_err *err)
{
	static const char *const fields[] = { "id", "vifs", "cluster", NULL };
	uint16_t vifs[FEX_VIF_MAX];
	unsigned int n;
	uint16_t id;

	if (viflist_id(params, fields, &id, err) < 0 ||
	    param_uint_list(params, "vifs", true, FEX_VIF_MIN, FEX_VIF_MAX,
			    "VIF ids", vifs, RTE_DIM(vifs), &n, err) < 0 ||
	    viflist_apply(ctl, id, vifs, n, err) < 0)
		return -1;
	*result = viflist_json(id, vifs, n);
	return 0;
}

static int
m_viflist_set(struct fex_ctl *ctl, json_t *params, json_t **result,
	      struct fex_ctl_err *err)
{
	return ctl_viflist_set(ctl, params, result, err);
}

static int
m_viflist_get(struct fex_ctl *ctl, json_t *params, json_t **result,
	      struct fex_ctl_err *err)
{
	static const char *const fields[] = { "id", "cluster", NULL };
	bool found;
	uint16_t id;

	if (viflist_id(params, fields, &id, err) < 0)
		return -1;
	*result = viflist_current(ctl, id, &found);
	if (!found) {
		fex_ctl_err_set(err, FEX_CTL_E_NOT_FOUND, "id",
			"VIF list %u does not exist; see viflist.list", id);
		return -1;
	}
	return *result != NULL ? 0 : ctl_no_memory(err);
}

static int
viflist_list_cb(uint16_t id, const uint16_t *vifs, unsigned int n, void *arg)
{
	json_t *o = viflist_json(id, vifs, n);

	if (o == NULL)
		return -ENOMEM;
	return json_array_append_new(arg, o) == 0 ? 0 : -ENOMEM;
}

static int
m_viflist_list(struct fex_ctl *ctl, json_t *params, json_t **result,
	       struct fex_ctl_err *err)
{
	static const char *const fields[] = { "cluster", NULL };
	json_t *a;

	if (param_only(params, fields, err) < 0 || param_cluster(params, err) < 0)
		return -1;
	a = json_array();
	if (a == NULL || fex_viflist_foreach(ctl->db, viflist_list_cb, a) < 0) {
		json_decref(a);
		return ctl_no_memory(err);
	}
	*result = a;
	return 0;
}

/* The action of viflist.delete. 0, or -1 with err. */
static int
viflist_remove(struct fex_ctl *ctl, uint16_t id, struct fex_ctl_err *err)
{
	char msg[CTL_MSG_LEN] = "";
	int rc;

	if (fex_viflist_get(ctl->db, id, NULL, 0) < 0) {
		fex_ctl_err_set(err, FEX_CTL_E_NOT_FOUND, "id",
			"VIF list %u does not exist; see viflist.list", id);
		return -1;
	}
	rc = fex_viflist_delete(ctl->db, id, msg, sizeof(msg));
	if (rc < 0)
		return ctl_vif_error(err, rc, "id", msg, false);
	return 0;
}

int
fex_ctl_viflist_delete(struct fex_ctl *ctl, uint16_t id, struct fex_ctl_err *err)
{
	int rc;

	if (ctl_change_start(ctl, "viflist.delete", err) < 0)
		return -1;
	rc = viflist_remove(ctl, id, err);
	return ctl_change_end(ctl, "viflist.delete", rc == 0, err);
}

static int
m_viflist_delete(struct fex_ctl *ctl, json_t *params, json_t **result,
		 struct fex_ctl_err *err)
{
	static const char *const fields[] = { "id", "cluster", NULL };
	uint16_t id;

	if (viflist_id(params, fields, &id, err) < 0 ||
	    viflist_remove(ctl, id, err) < 0)
		return -1;
	*result = json_pack("{s:i, s:b}", "id", (int)id, "deleted", 1);
	return 0;
}

static const struct fex_ctl_method methods[] = {
	{ "viflist.set", "{id, vifs, cluster?}", FEX_CTL_MUTATES, m_viflist_set },
	{ "viflist.get", "{id, cluster?}", 0, m_viflist_get },
	{ "viflist.list", "{cluster?}", 0, m_viflist_list },
	{ "viflist.delete", "{id, cluster?}", FEX_CTL_MUTATES, m_viflist_delete },
};

int
ctl_viflist_register(struct fex_ctl *ctl)
{
	return ctl_register_table(ctl, methods, RTE_DIM(methods));
}

/* ---------------------------------------------------------------- state */

json_t *
ctl_viflist_dump(struct fex_ctl *ctl)
{
	json_t *a = json_array();

	if (a != NULL && fex_viflist_foreach(ctl->db, viflist_list_cb, a) < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

int
ctl_viflist_restore(struct fex_ctl *ctl, const json_t *e,
		    struct fex_ctl_err *err)
{
	json_t *res = NULL;
	int rc = ctl_viflist_set(ctl, e, &res, err);

	json_decref(res);
	return rc;
}
