/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the control library: framing, every JSON-RPC error path
 * (each one leaves the state as it was), the methods against the real
 * lib/vif tables with a recording port layer. The server's permission
 * check, creation errors and method registry: test_ctl_server.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fex_test.h"
#include "fex_ctl_priv.h"
#include "test_ctl_common.h"

static struct fex_ctl *ctl;

#define UUID1 "6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a"
#define UUID2 "7c4b3b5f-9d20-4e3c-8b8f-2a3f4e5d6c7b"
#define UUID1_UPPER "6B3A2A4E-8C1F-4D2B-9A7E-1F2E3D4C5B6A"

/* ---------------------------------------------------------------- framing */

struct seen {
	char lines[8][64];
	unsigned int n;
	unsigned int oversize;
	unsigned int oversize_end;
};

static int
seen_cb(void *arg, enum linebuf_event ev, char *line, size_t len)
{
	struct seen *s = arg;

	switch (ev) {
	case LINEBUF_LINE:
		if (s->n < 8)
			snprintf(s->lines[s->n], sizeof(s->lines[0]), "%.*s",
				 (int)len, line);
		s->n++;
		break;
	case LINEBUF_OVERSIZE:
		s->oversize++;
		break;
	case LINEBUF_OVERSIZE_END:
		s->oversize_end++;
		break;
	}
	return 0;
}

static void
test_framing_partial(void)
{
	struct linebuf lb;
	struct seen s = { .n = 0 };

	CU_ASSERT_FATAL(linebuf_init(&lb, 16) == 0);
	CU_ASSERT(linebuf_feed(&lb, "{\"a\"", 4, seen_cb, &s) == 0);
	CU_ASSERT(s.n == 0);
	CU_ASSERT(linebuf_feed(&lb, ":1}", 3, seen_cb, &s) == 0);
	CU_ASSERT(s.n == 0);
	CU_ASSERT(linebuf_feed(&lb, "\r\nx", 3, seen_cb, &s) == 0);
	CU_ASSERT(s.n == 1);
	CU_ASSERT_STRING_EQUAL(s.lines[0], "{\"a\":1}");
	CU_ASSERT(lb.len == 1);
	CU_ASSERT(linebuf_feed(&lb, "\n", 1, seen_cb, &s) == 0);
	CU_ASSERT(s.n == 2);
	CU_ASSERT_STRING_EQUAL(s.lines[1], "x");
	linebuf_free(&lb);
}

static void
test_framing_several(void)
{
	struct linebuf lb;
	struct seen s = { .n = 0 };
	const char in[] = "one\ntwo\n\nthree\nfo";

	CU_ASSERT_FATAL(linebuf_init(&lb, 16) == 0);
	CU_ASSERT(linebuf_feed(&lb, in, strlen(in), seen_cb, &s) == 0);
	CU_ASSERT(s.n == 4);
	CU_ASSERT_STRING_EQUAL(s.lines[0], "one");
	CU_ASSERT_STRING_EQUAL(s.lines[1], "two");
	CU_ASSERT_STRING_EQUAL(s.lines[2], "");
	CU_ASSERT_STRING_EQUAL(s.lines[3], "three");
	CU_ASSERT(lb.len == 2);
	linebuf_free(&lb);
}

static void
test_framing_oversize(void)
{
	struct linebuf lb;
	struct seen s = { .n = 0 };
	char big[40];
	unsigned int i;

	memset(big, 'x', sizeof(big));
	CU_ASSERT_FATAL(linebuf_init(&lb, 16) == 0);
	/* exactly the cap is fine */
	CU_ASSERT(linebuf_feed(&lb, big, 16, seen_cb, &s) == 0);
	CU_ASSERT(linebuf_feed(&lb, "\n", 1, seen_cb, &s) == 0);
	CU_ASSERT(s.n == 1 && s.oversize == 0);
	/* a line over the cap, in pieces: one event, nothing buffered */
	for (i = 0; i < 100; i++)
		CU_ASSERT(linebuf_feed(&lb, big, sizeof(big), seen_cb, &s) == 0);
	CU_ASSERT(s.oversize == 1);
	CU_ASSERT(s.oversize_end == 0);
	CU_ASSERT(lb.len == 0);
	CU_ASSERT(lb.discarded == 100 * sizeof(big));
	CU_ASSERT(linebuf_feed(&lb, "xx\nok\n", 6, seen_cb, &s) == 0);
	CU_ASSERT(s.oversize_end == 1);
	CU_ASSERT(s.n == 2);
	CU_ASSERT_STRING_EQUAL(s.lines[1], "ok");
	/* over the cap inside one chunk that also holds the newline */
	CU_ASSERT(linebuf_feed(&lb, big, 20, seen_cb, &s) == 0);
	CU_ASSERT(linebuf_feed(&lb, "\nlast\n", 6, seen_cb, &s) == 0);
	CU_ASSERT(s.oversize == 2 && s.oversize_end == 2);
	CU_ASSERT(s.n == 3);
	linebuf_free(&lb);
}

