/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "fex_meter.h"

/* Shortest token period, in timer ticks. rte_meter truncates the period
 * to whole ticks; with at least this many ticks per period the rate error
 * from that truncation is below 0.05 % (rounded to nearest). */
#define PERIOD_MIN_TICKS 1000.0

int
fex_meter_params_check(const struct fex_meter_params *params,
		       const char *rate_field, const char *burst_field,
		       char *err, size_t errlen)
{
	if (params->rate_kbps > FEX_METER_RATE_KBPS_MAX) {
		if (err != NULL)
			snprintf(err, errlen,
				 "%s: %" PRIu64 " out of range: 0 (line rate) or 1..%llu kbit/s",
				 rate_field, params->rate_kbps,
				 FEX_METER_RATE_KBPS_MAX);
		return -EINVAL;
	}
	if (params->burst_bytes != 0 &&
	    (params->burst_bytes < FEX_METER_BURST_MIN ||
	     params->burst_bytes > FEX_METER_BURST_MAX)) {
		if (err != NULL)
			snprintf(err, errlen,
				 "%s: %u out of range: 0 (default) or %u..%u bytes",
				 burst_field, params->burst_bytes,
				 FEX_METER_BURST_MIN, FEX_METER_BURST_MAX);
		return -EINVAL;
	}
	return 0;
}

uint32_t
fex_meter_burst_effective(const struct fex_meter_params *params)
{
	uint64_t b;

	if (params->burst_bytes != 0)
		return params->burst_bytes;
	/* bytes in FEX_METER_BURST_DEFAULT_MS at rate_kbps (125 B/s per kbps) */
	b = params->rate_kbps * 125 * FEX_METER_BURST_DEFAULT_MS / 1000;
	b = RTE_MAX(b, (uint64_t)FEX_METER_BURST_DEFAULT_MIN);
	return (uint32_t)RTE_MIN(b, (uint64_t)FEX_METER_BURST_MAX);
}

int
fex_meter_profile_init(struct fex_meter_profile *p,
		       const struct fex_meter_params *params, uint64_t hz)
{
	double bytes_per_s, ticks_per_byte, bpp;

	if (p == NULL || params == NULL || hz == 0 ||
	    fex_meter_params_check(params, "rate_kbps", "burst_bytes", NULL, 0) < 0)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->rate_kbps = params->rate_kbps;
	p->burst_bytes = fex_meter_burst_effective(params);
	if (params->rate_kbps == 0) {
		/* Off: a valid profile all the same (period 1, nothing added). */
		p->srtcm.cir_period = 1;
		return 0;
	}
	bytes_per_s = (double)params->rate_kbps * 125.0;
	ticks_per_byte = (double)hz / bytes_per_s;
	/* Whole bytes per period, enough of them for a long enough period. */
	bpp = ceil(PERIOD_MIN_TICKS / ticks_per_byte);
	/* ... but no more than an eighth of the bucket per period, else a
	 * refill would overflow CBS and lose tokens. */
	bpp = RTE_MIN(bpp, floor((double)p->burst_bytes / 8.0));
	if (bpp < 1.0)
		bpp = 1.0;
	p->srtcm.cir_bytes_per_period = (uint64_t)bpp;
	p->srtcm.cir_period = (uint64_t)llround(bpp * ticks_per_byte);
	if (p->srtcm.cir_period == 0)
		p->srtcm.cir_period = 1;
	p->srtcm.cbs = p->burst_bytes;
	p->srtcm.ebs = 0;	/* colour-blind, non-green dropped: no E bucket */
	p->on = 1;
	return 0;
}

void
fex_meter_reset(struct fex_meter *m, const struct fex_meter_profile *p,
		uint64_t now)
{
	m->srtcm.time = now;
	m->srtcm.tc = p->srtcm.cbs;
	m->srtcm.te = 0;
}

void
fex_meter_fill(struct fex_meter *m)
{
	m->srtcm.time = 0;
	m->srtcm.tc = FEX_METER_BURST_MAX;
	m->srtcm.te = 0;
}

void
fex_shaper_fill(struct fex_shaper *s)
{
	s->time = 0;
	s->tokens = FEX_METER_BURST_MAX;
}
