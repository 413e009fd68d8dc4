/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The [profile NAME], [vif ID] and [viflist ID] sections of the config
 * file, parsed into lib/vif's types and applied with lib/ctl's typed
 * calls (fex_ctl_profile_set() ...): the action functions the control
 * methods call, each change saved, then published. Ranges and the rest
 * of the rules are checked there, once; here only the INI spelling is.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>
#include <rte_common.h>
#include <rte_ether.h>

#include <fex_fail.h>
#include <fex_vif.h>

#include "fex_app.h"
#include "fex_id_list.h"

/* The largest section, keys included: a profile has 14 fields. */
#define SECTION_KEYS_MAX	32

/* A decimal integer 0..max (the field's type; its range is lib/vif's). */
static int
ini_uint(const char *key, const char *val, uint64_t max, uint64_t *out,
	 char *err, size_t errlen)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(val, &end, 10);
	if (val[0] < '0' || val[0] > '9' || *end != '\0' || errno != 0 || v > max)
		return fex_fail(-EINVAL, err, errlen,
			"%s: '%.32s' is not allowed; allowed: an "
			"integer 0-%" PRIu64, key, val, max);
	*out = v;
	return 0;
}

static int
ini_bool(const char *key, const char *val, bool *out, char *err, size_t errlen)
{
	if (strcmp(val, "true") == 0 || strcmp(val, "yes") == 0)
		*out = true;
	else if (strcmp(val, "false") == 0 || strcmp(val, "no") == 0)
		*out = false;
	else
		return fex_fail(-EINVAL, err, errlen,
			"%s: '%.32s' is not allowed; allowed: "
			"true, yes, false, no", key, val);
	return 0;
}

/* One of two names (lib/vif's parse and name functions). */
static int
ini_enum(const char *key, const char *val, const char *const *names,
	 int *out, char *err, size_t errlen)
{
	for (*out = 0; names[*out] != NULL; (*out)++)
		if (strcmp(val, names[*out]) == 0)
			return 0;
	return fex_fail(-EINVAL, err, errlen,
		"%s: '%.32s' is not allowed; allowed: %s, %s",
		key, val, names[0], names[1]);
}

struct vif_list {
	uint16_t *vifs;
	unsigned int max, n;
};

static int
vif_put(unsigned int lo, unsigned int hi, void *arg)
{
	struct vif_list *l = arg;

	for (; lo <= hi; lo++) {
		if (l->n == l->max)
			return -ENOSPC;
		l->vifs[l->n++] = (uint16_t)lo;
	}
	return 0;
}

/* "10,20,30-32" into vifs (at most max); *n set. The ids themselves are
 * lib/vif's to check. */
static int
ini_vif_list(const char *val, uint16_t *vifs, unsigned int max,
	     unsigned int *n, char *err, size_t errlen)
{
	struct vif_list l = { .vifs = vifs, .max = max };
	int rc = fex_id_list_parse(val, 0, UINT16_MAX, vif_put, &l, NULL);

	*n = l.n;
	if (rc == -ENOSPC)
		return fex_fail(-EINVAL, err, errlen,
			"vifs: at most %u members", max);
	if (rc < 0)
		return fex_fail(-EINVAL, err, errlen,
			"vifs: '%.32s' is not allowed; allowed: VIF "
			"ids and ranges, e.g. 10,11,20-29", val);
	return 0;
}