/* ---------------------------------------------------------------- requests */

static char *
line_call(const char *line)
{
	return fex_ctl_call_line(ctl, line, strlen(line), NULL);
}

/* A raw line gets error code `code`, and the state does not change. */
static void
expect_line_error(const char *line, int code)
{
	char *before = tstate(ctl), *after, *reply;
	json_t *r;

	reply = line_call(line);
	CU_ASSERT_FATAL(reply != NULL);
	r = json_loads(reply, 0, NULL);
	CU_ASSERT_FATAL(r != NULL);
	if (tcode(r) != code)
		fprintf(stderr, "\n%s -> %s (want %d)\n", line, reply, code);
	CU_ASSERT(tcode(r) == code);
	CU_ASSERT(json_is_string(json_object_get(json_object_get(r, "error"),
						 "message")));
	CU_ASSERT(strchr(reply, '\n') == NULL);
	after = tstate(ctl);
	CU_ASSERT_STRING_EQUAL(before, after);
	json_decref(r);
	free(reply);
	free(before);
	free(after);
}

/* A method call gets error code `code` naming `field`; state unchanged. */
static void
expect_error(const char *method, const char *params, int code,
	     const char *field)
{
	char *before = tstate(ctl), *after;
	unsigned int open = tports_open();
	json_t *r = tcall(ctl, method, params), *data;

	if (tcode(r) != code) {
		char *s = json_dumps(r, JSON_COMPACT);

		fprintf(stderr, "\n%s %s -> %s (want %d)\n", method, params, s, code);
		free(s);
	}
	CU_ASSERT(tcode(r) == code);
	data = json_object_get(json_object_get(r, "error"), "data");
	if (field != NULL) {
		CU_ASSERT(json_is_string(json_object_get(data, "field")));
		if (json_is_string(json_object_get(data, "field")))
			CU_ASSERT_STRING_EQUAL(json_string_value(
				json_object_get(data, "field")), field);
	}
	after = tstate(ctl);
	CU_ASSERT_STRING_EQUAL(before, after);
	CU_ASSERT(tports_open() == open);
	json_decref(r);
	free(before);
	free(after);
}

static void
expect_ok(const char *method, const char *params)
{
	int code = tcall_code(ctl, method, params);

	if (code != 0)
		fprintf(stderr, "\n%s %s -> %d\n", method, params, code);
	CU_ASSERT(code == 0);
}

static void
test_rpc_errors(void)
{
	expect_line_error("garbage", FEX_CTL_E_PARSE);
	expect_line_error("{\"jsonrpc\":\"2.0\",", FEX_CTL_E_PARSE);
	expect_line_error("{\"a\":1,\"a\":2}", FEX_CTL_E_PARSE);
	expect_line_error("42", FEX_CTL_E_REQUEST);
	expect_line_error("\"profile.list\"", FEX_CTL_E_REQUEST);
	expect_line_error("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"stats\"}]",
			  FEX_CTL_E_REQUEST);
	expect_line_error("{\"id\":1,\"method\":\"stats\"}", FEX_CTL_E_REQUEST);
	expect_line_error("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"stats\"}",
			  FEX_CTL_E_REQUEST);
	expect_line_error("{\"jsonrpc\":2,\"id\":1,\"method\":\"stats\"}",
			  FEX_CTL_E_REQUEST);
	expect_line_error("{\"jsonrpc\":\"2.0\",\"id\":1}", FEX_CTL_E_REQUEST);
	expect_line_error("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}",
			  FEX_CTL_E_REQUEST);
	expect_line_error("{\"jsonrpc\":\"2.0\",\"method\":\"stats\"}",
			  FEX_CTL_E_REQUEST);
	expect_line_error("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"stats\"}",
			  FEX_CTL_E_REQUEST);
	expect_line_error("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"stats\"}",
			  FEX_CTL_E_REQUEST);
	expect_line_error("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"stats\","
			  "\"extra\":1}", FEX_CTL_E_REQUEST);
	expect_line_error("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"nope\"}",
			  FEX_CTL_E_METHOD);
	expect_line_error("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"profile.set\","
			  "\"params\":[\"web\"]}", FEX_CTL_E_PARAMS);
}

