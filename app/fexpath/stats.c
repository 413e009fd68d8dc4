/* SPDX-License-Identifier: BSD-3-Clause */
/* The statistics snapshot and its three formatters (see stats.h). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_telemetry.h>

#include "stats.h"

/* ---- the snapshot ---- */

/* A table reader of its own (reader id = the workers' count), online
 * only while it reads. */
static pthread_mutex_t observer_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fex_vif_reader observer;
static bool observer_ready;

static void
take_vifs(struct fex_dp *dp, struct fex_stats *s)
{
	const struct fex_vif_table *t;
	unsigned int v;

	pthread_mutex_lock(&observer_lock);
	if (!observer_ready) {
		if (fex_vif_reader_init(fex_dp_db(dp), fex_dp_nb_workers(dp), &observer) < 0) {
			pthread_mutex_unlock(&observer_lock);
			return;
		}
		observer_ready = true;
	} else {
		fex_vif_reader_online(&observer);
	}
	t = fex_vif_reader_snapshot(&observer);
	for (v = FEX_VIF_MIN; v <= FEX_VIF_MAX; v++) {
		const struct fex_vif_entry *e = &t->vif[v];
		struct fex_stats_vif *sv;

		if (e->state == FEX_VIF_NONE)
			continue;
		sv = &s->vif[s->nb_vifs++];
		sv->vif = (uint16_t)v;
		sv->port = e->port;
		sv->state = e->state;
	}
	fex_vif_reader_quiescent(&observer);
	fex_vif_reader_offline(&observer);
	pthread_mutex_unlock(&observer_lock);
	for (v = 0; v < s->nb_vifs; v++)
		fex_vif_stats(fex_dp_db(dp), s->vif[v].vif, s->vif[v].c);
}

struct fex_stats *
fex_stats_alloc(void)
{
	return calloc(1, sizeof(struct fex_stats));
}

void
fex_stats_free(struct fex_stats *s)
{
	free(s);
}

void
fex_stats_take(struct fex_dp *dp, struct fex_stats *s)
{
	struct fex_port_info *info = calloc(FEX_PORT_MAX, sizeof(*info));
	unsigned int i, n = 0;

	s->hz = fex_dp_hz(dp);
	s->mode = fex_dp_mode(dp);
	s->uplink = fex_dp_uplink(dp);
	fex_app_uplink_link(&s->link_down, &s->link_changes);
	s->mbufs_in_use = fex_dp_mbufs_in_use(dp);
	fex_dp_stats_sum(dp, &s->sum);
	s->nb_workers = fex_dp_nb_workers(dp);
	for (i = 0; i < s->nb_workers; i++)
		fex_dp_worker_stats(dp, i, &s->w[i], &s->lcore[i]);
	if (info != NULL)
		n = RTE_MIN(fex_port_list(info, FEX_PORT_MAX), (unsigned int)FEX_PORT_MAX);
	s->nb_ports = n;
	for (i = 0; i < n; i++) {
		struct fex_stats_port *p = &s->port[i];

		p->info = info[i];
		if (fex_port_stats_get(info[i].port_id, &p->es) != 0)
			memset(&p->es, 0, sizeof(p->es));
		p->worker = fex_dp_port_worker(dp, info[i].port_id);
		p->is_vf = fex_dp_port_is_vf(dp, info[i].port_id);
	}
	free(info);
	s->nb_vifs = 0;
	take_vifs(dp, s);
}

static const char *
port_role(const struct fex_stats *s, const struct fex_stats_port *p)
{
	return p->info.port_id == s->uplink ? "uplink" : p->is_vf ? "vf" : "vnic";
}

static uint64_t
vif_drops(const struct fex_stats_vif *v)
{
	uint64_t d = 0;
	unsigned int k;

	for (k = FEX_VIF_CNT_DROP_INACTIVE; k < FEX_VIF_CNT_MAX; k++)
		d += v->c[k];
	return d;
}

/* ---- JSON ---- */

json_t *
fex_stats_ports_json(const struct fex_stats *s)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < s->nb_ports && a != NULL; i++) {
		const struct fex_stats_port *p = &s->port[i];

		json_array_append_new(a, json_pack(
			"{s:i, s:s, s:s, s:s, s:s, s:I, s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			"port_id", (int)p->info.port_id, "spec", p->info.spec,
			"kind", fex_port_kind_name(p->info.kind),
			"role", port_role(s, p),
			"link", p->info.link_up ? "up" : "down",
			"mtu", (json_int_t)p->info.mtu,
			"rx_queues", (int)p->info.nb_rxq,
			"worker", p->worker,
			"rx_packets", (json_int_t)p->es.ipackets,
			"tx_packets", (json_int_t)p->es.opackets,
			"rx_bytes", (json_int_t)p->es.ibytes,
			"tx_bytes", (json_int_t)p->es.obytes,
			"rx_missed", (json_int_t)p->es.imissed,
			"rx_nombuf", (json_int_t)p->es.rx_nombuf,
			"rx_errors", (json_int_t)p->es.ierrors,
			"tx_errors", (json_int_t)p->es.oerrors));
	}
	return a;
}