/* One key of a [profile NAME] section onto *p. */
static int
profile_key(struct fex_profile *p, const char *k, const char *v, char *err,
	    size_t errlen)
{
	uint64_t u;
	int e, rc = 0;

	if (strcmp(k, "description") == 0) {
		if (strlen(v) > FEX_PROFILE_DESC_MAX)
			return fex_fail(-EINVAL, err, errlen,
				"description: at most %d bytes",
				FEX_PROFILE_DESC_MAX);
		snprintf(p->description, sizeof(p->description), "%s", v);
	} else if (strcmp(k, "vlans") == 0) {
		rc = fex_vlan_list_parse(v, p->vlans, err, errlen);
	} else if (strcmp(k, "native_vlan") == 0) {
		if ((rc = ini_uint(k, v, UINT16_MAX, &u, err, errlen)) == 0)
			p->native_vlan = (uint16_t)u;
	} else if (strcmp(k, "cos") == 0) {
		if ((rc = ini_uint(k, v, INT16_MAX, &u, err, errlen)) == 0)
			p->cos = (int16_t)u;
	} else if (strcmp(k, "rate_kbps") == 0) {
		rc = ini_uint(k, v, UINT64_MAX, &p->rate_kbps, err, errlen);
	} else if (strcmp(k, "burst_bytes") == 0) {
		if ((rc = ini_uint(k, v, UINT32_MAX, &u, err, errlen)) == 0)
			p->burst_bytes = (uint32_t)u;
	} else if (strcmp(k, "ingress_rate_kbps") == 0) {
		rc = ini_uint(k, v, UINT64_MAX, &p->ingress_rate_kbps, err, errlen);
	} else if (strcmp(k, "ingress_burst_bytes") == 0) {
		if ((rc = ini_uint(k, v, UINT32_MAX, &u, err, errlen)) == 0)
			p->ingress_burst_bytes = (uint32_t)u;
	} else if (strcmp(k, "rate_mode") == 0) {
		if ((rc = ini_enum(k, v, fex_rate_mode_names, &e, err, errlen)) == 0)
			p->rate_mode = (enum fex_rate_mode)e;
	} else if (strcmp(k, "mac_forging") == 0) {
		if ((rc = ini_enum(k, v, fex_mac_forging_names, &e, err, errlen)) == 0)
			p->mac_forging = (enum fex_mac_forging)e;
	} else if (strcmp(k, "uplink_fail_action") == 0) {
		if ((rc = ini_enum(k, v, fex_uplink_fail_names, &e, err, errlen)) == 0)
			p->uplink_fail_action = (enum fex_uplink_fail)e;
	} else if (strcmp(k, "max_ports") == 0) {
		if ((rc = ini_uint(k, v, UINT16_MAX, &u, err, errlen)) == 0)
			p->max_ports = (uint16_t)u;
	} else if (strcmp(k, "io_performance") == 0) {
		if ((rc = ini_enum(k, v, fex_io_perf_names, &e, err, errlen)) == 0)
			p->io_performance = (enum fex_io_perf)e;
	} else if (strcmp(k, "enabled") == 0) {
		rc = ini_bool(k, v, &p->enabled, err, errlen);
	} else if (strcmp(k, "cluster") == 0) {
		rc = fex_cluster_check(v, err, errlen);
	} else {
		return fex_fail(-EINVAL, err, errlen,
			"unknown key '%.40s'; allowed: description, "
			"vlans, native_vlan, cos, rate_kbps, burst_bytes, rate_mode, "
			"ingress_rate_kbps, ingress_burst_bytes, mac_forging, "
			"uplink_fail_action, max_ports, io_performance, "
			"enabled, cluster", k);
	}
	return rc;
}

/* [profile NAME]: like profile.set, the keys given change the profile as
 * it is (restored from the state) or the defaults. */
static int
load_profile(struct fex_ctl *ctl, struct fex_vif_db *db, const char *name,
	     const struct rte_cfgfile_entry *e, int n, struct fex_ctl_err *cerr)
{
	struct fex_profile p;
	int i;

	if (!fex_profile_name_ok(name)) {
		fex_ctl_err_set(cerr, FEX_CTL_E_PARAMS, "name", "name: must be "
			"1-%d characters of [A-Za-z0-9._-]", FEX_PROFILE_NAME_MAX);
		return -1;
	}
	if (fex_profile_get(db, name, &p, NULL) < 0) {
		fex_profile_defaults(&p);
		snprintf(p.name, sizeof(p.name), "%s", name);
	}
	for (i = 0; i < n; i++)
		if (profile_key(&p, e[i].name, e[i].value, cerr->message,
				sizeof(cerr->message)) < 0) {
			cerr->code = FEX_CTL_E_PARAMS;
			return -1;
		}
	return fex_ctl_profile_set(ctl, &p, cerr);
}

/* [vif ID]: vif.associate. */
static int
load_vif(struct fex_ctl *ctl, const char *id, const struct rte_cfgfile_entry *e,
	 int n, struct fex_ctl_err *cerr)
{
	struct fex_vif_assoc a = { .port_spec = NULL };
	char *msg = cerr->message;
	size_t len = sizeof(cerr->message);
	bool mac = false;
	uint64_t u;
	int i, rc = 0;

	cerr->code = FEX_CTL_E_PARAMS;
	if (ini_uint("vif", id, UINT16_MAX, &u, msg, len) < 0)
		return -1;
	a.vif = (uint16_t)u;
	for (i = 0; i < n && rc == 0; i++) {
		const char *k = e[i].name, *v = e[i].value;

		if (strcmp(k, "port") == 0)
			a.port_spec = v;
		else if (strcmp(k, "profile") == 0)
			a.profile = v;
		else if (strcmp(k, "instance_uuid") == 0)
			a.instance_uuid = v;
		else if (strcmp(k, "cluster") == 0)
			a.cluster = v;
		else if (strcmp(k, "mac") == 0) {
			mac = rte_ether_unformat_addr(v, &a.mac) == 0;
			if (!mac)
				rc = fex_fail(-EINVAL, msg, len,
					"mac: '%.32s' is not a MAC "
					"address (e.g. 02:00:00:00:00:0a)", v);
		} else
			rc = fex_fail(-EINVAL, msg, len,
				"unknown key '%.40s'; allowed: port, "
				"mac, profile, instance_uuid, cluster", k);
	}
	if (rc == 0 && (a.port_spec == NULL || !mac || a.profile == NULL ||
			a.instance_uuid == NULL))
		rc = fex_fail(-EINVAL, msg, len,
			"missing key '%s'; needed: port, mac, "
			"profile, instance_uuid", a.port_spec == NULL ? "port" :
			!mac ? "mac" : a.profile == NULL ? "profile" :
			"instance_uuid");
	if (rc < 0)
		return -1;
	return fex_ctl_vif_associate(ctl, &a, NULL, cerr);
}