static void
test_rpc_id_echo(void)
{
	char *reply;

	reply = line_call("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"cluster.list\"}");
	CU_ASSERT_STRING_EQUAL(reply,
		"{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"result\":[\"default\"]}");
	free(reply);
	reply = line_call("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"nope\"}");
	CU_ASSERT(strstr(reply, "\"id\":null") != NULL);
	CU_ASSERT(strstr(reply, "profile.set") != NULL);	/* lists methods */
	free(reply);
	reply = line_call("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"nope\"}");
	CU_ASSERT(strstr(reply, "\"id\":7") != NULL);
	free(reply);
}

static void
test_profile_errors(void)
{
	expect_error("profile.set", "", FEX_CTL_E_PARAMS, "name");
	expect_error("profile.set", "{\"name\":\"\"}", FEX_CTL_E_PARAMS, "name");
	expect_error("profile.set", "{\"name\":\"a b\"}", FEX_CTL_E_PARAMS, "name");
	expect_error("profile.set", "{\"name\":\"abcdefghijabcdefghijabcdefghijab\"}",
		     FEX_CTL_E_PARAMS, "name");
	expect_error("profile.set", "{\"name\":5}", FEX_CTL_E_PARAMS, "name");
	expect_error("profile.set", "{\"name\":\"web\",\"vlan\":[1]}",
		     FEX_CTL_E_PARAMS, "vlan");
	expect_error("profile.set", "{\"name\":\"web\",\"vlans\":\"10,20\"}",
		     FEX_CTL_E_PARAMS, "vlans");
	expect_error("profile.set", "{\"name\":\"web\",\"vlans\":[10,4095]}",
		     FEX_CTL_E_PARAMS, "vlans");
	expect_error("profile.set", "{\"name\":\"web\",\"vlans\":[0]}",
		     FEX_CTL_E_PARAMS, "vlans");
	expect_error("profile.set", "{\"name\":\"web\",\"vlans\":[10,10]}",
		     FEX_CTL_E_PARAMS, "vlans");
	expect_error("profile.set", "{\"name\":\"web\",\"vlans\":[\"10\"]}",
		     FEX_CTL_E_PARAMS, "vlans");
	expect_error("profile.set", "{\"name\":\"web\",\"native_vlan\":4095}",
		     FEX_CTL_E_PARAMS, "native_vlan");
	expect_error("profile.set", "{\"name\":\"web\",\"native_vlan\":-1}",
		     FEX_CTL_E_PARAMS, "native_vlan");
	expect_error("profile.set", "{\"name\":\"web\",\"cos\":8}",
		     FEX_CTL_E_PARAMS, "cos");
	expect_error("profile.set", "{\"name\":\"web\",\"cos\":\"3\"}",
		     FEX_CTL_E_PARAMS, "cos");
	expect_error("profile.set", "{\"name\":\"web\",\"rate_kbps\":1.5}",
		     FEX_CTL_E_PARAMS, "rate_kbps");
	expect_error("profile.set", "{\"name\":\"web\",\"burst_bytes\":4294967296}",
		     FEX_CTL_E_PARAMS, "burst_bytes");
	expect_error("profile.set", "{\"name\":\"web\",\"mac_forging\":\"maybe\"}",
		     FEX_CTL_E_PARAMS, "mac_forging");
	expect_error("profile.set", "{\"name\":\"web\",\"uplink_fail_action\":1}",
		     FEX_CTL_E_PARAMS, "uplink_fail_action");
	expect_error("profile.set", "{\"name\":\"web\",\"max_ports\":0}",
		     FEX_CTL_E_PARAMS, "max_ports");
	expect_error("profile.set", "{\"name\":\"web\",\"max_ports\":4097}",
		     FEX_CTL_E_PARAMS, "max_ports");
	expect_error("profile.set", "{\"name\":\"web\",\"io_performance\":\"low\"}",
		     FEX_CTL_E_PARAMS, "io_performance");
	expect_error("profile.set", "{\"name\":\"web\",\"enabled\":\"yes\"}",
		     FEX_CTL_E_PARAMS, "enabled");
	expect_error("profile.set", "{\"name\":\"web\",\"description\":7}",
		     FEX_CTL_E_PARAMS, "description");
	expect_error("profile.set", "{\"name\":\"web\",\"cluster\":\"east\"}",
		     FEX_CTL_E_NOT_FOUND, "cluster");
	expect_error("profile.get", "{\"name\":\"nope\"}", FEX_CTL_E_NOT_FOUND,
		     "name");
	expect_error("profile.get", "{\"name\":\"web\",\"cluster\":\"east\"}",
		     FEX_CTL_E_NOT_FOUND, "cluster");
	expect_error("profile.delete", "{\"name\":\"nope\"}", FEX_CTL_E_NOT_FOUND,
		     "name");
	expect_error("profile.list", "{\"cluster\":\"east\"}", FEX_CTL_E_NOT_FOUND,
		     "cluster");
	expect_error("profile.list", "{\"bogus\":1}", FEX_CTL_E_PARAMS, "bogus");
}

