/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pure part of lib/vif: the names of the enums, counters and
 * responses and their parsers, VLAN lists (parse and format), profile
 * defaults and validation, the cluster and UUID checks, and the message
 * helper the actions share. No EAL, no tables, no state.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "fex_id_list.h"
#include "fex_vif_priv.h"

const char *const fex_vif_counter_names[FEX_VIF_CNT_MAX] = {
	[FEX_VIF_CNT_RX_PACKETS] = "rx_packets",
	[FEX_VIF_CNT_RX_BYTES] = "rx_bytes",
	[FEX_VIF_CNT_TX_PACKETS] = "tx_packets",
	[FEX_VIF_CNT_TX_BYTES] = "tx_bytes",
	[FEX_VIF_CNT_DROP_INACTIVE] = "drop_inactive",
	[FEX_VIF_CNT_DROP_MAC_FORGED] = "drop_mac_forged",
	[FEX_VIF_CNT_DROP_VLAN] = "drop_vlan",
	[FEX_VIF_CNT_DROP_POLICER] = "drop_policer",
	[FEX_VIF_CNT_DROP_INGRESS_POLICER] = "drop_ingress_policer",
	[FEX_VIF_CNT_DROP_NO_HEADROOM] = "drop_no_headroom",
	[FEX_VIF_CNT_DROP_TX_FULL] = "drop_tx_full",
	[FEX_VIF_CNT_DROP_OVERSIZE] = "drop_oversize",
	[FEX_VIF_CNT_DROP_SHAPER] = "drop_shaper",
};

/* ------------------------------------------------------------------ */
/* Names and parsing                                                   */

const char *const fex_mac_forging_names[] = { "allow", "deny", NULL };
const char *const fex_rate_mode_names[] = { "shape", "police", NULL };
const char *const fex_uplink_fail_names[] = { "link-down", "warning", NULL };
const char *const fex_io_perf_names[] = { "none", "high", NULL };
const char *const fex_vif_state_names[] = {
	"none", "preassociated", "associated", "down", NULL
};
/* entries before the NULL */
#define NAMES_N(a) (RTE_DIM(a) - 1)