/* [viflist ID]: viflist.set. */
static int
load_viflist(struct fex_ctl *ctl, const char *id,
	     const struct rte_cfgfile_entry *e, int n, struct fex_ctl_err *cerr)
{
	uint16_t vifs[FEX_VIF_MAX];
	unsigned int nv = 0;
	bool have = false;
	uint64_t u;
	int i, rc = 0;

	cerr->code = FEX_CTL_E_PARAMS;
	if (ini_uint("id", id, UINT16_MAX, &u, cerr->message,
		     sizeof(cerr->message)) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		if (strcmp(e[i].name, "vifs") == 0) {
			rc = ini_vif_list(e[i].value, vifs, RTE_DIM(vifs), &nv,
					  cerr->message, sizeof(cerr->message));
			have = true;
		} else if (strcmp(e[i].name, "cluster") == 0) {
			rc = fex_cluster_check(e[i].value, cerr->message,
					       sizeof(cerr->message));
		} else {
			rc = fex_fail(-EINVAL, cerr->message, sizeof(cerr->message),
				"unknown key '%.40s'; allowed: vifs, cluster",
				e[i].name);
		}
	}
	if (rc == 0 && !have)
		rc = fex_fail(-EINVAL, cerr->message, sizeof(cerr->message),
			"missing key 'vifs'");
	if (rc < 0)
		return -1;
	return fex_ctl_viflist_set(ctl, (uint16_t)u, vifs, nv, cerr);
}

enum section_kind { SECT_PROFILE, SECT_VIF, SECT_VIFLIST, SECT_KINDS };

static const char *const section_prefix[SECT_KINDS] = {	/* dependency order */
	[SECT_PROFILE] = "profile ",
	[SECT_VIF] = "vif ",
	[SECT_VIFLIST] = "viflist ",
};

static int
load_section(struct fex_ctl *ctl, struct fex_vif_db *db, struct rte_cfgfile *file,
	     const char *sect, enum section_kind kind, char *err, size_t errlen)
{
	struct rte_cfgfile_entry e[SECTION_KEYS_MAX];
	struct fex_ctl_err cerr = { .code = 0 };
	const char *id = sect + strlen(section_prefix[kind]);
	int n, rc;

	n = rte_cfgfile_section_num_entries(file, sect);
	if (n > (int)RTE_DIM(e))
		return fex_fail(-EINVAL, err, errlen,
			"[%s]: %d keys, at most %zu", sect, n, RTE_DIM(e));
	n = rte_cfgfile_section_entries(file, sect, e, RTE_DIM(e));
	if (n < 0)
		n = 0;
	if (kind == SECT_PROFILE)
		rc = load_profile(ctl, db, id, e, n, &cerr);
	else if (kind == SECT_VIF)
		rc = load_vif(ctl, id, e, n, &cerr);
	else
		rc = load_viflist(ctl, id, e, n, &cerr);
	if (rc < 0)
		return fex_fail(-EINVAL, err, errlen,
			"[%s]: %s", sect, cerr.message);
	return 0;
}

int
fex_app_load_sections(struct fex_ctl *ctl, struct fex_vif_db *db, const char *path,
		      char *err, size_t errlen)
{
	struct rte_cfgfile *file;
	unsigned int k;
	int n, i, rc = 0;

	file = rte_cfgfile_load(path, CFG_FLAG_EMPTY_VALUES);
	if (file == NULL) {
		snprintf(err, errlen, "cannot read %s", path);
		return -EINVAL;
	}
	n = rte_cfgfile_num_sections(file, NULL, 0);
	{
		char *names[n > 0 ? n : 1];
		char buf[n > 0 ? n : 1][CFG_NAME_LEN];

		for (i = 0; i < n; i++)
			names[i] = buf[i];
		rte_cfgfile_sections(file, names, n);
		for (i = 0; i < n; i++) {
			bool known = strcmp(names[i], "fexpath") == 0;

			for (k = 0; k < SECT_KINDS; k++)
				known |= strncmp(names[i], section_prefix[k],
						 strlen(section_prefix[k])) == 0;
			if (!known) {
				snprintf(err, errlen, "%s: unknown section [%s]; allowed: "
					 "[fexpath], [profile NAME], [vif ID], [viflist ID]",
					 path, names[i]);
				rc = -EINVAL;
				goto out;
			}
		}
		for (k = 0; k < SECT_KINDS && rc == 0; k++)
			for (i = 0; i < n && rc == 0; i++)
				if (strncmp(names[i], section_prefix[k],
					    strlen(section_prefix[k])) == 0)
					rc = load_section(ctl, db, file, names[i],
							  (enum section_kind)k, err,
							  errlen);
	}
out:
	rte_cfgfile_close(file);
	return rc;
}