static void
test_profile_ok(void)
{
	json_t *r, *res;

	r = tcall(ctl, "profile.set", "{\"name\":\"web\",\"vlans\":[10,20],"
		  "\"native_vlan\":10,\"cos\":3,\"rate_kbps\":100000,"
		  "\"burst_bytes\":125000,\"mac_forging\":\"deny\","
		  "\"description\":\"web tier\",\"cluster\":\"default\"}");
	res = json_object_get(r, "result");
	CU_ASSERT(json_is_true(json_object_get(res, "created")));
	CU_ASSERT(json_integer_value(json_object_get(res, "cos")) == 3);
	CU_ASSERT(json_array_size(json_object_get(res, "vlans")) == 2);
	json_decref(r);
	/* modify: only the given fields change */
	r = tcall(ctl, "profile.set", "{\"name\":\"web\",\"cos\":null,\"enabled\":false}");
	res = json_object_get(r, "result");
	CU_ASSERT(json_is_false(json_object_get(res, "created")));
	CU_ASSERT(json_object_get(res, "cos") == NULL);
	CU_ASSERT(json_is_false(json_object_get(res, "enabled")));
	CU_ASSERT(json_integer_value(json_object_get(res, "rate_kbps")) == 100000);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "mac_forging")),
			       "deny");
	json_decref(r);
	r = tcall(ctl, "profile.get", "{\"name\":\"web\"}");
	res = json_object_get(r, "result");
	CU_ASSERT(json_integer_value(json_object_get(res, "vifs")) == 0);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "description")),
			       "web tier");
	json_decref(r);
	expect_ok("profile.set", "{\"name\":\"db\",\"vlans\":[30],\"max_ports\":1}");
	r = tcall(ctl, "profile.list", "");
	CU_ASSERT(json_array_size(json_object_get(r, "result")) == 2);
	json_decref(r);
	expect_ok("profile.set", "{\"name\":\"tmp\"}");
	expect_ok("profile.delete", "{\"name\":\"tmp\"}");
	expect_error("profile.get", "{\"name\":\"tmp\"}", FEX_CTL_E_NOT_FOUND, "name");
	expect_ok("profile.set", "{\"name\":\"web\",\"enabled\":true}");
}

#define VIF10 "{\"vif\":10,\"port\":\"af_packet:veth10\",\"mac\":\"02:00:00:00:00:0a\"," \
	"\"profile\":\"web\",\"instance_uuid\":\"" UUID1 "\"}"

