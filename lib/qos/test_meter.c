/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_common.h>

#include "fex_meter.h"
#include "fex_test.h"

#define HZ 1000000000ULL	/* simulated 1 GHz timer: 1 tick = 1 ns */

static void
test_params_edges(void)
{
	struct fex_meter_params mp = { 0 };
	char err[160];

	CU_ASSERT_EQUAL(fex_meter_params_check(&mp, "rate_kbps", "burst_bytes", err, sizeof(err)), 0);
	mp.rate_kbps = FEX_METER_RATE_KBPS_MAX;
	CU_ASSERT_EQUAL(fex_meter_params_check(&mp, "rate_kbps", "burst_bytes", err, sizeof(err)), 0);
	mp.rate_kbps = FEX_METER_RATE_KBPS_MAX + 1;
	CU_ASSERT_EQUAL(fex_meter_params_check(&mp, "rate_kbps", "burst_bytes", err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "rate_kbps"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "400000000"));
	mp.rate_kbps = 1;
	mp.burst_bytes = FEX_METER_BURST_MIN;
	CU_ASSERT_EQUAL(fex_meter_params_check(&mp, "rate_kbps", "burst_bytes", err, sizeof(err)), 0);
	mp.burst_bytes = FEX_METER_BURST_MIN - 1;
	CU_ASSERT_EQUAL(fex_meter_params_check(&mp, "ingress_rate_kbps", "ingress_burst_bytes", err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ingress_burst_bytes"));
	mp.burst_bytes = FEX_METER_BURST_MAX;
	CU_ASSERT_EQUAL(fex_meter_params_check(&mp, "rate_kbps", "burst_bytes", err, sizeof(err)), 0);
	mp.burst_bytes = FEX_METER_BURST_MAX + 1;
	CU_ASSERT_EQUAL(fex_meter_params_check(&mp, "rate_kbps", "burst_bytes", err, sizeof(err)), -EINVAL);
}

static void
test_burst_default(void)
{
	struct fex_meter_params mp = { .rate_kbps = 100000 };	/* 100 Mbit/s */

	CU_ASSERT_EQUAL(fex_meter_burst_effective(&mp), 125000);	/* 10 ms */
	mp.rate_kbps = 1000;
	CU_ASSERT_EQUAL(fex_meter_burst_effective(&mp), FEX_METER_BURST_DEFAULT_MIN);
	mp.rate_kbps = FEX_METER_RATE_KBPS_MAX;
	CU_ASSERT_EQUAL(fex_meter_burst_effective(&mp), 500000000);
	mp.burst_bytes = 3000;
	CU_ASSERT_EQUAL(fex_meter_burst_effective(&mp), 3000);
}

static void
test_line_rate_off(void)
{
	struct fex_meter_params mp = { 0 };
	struct fex_meter_profile p;

	CU_ASSERT_EQUAL(fex_meter_profile_init(&p, &mp, HZ), 0);
	CU_ASSERT_FALSE(fex_meter_profile_on(&p));
	mp.rate_kbps = 10;
	CU_ASSERT_EQUAL(fex_meter_profile_init(&p, &mp, HZ), 0);
	CU_ASSERT_TRUE(fex_meter_profile_on(&p));
	CU_ASSERT_EQUAL(fex_meter_profile_init(&p, &mp, 0), -EINVAL);
	mp.rate_kbps = FEX_METER_RATE_KBPS_MAX + 1;
	CU_ASSERT_EQUAL(fex_meter_profile_init(&p, &mp, HZ), -EINVAL);
}

/* Offer frames of `len` bytes at `offer` x the rate for `secs` simulated
 * seconds; return the bytes that passed. */
static uint64_t
run_policer(const struct fex_meter_profile *p, struct fex_meter *m,
	    uint64_t start, double secs, uint32_t len, double offer)
{
	double bytes_per_tick = (double)p->rate_kbps * 125.0 * offer / (double)HZ;
	uint64_t gap = (uint64_t)((double)len / bytes_per_tick);
	uint64_t end = start + (uint64_t)(secs * (double)HZ), t, passed = 0;

	for (t = start; t < end; t += gap)
		if (fex_meter_check(m, p, t, len) == RTE_COLOR_GREEN)
			passed += len;
	return passed;
}

static double
rel_error(uint64_t got, double want)
{
	return ((double)got - want) / want;
}

static void
test_accuracy_100mbit(void)
{
	struct fex_meter_params mp = { .rate_kbps = 100000, .burst_bytes = 0 };
	struct fex_meter_profile p;
	struct fex_meter m;
	double want;
	uint64_t got;

	CU_ASSERT_EQUAL_FATAL(fex_meter_profile_init(&p, &mp, HZ), 0);
	fex_meter_reset(&m, &p, 1000);
	got = run_policer(&p, &m, 1000, 1.0, 1500, 2.0);
	want = 12500000.0 + p.burst_bytes;
	printf("\n    100 Mbit/s, 1500 B at 2x for 1 s: passed %" PRIu64
	       " B, rate+burst %.0f B, error %+.4f %%\n", got, want,
	       100.0 * rel_error(got, want));
	CU_ASSERT(rel_error(got, want) < 0.01 && rel_error(got, want) > -0.01);

	/* Steady state over 10 s: the long-run rate alone, within 0.1 %. */
	got = run_policer(&p, &m, 1000 + HZ, 10.0, 1500, 2.0);
	CU_ASSERT(rel_error(got, 125000000.0) < 0.001 && rel_error(got, 125000000.0) > -0.001);

	/* Same with a real-looking TSC frequency and small frames. */
	{
		const uint64_t hz2 = 2194843000ULL;
		struct fex_meter_profile p2;
		uint64_t t, gap, passed = 0;

		CU_ASSERT_EQUAL_FATAL(fex_meter_profile_init(&p2, &mp, hz2), 0);
		fex_meter_reset(&m, &p2, 0);
		gap = hz2 / (2 * 12500000 / 64);	/* 2x rate, 64 B frames */
		for (t = 0; t < hz2; t += gap)
			if (fex_meter_check(&m, &p2, t, 64) == RTE_COLOR_GREEN)
				passed += 64;
		want = 12500000.0 + p2.burst_bytes;
		printf("    same at hz %" PRIu64 ", 64 B frames: error %+.4f %%\n",
		       hz2, 100.0 * rel_error(passed, want));
		CU_ASSERT(rel_error(passed, want) < 0.01 && rel_error(passed, want) > -0.01);
	}
}

static void
test_rates_sweep(void)
{
	static const uint64_t rates[] = { 1, 64, 1000, 100000, 1000000,
					  10000000, 100000000, FEX_METER_RATE_KBPS_MAX };
	unsigned int i;

	for (i = 0; i < RTE_DIM(rates); i++) {
		struct fex_meter_params mp = { .rate_kbps = rates[i] };
		struct fex_meter_profile p;
		double r;

		CU_ASSERT_EQUAL_FATAL(fex_meter_profile_init(&p, &mp, HZ), 0);
		/* configured vs. profile rate (bytes per tick) */
		r = (double)p.srtcm.cir_bytes_per_period / (double)p.srtcm.cir_period *
		    (double)HZ / ((double)rates[i] * 125.0);
		CU_ASSERT(r > 0.999 && r < 1.001);
		/* no more tokens per period than the bucket holds */
		CU_ASSERT(p.srtcm.cir_bytes_per_period <= p.srtcm.cbs / 8);
	}
}

static void
test_profile_change_keeps_bucket(void)
{
	struct fex_meter_params a = { .rate_kbps = 100000, .burst_bytes = 100000 };
	struct fex_meter_params b = { .rate_kbps = 200000, .burst_bytes = 50000 };
	struct fex_meter_profile pa, pb;
	struct fex_meter m;
	unsigned int i;

	CU_ASSERT_EQUAL_FATAL(fex_meter_profile_init(&pa, &a, HZ), 0);
	CU_ASSERT_EQUAL_FATAL(fex_meter_profile_init(&pb, &b, HZ), 0);
	fex_meter_reset(&m, &pa, 0);
	/* spend 60000 of the 100000 bytes at t = 0 */
	for (i = 0; i < 40; i++)
		CU_ASSERT_EQUAL(fex_meter_check(&m, &pa, 0, 1500), RTE_COLOR_GREEN);
	/* switch profile: the 40000 left are kept (below the new CBS) */
	for (i = 0; i < 26; i++)
		CU_ASSERT_EQUAL(fex_meter_check(&m, &pb, 0, 1500), RTE_COLOR_GREEN);
	CU_ASSERT_EQUAL(fex_meter_check(&m, &pb, 0, 1500), RTE_COLOR_RED);
	/* a filled meter holds CBS of whatever profile checks it, at any time */
	fex_meter_fill(&m);
	CU_ASSERT_EQUAL(fex_meter_check(&m, &pb, 0, 1500), RTE_COLOR_GREEN);
	CU_ASSERT_EQUAL(m.srtcm.tc, 50000 - 1500);
	fex_meter_fill(&m);
	CU_ASSERT_EQUAL(fex_meter_check(&m, &pa, 123456789123ULL, 1500), RTE_COLOR_GREEN);
	CU_ASSERT_EQUAL(m.srtcm.tc, 100000 - 1500);
}

/* fex_meter_check() gives the verdicts of rte_meter's colour-blind check
 * (with EBS = 0) on the same random traffic, and keeps the same bucket. */
static void
test_same_as_rte_meter(void)
{
	struct fex_meter_params mp = { .rate_kbps = 50000, .burst_bytes = 20000 };
	struct fex_meter_profile p;
	struct fex_meter a, b;
	uint64_t now = 1000, x = 88172645463325252ULL;
	unsigned int i, same = 0, green = 0;

	CU_ASSERT_EQUAL_FATAL(fex_meter_profile_init(&p, &mp, HZ), 0);
	fex_meter_reset(&a, &p, now);
	b = a;
	for (i = 0; i < 200000; i++) {
		uint32_t len;
		enum rte_color ca, cb;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		len = 60 + (uint32_t)(x % 1455);
		if (x & 1)		/* half the frames share a timestamp (bursts) */
			now += (x >> 8) % 400000;
		ca = fex_meter_check(&a, &p, now, len);
		cb = rte_meter_srtcm_color_blind_check(&b.srtcm, &p.srtcm, now, len);
		same += ca == cb && a.srtcm.tc == b.srtcm.tc && a.srtcm.time == b.srtcm.time;
		green += ca == RTE_COLOR_GREEN;
	}
	CU_ASSERT_EQUAL(same, 200000);
	CU_ASSERT(green > 1000 && green < 199000);
}

/* The shaper's bucket: full at first, refilled at the rate up to the
 * burst, a debt paid back before it opens again, and over a long run it
 * lets through exactly the rate. */
static void
test_shaper(void)
{
	struct fex_meter_params mp = { .rate_kbps = 8000, .burst_bytes = 3000 }; /* 1 MB/s */
	struct fex_meter_profile p;
	struct fex_shaper s;
	uint64_t now = 7 * HZ, sent = 0, t;

	CU_ASSERT_EQUAL_FATAL(fex_meter_profile_init(&p, &mp, HZ), 0);
	fex_shaper_fill(&s);
	fex_shaper_refill(&s, &p, now);
	CU_ASSERT_EQUAL(s.tokens, 3000);		/* capped at the burst */
	CU_ASSERT(fex_shaper_open(&s));
	CU_ASSERT(fex_shaper_covers(&s, &p, 3000));
	CU_ASSERT(!fex_shaper_covers(&s, &p, 3001) || p.srtcm.cbs <= 3000);
	CU_ASSERT(fex_shaper_covers(&s, &p, 9000));	/* longer than the burst: full bucket */
	fex_shaper_take(&s, 5000);			/* a debt */
	CU_ASSERT_EQUAL(s.tokens, -2000);
	CU_ASSERT(!fex_shaper_open(&s));
	fex_shaper_refill(&s, &p, now + 2000000);	/* 2 ms: 2000 B, the debt paid */
	CU_ASSERT_EQUAL(s.tokens, 0);
	CU_ASSERT(!fex_shaper_open(&s));
	fex_shaper_refill(&s, &p, now + 2500000);
	CU_ASSERT_EQUAL(s.tokens, 500);
	CU_ASSERT(!fex_shaper_covers(&s, &p, 1000));
	fex_shaper_refill(&s, &p, now + 100 * HZ);	/* a long idle: full, no more */
	CU_ASSERT_EQUAL(s.tokens, 3000);
	/* 10 s of 1000 B frames offered every 100 us (10 MB/s): 1 MB/s out */
	now += 100 * HZ;
	for (t = 0; t < 10 * HZ; t += 100000) {
		fex_shaper_refill(&s, &p, now + t);
		if (fex_shaper_covers(&s, &p, 1000)) {
			fex_shaper_take(&s, 1000);
			sent += 1000;
		}
	}
	CU_ASSERT(sent >= 10000000 && sent <= 10000000 + 3000);
}

int
main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("unit", NULL, NULL);
	CU_add_test(s, "params edges", test_params_edges);
	CU_add_test(s, "burst default", test_burst_default);
	CU_add_test(s, "line rate is off", test_line_rate_off);
	CU_add_test(s, "accuracy 100 Mbit/s", test_accuracy_100mbit);
	CU_add_test(s, "rate sweep", test_rates_sweep);
	CU_add_test(s, "profile change keeps bucket", test_profile_change_keeps_bucket);
	CU_add_test(s, "same verdicts as rte_meter", test_same_as_rte_meter);
	CU_add_test(s, "shaper bucket: debt, refill, exact rate", test_shaper);
	return fex_test_run();
}
