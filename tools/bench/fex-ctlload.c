/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fex-ctlload: profile.set at a fixed rate on a running fexpath's control
 * socket, and how long each change takes to reach the data path.
 *
 * Each change flips the profile's cos between 3 and 5. After the reply,
 * `stats` is polled until worker 0 reports a newer VIF table generation;
 * its table_gen_tsc is the TSC at the start of the first loop iteration
 * (= burst) that used the new table. The TSC is the same clock here
 * (constant, invariant TSC; read with rdtsc), so
 *   send->visible  = table_gen_tsc - TSC before sending the request
 *   reply->visible = table_gen_tsc - TSC when the reply arrived
 *                    (negative: the worker used it before the reply came,
 *                    fexpath replies after an RCU grace period)
 * Prints key=value lines; exit 1 if a request failed or a change was not
 * seen by the worker within 1 s.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include <jansson.h>

struct conn {
	int fd;
	char buf[1 << 20];
	size_t len;
	int next_id;
};

static json_t *
rpc(struct conn *c, const char *method, json_t *params)
{
	json_t *req = json_pack("{s:s, s:s, s:o, s:i}", "jsonrpc", "2.0", "method",
				method, "params", params, "id", c->next_id++);
	char *s = json_dumps(req, JSON_COMPACT);
	size_t n = strlen(s);
	json_t *resp = NULL;
	char *nl;

	json_decref(req);
	s[n] = '\n';
	if (write(c->fd, s, n + 1) != (ssize_t)(n + 1)) {
		free(s);
		return NULL;
	}
	free(s);
	while ((nl = memchr(c->buf, '\n', c->len)) == NULL) {
		ssize_t r;

		if (c->len == sizeof(c->buf))
			return NULL;
		r = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (r <= 0)
			return NULL;
		c->len += (size_t)r;
	}
	*nl = '\0';
	resp = json_loads(c->buf, 0, NULL);
	c->len -= (size_t)(nl + 1 - c->buf);
	memmove(c->buf, nl + 1, c->len);
	return resp;
}

/* Worker 0's table generation and its TSC; -1 on error. */
static int
worker_gen(struct conn *c, uint64_t *gen, uint64_t *tsc, uint64_t *hz)
{
	json_t *r = rpc(c, "stats", json_object());
	json_t *w0 = json_array_get(json_object_get(json_object_get(r, "result"),
						    "workers"), 0);
	int rc = -1;

	if (w0 != NULL) {
		*gen = (uint64_t)json_integer_value(json_object_get(w0, "table_gen"));
		*tsc = (uint64_t)json_integer_value(json_object_get(w0, "table_gen_tsc"));
		if (hz != NULL)
			*hz = (uint64_t)json_integer_value(json_object_get(
				json_object_get(r, "result"), "tsc_hz"));
		rc = 0;
	}
	json_decref(r);
	return rc;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static double
pct(int64_t *v, unsigned int n, double p, uint64_t hz)
{
	unsigned int i = (unsigned int)(p * (n - 1) + 0.5);

	return n == 0 ? 0.0 : (double)v[i] * 1e6 / (double)hz;
}

static void
usage(void)
{
	fprintf(stderr, "usage: fex-ctlload --socket PATH --profile NAME [--count N] "
		"[--rate PER_S] [--vlans VID] [--native-vlan VID]\n"
		"profile.set at RATE/s (cos 3 <-> 5), the time until the data path "
		"uses each change\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "profile", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' },
		{ "vlans", required_argument, NULL, 'v' },
		{ "native-vlan", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *profile = NULL;
	unsigned int count = 10000, rate = 1000, vlan = 10, native = 10, i, bad = 0;
	unsigned int unseen = 0;
	int64_t *send_vis, *reply_vis, *rtt;
	uint64_t hz = 0, gen, gen_tsc, t0;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct conn *c;
	struct timespec ts0, ts1;
	int o;

	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 's': path = optarg; break;
		case 'p': profile = optarg; break;
		case 'n': count = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'r': rate = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'v': vlan = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'N': native = (unsigned int)strtoul(optarg, NULL, 10); break;
		default: usage(); return o == 'h' ? 0 : 2;
		}
	}
	if (path == NULL || profile == NULL || count == 0 || rate == 0 ||
	    strlen(path) >= sizeof(sa.sun_path)) {
		usage();
		return 2;
	}
	c = calloc(1, sizeof(*c));
	send_vis = calloc(count, sizeof(*send_vis));
	reply_vis = calloc(count, sizeof(*reply_vis));
	rtt = calloc(count, sizeof(*rtt));
	if (c == NULL || send_vis == NULL || reply_vis == NULL || rtt == NULL)
		return 1;
	strcpy(sa.sun_path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "fex-ctlload: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (worker_gen(c, &gen, &gen_tsc, &hz) != 0 || hz == 0) {
		fprintf(stderr, "fex-ctlload: no worker figures in stats\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts0);
	t0 = __rdtsc();
	for (i = 0; i < count; i++) {
		uint64_t due = t0 + (uint64_t)i * hz / rate, ts, tr, g, gt;
		uint64_t deadline;
		json_t *r;

		while (__rdtsc() < due)
			_mm_pause();
		ts = __rdtsc();
		r = rpc(c, "profile.set", json_pack("{s:s, s:[i], s:i, s:i, s:s}",
			"name", profile, "vlans", (int)vlan, "native_vlan", (int)native,
			"cos", i % 2 ? 5 : 3, "mac_forging", "deny"));
		tr = __rdtsc();
		if (r == NULL || json_object_get(r, "result") == NULL) {
			bad++;
			json_decref(r);
			continue;
		}
		json_decref(r);
		rtt[i] = (int64_t)(tr - ts);
		deadline = tr + hz;
		do {
			if (worker_gen(c, &g, &gt, NULL) != 0)
				g = gen;
		} while (g == gen && __rdtsc() < deadline);
		if (g == gen) {
			unseen++;
			continue;
		}
		gen = g;
		send_vis[i] = (int64_t)(gt - ts);
		reply_vis[i] = (int64_t)gt - (int64_t)tr;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts1);
	qsort(send_vis, count, sizeof(*send_vis), cmp_i64);
	qsort(reply_vis, count, sizeof(*reply_vis), cmp_i64);
	qsort(rtt, count, sizeof(*rtt), cmp_i64);
	printf("changes=%u\n", count);
	printf("failed=%u\n", bad);
	printf("not_seen=%u\n", unseen);
	printf("rate_per_s=%.0f\n", count / ((double)(ts1.tv_sec - ts0.tv_sec) +
					     (double)(ts1.tv_nsec - ts0.tv_nsec) / 1e9));
	printf("reply_us_p50=%.1f\nreply_us_p99=%.1f\n",
	       pct(rtt, count, 0.50, hz), pct(rtt, count, 0.99, hz));
	printf("send_to_dp_us_p50=%.1f\nsend_to_dp_us_p99=%.1f\nsend_to_dp_us_max=%.1f\n",
	       pct(send_vis, count, 0.50, hz), pct(send_vis, count, 0.99, hz),
	       pct(send_vis, count, 1.0, hz));
	printf("reply_to_dp_us_p50=%.1f\nreply_to_dp_us_p99=%.1f\n",
	       pct(reply_vis, count, 0.50, hz), pct(reply_vis, count, 0.99, hz));
	close(c->fd);
	return bad != 0 || unseen != 0;
}