static void
test_vif_errors(void)
{
	static const char *const bad[][2] = {
		{ "{\"vif\":0,\"port\":\"null\",\"mac\":\"02:00:00:00:00:0a\","
		  "\"profile\":\"web\",\"instance_uuid\":\"" UUID1 "\"}", "vif" },
		{ "{\"vif\":4096,\"port\":\"null\",\"mac\":\"02:00:00:00:00:0a\","
		  "\"profile\":\"web\",\"instance_uuid\":\"" UUID1 "\"}", "vif" },
		{ "{\"vif\":\"10\",\"port\":\"null\",\"mac\":\"02:00:00:00:00:0a\","
		  "\"profile\":\"web\",\"instance_uuid\":\"" UUID1 "\"}", "vif" },
		{ "{\"vif\":10,\"mac\":\"02:00:00:00:00:0a\","
		  "\"profile\":\"web\",\"instance_uuid\":\"" UUID1 "\"}", "port" },
		{ "{\"vif\":10,\"port\":\"\",\"mac\":\"02:00:00:00:00:0a\","
		  "\"profile\":\"web\",\"instance_uuid\":\"" UUID1 "\"}", "port" },
		{ "{\"vif\":10,\"port\":\"null\",\"mac\":\"01:00:00:00:00:0a\","
		  "\"profile\":\"web\",\"instance_uuid\":\"" UUID1 "\"}", "mac" },
		{ "{\"vif\":10,\"port\":\"null\",\"mac\":\"02:00:00:00:00\","
		  "\"profile\":\"web\",\"instance_uuid\":\"" UUID1 "\"}", "mac" },
		{ "{\"vif\":10,\"port\":\"null\",\"mac\":\"02-00-00-00-00-0a\","
		  "\"profile\":\"web\",\"instance_uuid\":\"" UUID1 "\"}", "mac" },
		{ "{\"vif\":10,\"port\":\"null\",\"mac\":\"02:00:00:00:00:0a\","
		  "\"instance_uuid\":\"" UUID1 "\"}", "profile" },
		{ "{\"vif\":10,\"port\":\"null\",\"mac\":\"02:00:00:00:00:0a\","
		  "\"profile\":\"web\",\"instance_uuid\":\"not-a-uuid\"}",
		  "instance_uuid" },
		{ "{\"vif\":10,\"port\":\"null\",\"mac\":\"02:00:00:00:00:0a\","
		  "\"profile\":\"web\"}", "instance_uuid" },
		{ "{\"vif\":10,\"port\":\"null\",\"mac\":\"02:00:00:00:00:0a\","
		  "\"profile\":\"web\",\"instance_uuid\":\"" UUID1 "\",\"x\":1}", "x" },
	};
	unsigned int i;
	json_t *r, *data;

	for (i = 0; i < RTE_DIM(bad); i++) {
		expect_error("vif.associate", bad[i][0], FEX_CTL_E_PARAMS, bad[i][1]);
		expect_error("vif.preassociate", bad[i][0], FEX_CTL_E_PARAMS, bad[i][1]);
	}
	/* VDP response names in the error data */
	r = tcall(ctl, "vif.associate", "{\"vif\":0}");
	data = json_object_get(json_object_get(r, "error"), "data");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(data, "response")),
			       "invalid");
	json_decref(r);
	expect_error("vif.associate", "{\"vif\":10,\"port\":\"null\","
		     "\"mac\":\"02:00:00:00:00:0a\",\"profile\":\"nope\","
		     "\"instance_uuid\":\"" UUID1 "\"}", FEX_CTL_E_NOT_FOUND, "profile");
	expect_error("vif.associate", "{\"vif\":10,\"port\":\"null\","
		     "\"mac\":\"02:00:00:00:00:0a\",\"profile\":\"web\","
		     "\"instance_uuid\":\"" UUID1 "\",\"cluster\":\"east\"}",
		     FEX_CTL_E_NOT_FOUND, "cluster");
	/* the port layer refuses: nothing stays open */
	expect_error("vif.associate", "{\"vif\":10,\"port\":\"fail:x\","
		     "\"mac\":\"02:00:00:00:00:0a\",\"profile\":\"web\","
		     "\"instance_uuid\":\"" UUID1 "\"}", FEX_CTL_E_FAILED, "port");
	expect_error("vif.disassociate", "{\"vif\":99}", FEX_CTL_E_NOT_FOUND, "vif");
	expect_error("vif.disassociate", "{\"vif\":-1}", FEX_CTL_E_PARAMS, "vif");
	expect_error("vif.disassociate", "{}", FEX_CTL_E_PARAMS, "vif");
	expect_error("vif.stats", "{\"vif\":99}", FEX_CTL_E_NOT_FOUND, "vif");
	expect_error("vif.stats", "{\"vif\":true}", FEX_CTL_E_PARAMS, "vif");
}