static json_t *
counters_json(const struct fex_dp_stats *st)
{
	json_t *o = json_object();
	unsigned int k;

	for (k = 0; k < FEX_DP_CNT_MAX; k++)
		json_object_set_new(o, fex_dp_cnt_names[k], json_integer((json_int_t)st->c[k]));
	for (k = 1; k < FEX_TAG_ERR_MAX; k++) {
		char name[64];

		snprintf(name, sizeof(name), "malformed_%s", fex_tag_err_name(k));
		json_object_set_new(o, name, json_integer((json_int_t)st->tag_err[k]));
	}
	return o;
}

json_t *
fex_stats_json(const struct fex_stats *s)
{
	json_t *uplink = counters_json(&s->sum), *workers = json_array();
	unsigned int i;

	json_object_set_new(uplink, "port_id", json_integer(s->uplink));
	json_object_set_new(uplink, "tag", json_string(fex_tag_mode_name(s->mode)));
	json_object_set_new(uplink, "link", json_string(s->link_down ? "down" : "up"));
	json_object_set_new(uplink, "link_changes", json_integer((json_int_t)s->link_changes));
	for (i = 0; i < s->nb_workers; i++) {
		const struct fex_dp_stats *w = &s->w[i];
		uint64_t pk = w->busy_packets;

		json_array_append_new(workers, json_pack("{s:i, s:i, s:I, s:I, s:f, s:I, s:I}",
			"worker", (int)i, "lcore", (int)s->lcore[i],
			"busy_cycles", (json_int_t)w->busy_tsc, "packets", (json_int_t)pk,
			"cycles_per_packet", pk ? (double)w->busy_tsc / (double)pk : 0.0,
			"table_gen", (json_int_t)w->table_gen,
			"table_gen_tsc", (json_int_t)w->table_gen_tsc));
	}
	return json_pack("{s:[o], s:o, s:I, s:I}", "uplinks", uplink, "workers", workers,
			 "tsc_hz", (json_int_t)s->hz, "mbufs_in_use", (json_int_t)s->mbufs_in_use);
}

/* ---- text (--stats-period) ---- */

static const struct fex_stats_port *
port_before(const struct fex_stats *b, uint16_t port_id)
{
	unsigned int i;

	for (i = 0; i < b->nb_ports; i++)
		if (b->port[i].info.port_id == port_id)
			return &b->port[i];
	return NULL;
}

static const struct fex_stats_vif *
vif_before(const struct fex_stats *b, uint16_t vif)
{
	unsigned int i;

	for (i = 0; i < b->nb_vifs; i++)
		if (b->vif[i].vif == vif)
			return &b->vif[i];
	return NULL;
}

void
fex_stats_print(FILE *f, const struct fex_stats *s, const struct fex_stats *b,
		double dt)
{
	unsigned int i, k;

	if (dt <= 0)
		dt = 1;
	fprintf(f, "\n######## fexpath statistics ########\n");
	fprintf(f, "  %-5s %-6s %-40s %12s %12s %10s\n", "port", "role", "spec",
		"rx-pps", "tx-pps", "missed");
	for (i = 0; i < s->nb_ports; i++) {
		const struct fex_stats_port *p = &s->port[i];
		const struct fex_stats_port *q = port_before(b, p->info.port_id);

		fprintf(f, "  %-5u %-6s %-40.40s %12.0f %12.0f %10" PRIu64 "\n",
			p->info.port_id, port_role(s, p), p->info.spec,
			(double)(p->es.ipackets - (q ? q->es.ipackets : 0)) / dt,
			(double)(p->es.opackets - (q ? q->es.opackets : 0)) / dt,
			p->es.imissed);
	}
	fprintf(f, "  %-6s %-6s %-14s %12s %12s %12s %12s\n", "VIF", "port",
		"state", "rx-pps", "tx-pps", "drops", "drop-pps");
	for (i = 0; i < s->nb_vifs; i++) {
		const struct fex_stats_vif *v = &s->vif[i];
		const struct fex_stats_vif *w = vif_before(b, v->vif);
		uint64_t drops = vif_drops(v);

		fprintf(f, "  %-6u %-6u %-14s %12.0f %12.0f %12" PRIu64 " %12.0f\n",
			v->vif, v->port, fex_vif_state_name((enum fex_vif_state)v->state),
			(double)(v->c[FEX_VIF_CNT_RX_PACKETS] -
				 (w ? w->c[FEX_VIF_CNT_RX_PACKETS] : 0)) / dt,
			(double)(v->c[FEX_VIF_CNT_TX_PACKETS] -
				 (w ? w->c[FEX_VIF_CNT_TX_PACKETS] : 0)) / dt,
			drops, (double)(drops - (w ? vif_drops(w) : 0)) / dt);
	}
	fprintf(f, "  drops without a VIF:");
	for (k = FEX_DP_DROP_UNKNOWN_VIF; k < FEX_DP_FLOOD_COPIES; k++)
		fprintf(f, " %s=%" PRIu64, fex_dp_cnt_names[k], s->sum.c[k]);
	fprintf(f, "\n  cycles/packet: %.1f\n", s->sum.busy_packets ?
		(double)s->sum.busy_tsc / (double)s->sum.busy_packets : 0.0);
	fflush(f);
}

