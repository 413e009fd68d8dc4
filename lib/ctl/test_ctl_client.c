/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket's client (fex_ctl_client.h) against a scripted
 * server on a real unix socket: a reply, a reply in pieces, a peer that
 * closes, garbage, silence (the timeout), and the open errors.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "fex_ctl_client.h"

static char dir[64], path[100];
static int lfd = -1;

enum act { REPLY, REPLY_SPLIT, CLOSE, GARBAGE, SILENT };

struct peer {
	enum act act;
	char got[512];		/* the request line it read */
	pthread_t t;
};

static void
read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n + 1 < len && read(fd, &buf[n], 1) == 1 && buf[n] != '\n')
		n++;
	buf[n] = '\0';
}

static void *
peer_run(void *arg)
{
	static const char reply[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"ok\":true}}\n";
	struct peer *p = arg;
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		return NULL;
	read_line(fd, p->got, sizeof(p->got));
	switch (p->act) {
	case REPLY:
		CU_ASSERT(write(fd, reply, strlen(reply)) == (ssize_t)strlen(reply));
		break;
	case REPLY_SPLIT:
		CU_ASSERT(write(fd, reply, 10) == 10);
		usleep(20000);	/* two reads for the client, not a wait on it */
		CU_ASSERT(write(fd, reply + 10, strlen(reply) - 10) ==
			  (ssize_t)strlen(reply) - 10);
		break;
	case GARBAGE:
		CU_ASSERT(write(fd, "not json\n", 9) == 9);
		break;
	case SILENT:
		read_line(fd, p->got, sizeof(p->got));	/* until the client goes */
		break;
	case CLOSE:
		break;
	}
	close(fd);
	return NULL;
}

/* One call against a peer acting act: the response, *rc, err. */
static json_t *
call(enum act act, unsigned int timeout_ms, int *rc, char *err, size_t len,
     struct peer *p)
{
	struct fex_ctl_client c;
	json_t *params = json_pack("{s:s}", "name", "web"), *resp = NULL;

	p->act = act;
	CU_ASSERT_FATAL(pthread_create(&p->t, NULL, peer_run, p) == 0);
	*rc = fex_ctl_client_open(&c, path, timeout_ms, err, len);
	CU_ASSERT(*rc == 0);
	if (*rc == 0) {
		resp = fex_ctl_client_call(&c, "profile.get", params, rc, err, len);
		CU_ASSERT((resp == NULL) == (c.fd < 0));	/* closed on an error */
		fex_ctl_client_close(&c);
	}
	pthread_join(p->t, NULL);
	json_decref(params);
	return resp;
}

static void
test_calls(void)
{
	struct peer p;
	char err[256];
	json_t *r;
	int rc;

	r = call(REPLY, 2000, &rc, err, sizeof(err), &p);
	CU_ASSERT(rc == 0);
	CU_ASSERT(json_is_true(json_object_get(json_object_get(r, "result"), "ok")));
	json_decref(r);
	/* what went on the wire: one JSON-RPC 2.0 request line */
	r = json_loads(p.got, 0, NULL);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(r, "jsonrpc")), "2.0");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(r, "method")), "profile.get");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_object_get(r,
		"params"), "name")), "web");
	CU_ASSERT(json_is_integer(json_object_get(r, "id")));
	json_decref(r);

	r = call(REPLY_SPLIT, 2000, &rc, err, sizeof(err), &p);
	CU_ASSERT(rc == 0 && json_is_object(r));
	json_decref(r);

	CU_ASSERT(call(CLOSE, 2000, &rc, err, sizeof(err), &p) == NULL);
	CU_ASSERT(rc == -ECONNRESET);
	CU_ASSERT(strstr(err, "closed the connection before replying") != NULL);

	CU_ASSERT(call(GARBAGE, 2000, &rc, err, sizeof(err), &p) == NULL);
	CU_ASSERT(rc == -EPROTO);
	CU_ASSERT(strstr(err, "not JSON-RPC") != NULL);

	CU_ASSERT(call(SILENT, 200, &rc, err, sizeof(err), &p) == NULL);
	CU_ASSERT(rc == -ETIMEDOUT);
	CU_ASSERT(strstr(err, "no reply from") != NULL);
}

static void
test_open_errors(void)
{
	struct fex_ctl_client c;
	char err[256], lp[200];
	int rc;

	snprintf(lp, sizeof(lp), "%s/missing.sock", dir);
	rc = fex_ctl_client_open(&c, lp, 1000, err, sizeof(err));
	CU_ASSERT(rc == -ENOENT);
	CU_ASSERT(c.fd == -1);
	CU_ASSERT(strstr(err, lp) != NULL);
	memset(lp, 'x', sizeof(lp) - 1);
	lp[sizeof(lp) - 1] = '\0';
	CU_ASSERT(fex_ctl_client_open(&c, lp, 1000, err, sizeof(err)) == -ENAMETOOLONG);
	/* a call on a connection that is not there */
	CU_ASSERT(fex_ctl_client_call(&c, "stats", NULL, &rc, err, sizeof(err)) == NULL);
	CU_ASSERT(rc == -ENOTCONN);
}

int
main(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	CU_pSuite s;
	unsigned int failed;

	snprintf(dir, sizeof(dir), "/tmp/fex-ctl-client.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/ctl.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 4) < 0)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ctl client", NULL, NULL);
	CU_add_test(s, "a call: reply, in pieces, closed, garbage, silence", test_calls);
	CU_add_test(s, "open errors; a call without a connection", test_open_errors);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	close(lfd);
	unlink(path);
	rmdir(dir);
	return failed != 0;
}
