/* SPDX-License-Identifier: BSD-3-Clause */
/* The non-inline half of the tag library: names and mode parsing, used by
 * the control path and the counters. */
#include <string.h>

#include <rte_common.h>
#include <rte_log.h>

#include "fex_tag.h"

RTE_LOG_REGISTER(fex_logtype_tag, fex.tag, INFO);
#define TAG_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, fex_logtype_tag, "tag: " fmt "\n", ##__VA_ARGS__)

static const char *const mode_names[] = {
	[FEX_TAG_NONE] = "none",
	[FEX_TAG_VNTAG] = "vntag",
	[FEX_TAG_ETAG] = "etag",
};

static const char *const err_names[FEX_TAG_ERR_MAX] = {
	[FEX_TAG_OK] = "ok",
	[FEX_TAG_ERR_TRUNCATED] = "truncated",
	[FEX_TAG_ERR_SEGMENTED] = "segmented",
	[FEX_TAG_ERR_ETHERTYPE] = "bad_ethertype",
	[FEX_TAG_ERR_DIRECTION] = "bad_direction",
	[FEX_TAG_ERR_RESERVED] = "reserved_bits",
	[FEX_TAG_ERR_VERSION] = "bad_version",
	[FEX_TAG_ERR_EXT] = "ecid_ext",
	[FEX_TAG_ERR_UP_FIELDS] = "upstream_fields",
	[FEX_TAG_ERR_VIF_ZERO] = "vif_zero",
	[FEX_TAG_ERR_VIF_RANGE] = "vif_range",
};

int
fex_tag_mode_parse(const char *s, enum fex_tag_mode *out)
{
	unsigned int i;

	for (i = 0; s != NULL && i < RTE_DIM(mode_names); i++) {
		if (strcmp(s, mode_names[i]) == 0) {
			*out = (enum fex_tag_mode)i;
			return 0;
		}
	}
	TAG_LOG(DEBUG, "unknown tag mode '%s' (vntag|etag|none)", s ? s : "(null)");
	return -EINVAL;
}

const char *
fex_tag_mode_name(enum fex_tag_mode mode)
{
	if ((unsigned int)mode >= RTE_DIM(mode_names))
		return "unknown";
	return mode_names[mode];
}

const char *
fex_tag_err_name(int err)
{
	unsigned int e = err < 0 ? -(unsigned int)err : (unsigned int)err;

	if (e >= RTE_DIM(err_names))
		return "unknown";
	return err_names[e];
}