/* ---- telemetry ---- */

static struct fex_dp *tel_dp;

/* Each command takes a snapshot of its own (telemetry's thread). */
static struct fex_stats *
tel_take(void)
{
	struct fex_stats *s = fex_stats_alloc();

	if (s != NULL)
		fex_stats_take(tel_dp, s);
	return s;
}

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct fex_stats *s = tel_take();
	unsigned int k;

	(void)cmd;
	(void)params;
	if (s == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(d);
	for (k = 0; k < FEX_DP_CNT_MAX; k++)
		rte_tel_data_add_dict_u64(d, fex_dp_cnt_names[k], s->sum.c[k]);
	rte_tel_data_add_dict_u64(d, "busy_cycles", s->sum.busy_tsc);
	rte_tel_data_add_dict_u64(d, "busy_packets", s->sum.busy_packets);
	fex_stats_free(s);
	return 0;
}

static int
tel_vif_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct fex_stats *s = tel_take();
	unsigned int i;

	(void)cmd;
	(void)params;
	if (s == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	for (i = 0; i < s->nb_vifs; i++)
		rte_tel_data_add_array_int(d, (int)s->vif[i].vif);
	fex_stats_free(s);
	return 0;
}

static int
tel_vif_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	static const uint64_t zero[FEX_VIF_CNT_MAX];
	const uint64_t *c = zero;	/* a VIF not in the table: zeros */
	struct fex_stats *s;
	char *end;
	long vif;
	unsigned int i, k;

	(void)cmd;
	if (params == NULL)
		return -EINVAL;
	vif = strtol(params, &end, 10);
	if (*end != '\0' || vif < FEX_VIF_MIN || vif > FEX_VIF_MAX)
		return -EINVAL;
	s = tel_take();
	if (s == NULL)
		return -ENOMEM;
	for (i = 0; i < s->nb_vifs; i++)
		if (s->vif[i].vif == vif)
			c = s->vif[i].c;
	rte_tel_data_start_dict(d);
	for (k = 0; k < FEX_VIF_CNT_MAX; k++)
		rte_tel_data_add_dict_u64(d, fex_vif_counter_names[k], c[k]);
	fex_stats_free(s);
	return 0;
}

static int
tel_workers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct fex_stats *s = tel_take();
	unsigned int i;

	(void)cmd;
	(void)params;
	if (s == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(d);
	for (i = 0; i < s->nb_workers; i++) {
		uint64_t pk = s->w[i].busy_packets;
		char name[64];

		snprintf(name, sizeof(name), "worker%u_cycles_per_packet", i);
		rte_tel_data_add_dict_u64(d, name, pk ? s->w[i].busy_tsc / pk : 0);
		snprintf(name, sizeof(name), "worker%u_packets", i);
		rte_tel_data_add_dict_u64(d, name, pk);
	}
	fex_stats_free(s);
	return 0;
}

void
fex_stats_telemetry_init(struct fex_dp *dp)
{
	tel_dp = dp;
	rte_telemetry_register_cmd("/fexpath/stats", tel_stats,
		"Uplink and drop counters of fexpath. No parameters");
	rte_telemetry_register_cmd("/fexpath/vif/list", tel_vif_list,
		"VIF ids in the table. No parameters");
	rte_telemetry_register_cmd("/fexpath/vif/stats", tel_vif_stats,
		"Counters of one VIF. Parameters: int vif_id");
	rte_telemetry_register_cmd("/fexpath/workers", tel_workers,
		"Per-worker packets and cycles per packet. No parameters");
}