static void
test_vif_lifecycle(void)
{
	unsigned int attached = tports.attached;
	json_t *r, *res, *data;

	/* preassociate (migration destination), then associate: one port */
	r = tcall(ctl, "vif.preassociate", VIF10);
	res = json_object_get(r, "result");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "response")),
			       "success");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "state")),
			       "preassociated");
	json_decref(r);
	CU_ASSERT(tports.attached == attached + 1);
	expect_ok("vif.associate", VIF10);
	CU_ASSERT(tports.attached == attached + 1);
	r = tcall(ctl, "vif.list", "");
	res = json_array_get(json_object_get(r, "result"), 0);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "state")),
			       "associated");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "mac")),
			       "02:00:00:00:00:0a");
	json_decref(r);

	/* another VM wants VIF 10: bad-state, nothing changes */
	expect_error("vif.associate", "{\"vif\":10,\"port\":\"af_packet:veth10\","
		     "\"mac\":\"02:00:00:00:00:0b\",\"profile\":\"web\","
		     "\"instance_uuid\":\"" UUID2 "\"}", FEX_CTL_E_BAD_STATE, NULL);
	r = tcall(ctl, "vif.preassociate", VIF10);
	data = json_object_get(json_object_get(r, "error"), "data");
	CU_ASSERT(tcode(r) == FEX_CTL_E_BAD_STATE);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(data, "response")),
			       "bad-state");
	json_decref(r);
	/* associated VIF moved to another port: bad-state, no port opened */
	expect_error("vif.associate", "{\"vif\":10,\"port\":\"af_packet:veth99\","
		     "\"mac\":\"02:00:00:00:00:0a\",\"profile\":\"web\","
		     "\"instance_uuid\":\"" UUID1 "\"}", FEX_CTL_E_BAD_STATE, "port");
	/* the port of VIF 10 for VIF 11 */
	expect_error("vif.associate", "{\"vif\":11,\"port\":\"af_packet:veth10\","
		     "\"mac\":\"02:00:00:00:00:0b\",\"profile\":\"web\","
		     "\"instance_uuid\":\"" UUID2 "\"}", FEX_CTL_E_IN_USE, "port");
	/* max_ports of "db" is 1 */
	expect_ok("vif.associate", "{\"vif\":20,\"port\":\"af_packet:veth20\","
		  "\"mac\":\"02:00:00:00:00:14\",\"profile\":\"db\","
		  "\"instance_uuid\":\"" UUID2 "\"}");
	expect_error("vif.associate", "{\"vif\":21,\"port\":\"af_packet:veth21\","
		     "\"mac\":\"02:00:00:00:00:15\",\"profile\":\"db\","
		     "\"instance_uuid\":\"" UUID2 "\"}", FEX_CTL_E_RESOURCES, "profile");
	r = tcall(ctl, "vif.associate", "{\"vif\":21,\"port\":\"af_packet:veth21\","
		  "\"mac\":\"02:00:00:00:00:15\",\"profile\":\"db\","
		  "\"instance_uuid\":\"" UUID2 "\"}");
	data = json_object_get(json_object_get(r, "error"), "data");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(data, "response")),
			       "insufficient-resources");
	json_decref(r);
	/* lowering max_ports below its users is refused */
	expect_ok("vif.associate", "{\"vif\":11,\"port\":\"af_packet:veth11\","
		  "\"mac\":\"02:00:00:00:00:0b\",\"profile\":\"web\","
		  "\"instance_uuid\":\"" UUID2 "\"}");
	expect_error("profile.set", "{\"name\":\"web\",\"max_ports\":1}",
		     FEX_CTL_E_IN_USE, "max_ports");
	/* a profile in use cannot go */
	expect_error("profile.delete", "{\"name\":\"web\"}", FEX_CTL_E_IN_USE, "name");

	/* stats */
	r = tcall(ctl, "vif.stats", "{\"vif\":10}");
	res = json_object_get(r, "result");
	CU_ASSERT(json_integer_value(json_object_get(res, "rx_packets")) == 0);
	CU_ASSERT(json_object_get(res, "drop_mac_forged") != NULL);
	CU_ASSERT(json_object_get(res, "drop_policer") != NULL);
	json_decref(r);
	r = tcall(ctl, "vif.stats", "");
	CU_ASSERT(json_array_size(json_object_get(r, "result")) == 3);
	json_decref(r);

	/* port.list says which VIF has which port */
	r = tcall(ctl, "port.list", "");
	res = json_object_get(r, "result");
	CU_ASSERT(json_array_size(res) == 3);
	CU_ASSERT(json_integer_value(json_object_get(json_array_get(res, 0),
						     "vif")) == 10);
	json_decref(r);
	r = tcall(ctl, "stats", "");
	res = json_object_get(r, "result");
	CU_ASSERT(json_is_array(json_object_get(res, "uplinks")));
	CU_ASSERT(json_is_object(json_object_get(res, "control")));
	json_decref(r);

	/* disassociate closes the port */
	attached = tports_open();
	r = tcall(ctl, "vif.disassociate", "{\"vif\":20}");
	res = json_object_get(r, "result");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "response")),
			       "success");
	json_decref(r);
	CU_ASSERT(tports_open() == attached - 1);
	expect_error("vif.disassociate", "{\"vif\":20}", FEX_CTL_E_NOT_FOUND, "vif");
}