static int
name_parse(const char *s, const char *const *names, unsigned int n)
{
	unsigned int i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

const char *
fex_mac_forging_name(enum fex_mac_forging v)
{
	return (unsigned int)v < NAMES_N(fex_mac_forging_names) ? fex_mac_forging_names[v] : "?";
}

const char *
fex_rate_mode_name(enum fex_rate_mode v)
{
	return (unsigned int)v < NAMES_N(fex_rate_mode_names) ? fex_rate_mode_names[v] : "?";
}

int
fex_mac_forging_parse(const char *s)
{
	return name_parse(s, fex_mac_forging_names, NAMES_N(fex_mac_forging_names));
}

const char *
fex_uplink_fail_name(enum fex_uplink_fail v)
{
	return (unsigned int)v < NAMES_N(fex_uplink_fail_names) ? fex_uplink_fail_names[v] : "?";
}

int
fex_uplink_fail_parse(const char *s)
{
	return name_parse(s, fex_uplink_fail_names, NAMES_N(fex_uplink_fail_names));
}

const char *
fex_io_perf_name(enum fex_io_perf v)
{
	return (unsigned int)v < NAMES_N(fex_io_perf_names) ? fex_io_perf_names[v] : "?";
}

int
fex_io_perf_parse(const char *s)
{
	return name_parse(s, fex_io_perf_names, NAMES_N(fex_io_perf_names));
}

const char *
fex_vif_state_name(enum fex_vif_state s)
{
	return (unsigned int)s < NAMES_N(fex_vif_state_names) ? fex_vif_state_names[s] : "?";
}

const char *
fex_vif_response_name(int rc)
{
	switch (rc) {
	case 0:
		return "success";
	case -EINPROGRESS:
		return "in-progress";
	case -EINVAL:
	case -ENOENT:
		return "invalid";
	case -EBUSY:
	case -ESRCH:
	case -EADDRINUSE:
		return "bad-state";
	case -ENOSPC:
	case -ENOMEM:
		return "insufficient-resources";
	default:
		return "error";
	}
}

static int
vlan_put(unsigned int lo, unsigned int hi, void *arg)
{
	for (; lo <= hi; lo++)
		fex_vlan_set(arg, (uint16_t)lo);
	return 0;
}

int
fex_vlan_list_parse(const char *s, uint64_t *bm, char *err, size_t errlen)
{
	const char *p = s;

	memset(bm, 0, FEX_VLAN_WORDS * sizeof(*bm));
	if (s == NULL)
		return fex_fail(-EINVAL, err, errlen, "vlans: missing list");
	if (fex_id_list_parse(s, FEX_VLAN_MIN, FEX_VLAN_MAX, vlan_put, bm, &p) == 0)
		return 0;
	return fex_fail(-EINVAL, err, errlen,
			"vlans: bad list at \"%.16s\": expected VLAN ids 1-4094 or ranges lo-hi, comma-separated (e.g. 10,20,100-200)",
			p);
}

int
fex_vlan_list_format(const uint64_t *bm, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int v = FEX_VLAN_MIN, hi;
	int n;

	if (len > 0)
		buf[0] = '\0';
	while (v <= FEX_VLAN_MAX) {
		if (!fex_vlan_test(bm, (uint16_t)v)) {
			v++;
			continue;
		}
		for (hi = v; hi + 1 <= FEX_VLAN_MAX && fex_vlan_test(bm, (uint16_t)(hi + 1)); hi++)
			;
		if (hi == v)
			n = snprintf(used < len ? buf + used : NULL,
				     used < len ? len - used : 0, "%s%u",
				     used ? "," : "", v);
		else
			n = snprintf(used < len ? buf + used : NULL,
				     used < len ? len - used : 0, "%s%u-%u",
				     used ? "," : "", v, hi);
		used += (size_t)n;
		v = hi + 1;
	}
	return (int)used;
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */

void
fex_profile_defaults(struct fex_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->native_vlan = 0;
	p->cos = FEX_COS_LEAVE;
	p->mac_forging = FEX_MAC_FORGING_ALLOW;
	p->rate_mode = FEX_RATE_SHAPE;
	p->uplink_fail_action = FEX_UPLINK_FAIL_LINK_DOWN;
	p->max_ports = FEX_MAX_PORTS_DEFAULT;
	p->io_performance = FEX_IO_PERF_NONE;
	p->enabled = true;
}

bool
fex_profile_name_ok(const char *s)
{
	size_t i;

	for (i = 0; i <= FEX_PROFILE_NAME_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			return i > 0;
		if (!isalnum(c) && c != '.' && c != '_' && c != '-')
			return false;
	}
	return false;
}

int
fex_cluster_check(const char *cluster, char *err, size_t errlen)
{
	if (cluster == NULL || strcmp(cluster, FEX_CLUSTER_DEFAULT) == 0)
		return 0;
	return fex_fail(-EINVAL, err, errlen,
			"cluster: unknown cluster \"%.40s\": the only cluster is \"default\"",
			cluster);
}

int
fex_profile_validate(const struct fex_profile *p, char *err, size_t errlen)
{
	struct fex_meter_params mp;
	const char *d;
	int rc;

	if (!fex_profile_name_ok(p->name))
		return fex_fail(-EINVAL, err, errlen,
				"name: must be 1-%d characters of [A-Za-z0-9._-]",
				FEX_PROFILE_NAME_MAX);
	if (memchr(p->description, '\0', sizeof(p->description)) == NULL)
		return fex_fail(-EINVAL, err, errlen,
				"description: at most %d bytes", FEX_PROFILE_DESC_MAX);
	for (d = p->description; *d != '\0'; d++)
		if ((unsigned char)*d < 0x20 || *d == 0x7f)
			return fex_fail(-EINVAL, err, errlen,
					"description: control characters are not allowed (up to %d printable bytes)",
					FEX_PROFILE_DESC_MAX);
	if (fex_vlan_test(p->vlans, 0) || fex_vlan_test(p->vlans, 4095))
		return fex_fail(-EINVAL, err, errlen,
				"vlans: VLAN %d out of range: allowed VLAN ids are %d-%d",
				fex_vlan_test(p->vlans, 0) ? 0 : 4095,
				FEX_VLAN_MIN, FEX_VLAN_MAX);
	if (p->native_vlan > FEX_VLAN_MAX)
		return fex_fail(-EINVAL, err, errlen,
				"native_vlan: %u out of range: 0 (none) or %d-%d",
				p->native_vlan, FEX_VLAN_MIN, FEX_VLAN_MAX);
	if (p->cos != FEX_COS_LEAVE && (p->cos < 0 || p->cos > 7))
		return fex_fail(-EINVAL, err, errlen,
				"cos: %d out of range: 0-7, or absent to leave the PCP as is",
				p->cos);
	mp.rate_kbps = p->rate_kbps;
	mp.burst_bytes = p->burst_bytes;
	rc = fex_meter_params_check(&mp, "rate_kbps", "burst_bytes", err, errlen);
	if (rc < 0)
		return rc;
	mp.rate_kbps = p->ingress_rate_kbps;
	mp.burst_bytes = p->ingress_burst_bytes;
	rc = fex_meter_params_check(&mp, "ingress_rate_kbps",
				    "ingress_burst_bytes", err, errlen);
	if (rc < 0)
		return rc;
	if ((unsigned int)p->rate_mode > FEX_RATE_POLICE)
		return fex_fail(-EINVAL, err, errlen,
				"rate_mode: must be \"shape\" or \"police\"");
	if ((unsigned int)p->mac_forging > FEX_MAC_FORGING_DENY)
		return fex_fail(-EINVAL, err, errlen,
				"mac_forging: must be \"allow\" or \"deny\"");
	if ((unsigned int)p->uplink_fail_action > FEX_UPLINK_FAIL_WARNING)
		return fex_fail(-EINVAL, err, errlen,
				"uplink_fail_action: must be \"link-down\" or \"warning\"");
	if (p->max_ports < 1 || p->max_ports > FEX_MAX_PORTS_MAX)
		return fex_fail(-EINVAL, err, errlen,
				"max_ports: %u out of range: 1-%d", p->max_ports,
				FEX_MAX_PORTS_MAX);
	if ((unsigned int)p->io_performance > FEX_IO_PERF_HIGH)
		return fex_fail(-EINVAL, err, errlen,
				"io_performance: must be \"none\" or \"high\"");
	return 0;
}

bool
fex_uuid_ok(const char *s)
{
	int i;

	if (s == NULL)
		return false;
	for (i = 0; i < FEX_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return s[FEX_UUID_LEN] == '\0';
}