/* No "vif": the same UUID + MAC keep their VIF, others get the lowest
 * free id (SPEC §8) */
static void
test_vif_auto(void)
{
#define AUTO(mac, uuid, port) "{\"port\":\"" port "\",\"mac\":\"" mac "\"," \
	"\"profile\":\"web\",\"instance_uuid\":\"" uuid "\"}"
	static const char *const a1 = AUTO("02:00:00:00:01:01", UUID1, "ring:auto1");
	static const char *const a2 = AUTO("02:00:00:00:01:02", UUID1, "ring:auto2");
	static const char *const b1 = AUTO("02:00:00:00:01:01", UUID2, "ring:auto3");
	unsigned int attached = tports.attached;
	json_t *r, *res;
	int v1, v2, v3;

	/* VIFs 10, 11 and 20 are there from the lifecycle test; 1 is free */
	r = tcall(ctl, "vif.preassociate", a1);
	res = json_object_get(r, "result");
	v1 = (int)json_integer_value(json_object_get(res, "vif"));
	CU_ASSERT(v1 == 1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "state")),
			       "preassociated");
	json_decref(r);
	/* associate without an id: the same VIF, the same port */
	r = tcall(ctl, "vif.associate", a1);
	res = json_object_get(r, "result");
	CU_ASSERT((int)json_integer_value(json_object_get(res, "vif")) == v1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(res, "state")),
			       "associated");
	json_decref(r);
	CU_ASSERT(tports.attached == attached + 1);
	/* another MAC of the same instance, the same MAC of another one */
	r = tcall(ctl, "vif.associate", a2);
	v2 = (int)json_integer_value(json_object_get(json_object_get(r, "result"), "vif"));
	json_decref(r);
	r = tcall(ctl, "vif.associate", b1);
	v3 = (int)json_integer_value(json_object_get(json_object_get(r, "result"), "vif"));
	json_decref(r);
	CU_ASSERT(v2 == 2);
	CU_ASSERT(v3 == 3);
	/* the UUID compares without case */
	r = tcall(ctl, "vif.associate", AUTO("02:00:00:00:01:02", UUID1_UPPER,
					     "ring:auto2"));
	CU_ASSERT((int)json_integer_value(json_object_get(json_object_get(r, "result"),
							  "vif")) == v2);
	json_decref(r);
	/* a hole is filled first */
	expect_ok("vif.disassociate", "{\"vif\":2}");
	r = tcall(ctl, "vif.preassociate", AUTO("02:00:00:00:01:04", UUID2, "ring:auto4"));
	CU_ASSERT((int)json_integer_value(json_object_get(json_object_get(r, "result"),
							  "vif")) == 2);
	json_decref(r);
	/* the same UUID + MAC on another port: their VIF is bound elsewhere */
	expect_error("vif.associate", AUTO("02:00:00:00:01:01", UUID1, "ring:auto9"),
		     FEX_CTL_E_BAD_STATE, "port");
	expect_ok("vif.disassociate", "{\"vif\":1}");
	expect_ok("vif.disassociate", "{\"vif\":2}");
	expect_ok("vif.disassociate", "{\"vif\":3}");
#undef AUTO
}

static void
test_viflist(void)
{
	json_t *r, *res;

	expect_error("viflist.set", "{\"id\":0,\"vifs\":[10]}", FEX_CTL_E_PARAMS, "id");
	expect_error("viflist.set", "{\"id\":16384,\"vifs\":[10]}", FEX_CTL_E_PARAMS,
		     "id");
	expect_error("viflist.set", "{\"id\":100}", FEX_CTL_E_PARAMS, "vifs");
	expect_error("viflist.set", "{\"id\":100,\"vifs\":[10,4096]}",
		     FEX_CTL_E_PARAMS, "vifs");
	expect_error("viflist.set", "{\"id\":100,\"vifs\":[10,10]}",
		     FEX_CTL_E_PARAMS, "vifs");
	expect_error("viflist.set", "{\"id\":100,\"vifs\":10}", FEX_CTL_E_PARAMS,
		     "vifs");
	expect_error("viflist.set", "{\"id\":100,\"vifs\":[10],\"cluster\":\"x\"}",
		     FEX_CTL_E_NOT_FOUND, "cluster");
	expect_error("viflist.get", "{\"id\":100}", FEX_CTL_E_NOT_FOUND, "id");
	expect_error("viflist.delete", "{\"id\":100}", FEX_CTL_E_NOT_FOUND, "id");
	expect_ok("viflist.set", "{\"id\":100,\"vifs\":[10,11]}");
	r = tcall(ctl, "viflist.get", "{\"id\":100}");
	res = json_object_get(r, "result");
	CU_ASSERT(json_array_size(json_object_get(res, "vifs")) == 2);
	json_decref(r);
	expect_ok("viflist.set", "{\"id\":16383,\"vifs\":[]}");
	r = tcall(ctl, "viflist.list", "");
	CU_ASSERT(json_array_size(json_object_get(r, "result")) == 2);
	json_decref(r);
	expect_ok("viflist.delete", "{\"id\":16383}");
}

/* The typed reads (--stats-json) are the methods' results, and a typed
 * change made while a request's change is open is refused. */
static void
test_typed_reads(void)
{
	static const struct {
		const char *method;
		json_t *(*fn)(struct fex_ctl *, struct fex_ctl_err *);
	} reads[] = {
		{ "port.list", fex_ctl_port_list },
		{ "vif.stats", fex_ctl_vif_stats },
	};
	struct fex_ctl_err err = { .code = 0 };
	unsigned int i;
	json_t *r, *t;

	CU_ASSERT(tcall_code(ctl, "profile.set", "{\"name\":\"tr\"}") == 0);
	CU_ASSERT(tcall_code(ctl, "vif.associate", "{\"vif\":40,\"port\":\"ring:tr\","
			     "\"mac\":\"02:00:00:00:00:28\",\"profile\":\"tr\","
			     "\"instance_uuid\":\"" UUID1 "\"}") == 0);
	for (i = 0; i < RTE_DIM(reads); i++) {
		r = tcall(ctl, reads[i].method, "");
		t = reads[i].fn(ctl, &err);
		CU_ASSERT(t != NULL && json_equal(json_object_get(r, "result"), t));
		CU_ASSERT(json_array_size(t) >= 1);
		json_decref(r);
		json_decref(t);
	}
	t = fex_ctl_stats(ctl, &err);
	CU_ASSERT(json_is_object(json_object_get(t, "control")));
	CU_ASSERT(json_is_array(json_object_get(t, "uplinks")));
	json_decref(t);
	CU_ASSERT(ctl_change_begin(ctl) == 0);
	CU_ASSERT(fex_ctl_viflist_set(ctl, 5, NULL, 0, &err) == -1);
	CU_ASSERT(err.code == FEX_CTL_E_INTERNAL);
	ctl_change_abort(ctl);
	CU_ASSERT(fex_ctl_viflist_set(ctl, 5, NULL, 0, &err) == 0);
	CU_ASSERT(tcall_code(ctl, "viflist.delete", "{\"id\":5}") == 0);
	CU_ASSERT(tcall_code(ctl, "vif.disassociate", "{\"vif\":40}") == 0);
	CU_ASSERT(tcall_code(ctl, "profile.delete", "{\"name\":\"tr\"}") == 0);
}

int
main(void)
{
	CU_pSuite s;
	int rc;

	if (fex_test_eal_init("test_ctl") < 0)
		return EXIT_FAILURE;
	ctl = tctl_new(NULL, NULL, NULL);
	if (ctl == NULL)
		return EXIT_FAILURE;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("ctl", NULL, NULL);
	CU_add_test(s, "framing: partial lines", test_framing_partial);
	CU_add_test(s, "framing: several requests in one read", test_framing_several);
	CU_add_test(s, "framing: oversized line discarded", test_framing_oversize);
	CU_add_test(s, "rpc: every request error, state unchanged", test_rpc_errors);
	CU_add_test(s, "rpc: id echoed", test_rpc_id_echo);
	CU_add_test(s, "profile: bad params refused, state unchanged",
		    test_profile_errors);
	CU_add_test(s, "profile: set/modify/get/list/delete", test_profile_ok);
	CU_add_test(s, "vif: bad params refused, state unchanged", test_vif_errors);
	CU_add_test(s, "vif: lifecycle, bad-state, max_ports, in use",
		    test_vif_lifecycle);
	CU_add_test(s, "vif: no id given: kept per UUID + MAC, else lowest free",
		    test_vif_auto);
	CU_add_test(s, "viflist: set/get/list/delete and errors", test_viflist);
	CU_add_test(s, "typed reads = the methods' results; no nested change",
		    test_typed_reads);
	rc = fex_test_run();
	tctl_free(ctl);
	return rc;
}
