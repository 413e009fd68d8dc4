/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Integration: the real fexctl binary against the real control server
 * (lib/ctl on a temp socket, real lib/vif tables, a recording port
 * layer standing in for the application's). Every subcommand and its
 * error exits; then the server under abuse: garbage, a 10 MiB line,
 * 200 concurrent clients, more clients than allowed, a client that
 * never reads, an idle client, a half-closed client. The server must
 * keep answering the others, and the fd count must come back.
 *
 * usage: test_fexctl PATH-TO-FEXCTL   (meson passes it)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fex_test.h"
#include "test_ctl_common.h"

#define UUID1 "6b3a2a4e-8c1f-4d2b-9a7e-1f2e3d4c5b6a"
#define UUID2 "7c4b3b5f-9d20-4e3c-8b8f-2a3f4e5d6c7b"
#define IDLE_MS		3000
#define MAX_CLIENTS	220
#define MAX_OUTPUT	(64 * 1024)

static const char *fexctl_bin;
static char dir[] = "/tmp/test_fexctl.XXXXXX";
static char sock[100], state[128];
static struct fex_ctl *ctl;
static unsigned int fds_start;

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static unsigned int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the DIR's own fd */
}

/* ---------------------------------------------------------------- fexctl */

/* Run fexctl --socket SOCK args...; collect stdout and stderr. */
static int
run(char *out, size_t outlen, char *err, size_t errlen, const char *const *args)
{
	int po[2], pe[2], status;
	size_t no = 0, ne = 0;
	const char *argv[32];
	unsigned int n = 0;
	pid_t pid;

	argv[n++] = fexctl_bin;
	if (args[0] == NULL || strcmp(args[0], "--no-socket") != 0) {
		argv[n++] = "--socket";
		argv[n++] = sock;
	} else {
		args++;
	}
	while (*args != NULL && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (pipe(po) < 0 || pipe(pe) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		close(po[1]);
		close(pe[1]);
		execv(fexctl_bin, (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	for (;;) {
		struct pollfd p[2] = { { .fd = po[0], .events = POLLIN },
				       { .fd = pe[0], .events = POLLIN } };
		ssize_t r;

		if (p[0].fd < 0 && p[1].fd < 0)
			break;
		if (poll(p, 2, 30000) <= 0)
			break;
		if (p[0].revents) {
			r = read(po[0], out + no, outlen - 1 - no);
			if (r <= 0) {
				close(po[0]);
				po[0] = -1;
			} else {
				no += (size_t)r;
			}
		}
		if (p[1].revents) {
			r = read(pe[0], err + ne, errlen - 1 - ne);
			if (r <= 0) {
				close(pe[0]);
				pe[0] = -1;
			} else {
				ne += (size_t)r;
			}
		}
		if (po[0] < 0 && pe[0] < 0)
			break;
	}
	if (po[0] >= 0)
		close(po[0]);
	if (pe[0] >= 0)
		close(pe[0]);
	out[no] = '\0';
	err[ne] = '\0';
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char last_out[1 << 20], last_err[1 << 16];

/* fexctl args... (NULL-terminated) exits with want_rc, and its stdout
 * contains want_out and its stderr want_err (either may be NULL). */
static void
expect(int want_rc, const char *want_out, const char *want_err, ...)
{
	const char *args[32];
	unsigned int n = 0;
	va_list ap;
	int rc;

	va_start(ap, want_err);
	while (n < 31 && (args[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	rc = run(last_out, sizeof(last_out), last_err, sizeof(last_err), args);
	if (getenv("TEST_FEXCTL_SHOW") != NULL) {	/* see what users see */
		unsigned int i;

		printf("\n$ fexctl");
		for (i = 0; i < n; i++)
			printf(" %s", args[i]);
		printf("\n%s%s[exit %d]\n", last_out, last_err, rc);
	}
	if (rc != want_rc || (want_out != NULL && strstr(last_out, want_out) == NULL) ||
	    (want_err != NULL && strstr(last_err, want_err) == NULL)) {
		unsigned int i;

		fprintf(stderr, "\nfexctl");
		for (i = 0; i < n; i++)
			fprintf(stderr, " '%s'", args[i]);
		fprintf(stderr, "\n  exit %d (want %d)\n  stdout: %s\n  stderr: %s\n"
			"  want out '%s' err '%s'\n", rc, want_rc, last_out, last_err,
			want_out ? want_out : "", want_err ? want_err : "");
	}
	CU_ASSERT(rc == want_rc);
	if (want_out != NULL)
		CU_ASSERT(strstr(last_out, want_out) != NULL);
	if (want_err != NULL)
		CU_ASSERT(strstr(last_err, want_err) != NULL);
}

static void
test_profile_cmds(void)
{
	expect(0, "created", NULL, "profile", "set", "web", "--vlans", "10,20,100-102",
	       "--native-vlan", "10", "--cos", "3", "--rate-kbps", "100000",
	       "--burst-bytes", "125000", "--mac-forging", "deny",
	       "--description", "web tier", NULL);
	CU_ASSERT(strstr(last_out, "10,20,100-102") != NULL);
	expect(0, "\"created\": false", NULL, "--json", "profile", "set", "web",
	       "--cos", "none", "--enabled=no", NULL);
	expect(0, "\"enabled\": false", NULL, "--json", "profile", "get", "web", NULL);
	expect(0, "web tier", NULL, "profile", "get", "web", NULL);
	expect(0, NULL, NULL, "profile", "set", "web", "--enabled", "yes", NULL);
	expect(0, NULL, NULL, "profile", "set", "db", "--vlans", "30",
	       "--max-ports", "1", "--uplink-fail-action", "warning",
	       "--io-performance", "high", "--ingress-rate-kbps", "5000",
	       "--ingress-burst-bytes", "9000", "--cluster", "default", NULL);
	expect(0, "NAME", NULL, "profile", "list", NULL);
	CU_ASSERT(strstr(last_out, "web") != NULL && strstr(last_out, "db") != NULL);
	expect(0, "\"name\": \"db\"", NULL, "--json", "profile", "list", NULL);
	expect(0, NULL, NULL, "profile", "set", "tmp", NULL);
	expect(0, "deleted", NULL, "profile", "delete", "tmp", NULL);

	/* refused by the server: exit 1, the field and its option named */
	expect(1, NULL, "--native-vlan", "profile", "set", "web", "--native-vlan",
	       "5000", NULL);
	CU_ASSERT(strstr(last_err, "native_vlan 5000 is out of range") != NULL);
	expect(1, NULL, "allowed: one of allow, deny", "profile", "set", "web",
	       "--mac-forging", "maybe", NULL);
	expect(1, NULL, "cluster 'east' does not exist", "profile", "list",
	       "--cluster", "east", NULL);
	expect(1, NULL, "does not exist", "profile", "get", "nope", NULL);
	expect(1, NULL, "not a valid name", "profile", "set", "bad name", NULL);
	/* wrong command line: exit 2, nothing sent */
	expect(2, NULL, "not a whole number", "profile", "set", "web", "--cos", "x", NULL);
	expect(2, NULL, "unknown option '--colour'", "profile", "set", "web",
	       "--colour", "red", NULL);
	expect(2, NULL, "NAME is missing", "profile", "get", NULL);
	expect(2, NULL, "needs a value", "profile", "set", "web", "--vlans", NULL);
	expect(2, NULL, "allowed: yes, no", "profile", "set", "web", "--enabled",
	       "maybe", NULL);
	expect(2, NULL, "range 20-10", "profile", "set", "web", "--vlans", "20-10",
	       NULL);
	expect(0, "--native-vlan", NULL, "profile", "set", "--help", NULL);
}

static void
test_vif_cmds(void)
{
	expect(0, "preassociated", NULL, "vif", "preassociate", "10", "--port",
	       "ring:vm10", "--mac", "02:00:00:00:00:0a", "--profile", "web",
	       "--uuid", UUID1, NULL);
	expect(0, "\"response\": \"success\"", NULL, "--json", "vif", "associate",
	       "10", "--port", "ring:vm10", "--mac", "02:00:00:00:00:0a",
	       "--profile", "web", "--instance-uuid", UUID1, NULL);
	expect(0, "associated", NULL, "vif", "associate", "11", "--port=ring:vm11",
	       "--mac=02:00:00:00:00:0b", "--profile=web", "--uuid=" UUID2, NULL);
	expect(0, "STATE", NULL, "vif", "list", NULL);
	CU_ASSERT(strstr(last_out, "ring:vm11") != NULL);
	expect(0, "RX_PACKETS", NULL, "vif", "stats", NULL);
	expect(0, "drop_mac_forged", NULL, "vif", "stats", "10", NULL);
	expect(0, "\"drop_policer\": 0", NULL, "--json", "vif", "stats", "10", NULL);

	/* refusals with the VDP response name */
	expect(1, NULL, "[bad-state]", "vif", "associate", "10", "--port",
	       "ring:vm10", "--mac", "02:00:00:00:00:0c", "--profile", "web",
	       "--uuid", UUID2, NULL);
	expect(0, NULL, NULL, "vif", "associate", "12", "--port", "ring:vm12",
	       "--mac", "02:00:00:00:00:0c", "--profile", "db", "--uuid", UUID2, NULL);
	expect(1, NULL, "[insufficient-resources]", "vif", "associate", "13",
	       "--port", "ring:vm13", "--mac", "02:00:00:00:00:0d", "--profile",
	       "db", "--uuid", UUID2, "--cluster", "default", NULL);
	expect(0, NULL, NULL, "vif", "disassociate", "12", NULL);
	expect(1, NULL, "[error]", "vif", "associate", "12", "--port", "fail:x",
	       "--mac", "02:00:00:00:00:0c", "--profile", "web", "--uuid", UUID2, NULL);
	expect(1, NULL, "(--mac)", "vif", "associate", "12", "--port", "ring:x",
	       "--mac", "ff:ff:ff:ff:ff:ff", "--profile", "web", "--uuid", UUID2, NULL);
	expect(1, NULL, "(ID)", "vif", "associate", "5000", "--port", "ring:x",
	       "--mac", "02:00:00:00:00:0c", "--profile", "web", "--uuid", UUID2, NULL);
	expect(1, NULL, "used by 2 VIF(s)", "profile", "delete", "web", NULL);
	expect(1, NULL, "VIF 99 does not exist", "vif", "disassociate", "99", NULL);
	expect(1, NULL, "VIF 99 does not exist", "vif", "stats", "99", NULL);
	expect(2, NULL, "--port is required", "vif", "associate", "10", "--mac",
	       "02:00:00:00:00:0a", "--profile", "web", "--uuid", UUID1, NULL);
	expect(2, NULL, "unexpected argument", "vif", "disassociate", "10", "11", NULL);
	expect(0, "--uuid", NULL, "vif", "associate", "--help", NULL);
	/* no ID: the VIF this UUID + MAC have (10), else the lowest free (1) */
	expect(0, "\"vif\": 10", NULL, "--json", "vif", "associate", "--port",
	       "ring:vm10", "--mac", "02:00:00:00:00:0a", "--profile", "web",
	       "--uuid", UUID1, NULL);
	expect(0, "\"vif\": 1,", NULL, "--json", "vif", "preassociate", "--port",
	       "ring:vm1", "--mac", "02:00:00:00:00:01", "--profile", "web",
	       "--uuid", UUID1, NULL);
	expect(0, NULL, NULL, "vif", "disassociate", "1", NULL);
}

static void
test_viflist_port_misc_cmds(void)
{
	expect(0, "10,11", NULL, "viflist", "set", "100", "--vifs", "10,11", NULL);
	expect(0, "20-29", NULL, "viflist", "set", "200", "--vifs", "20-29", NULL);
	expect(0, NULL, NULL, "viflist", "set", "16383", "--vifs", "", NULL);
	expect(0, "\"vifs\": [", NULL, "--json", "viflist", "get", "100", NULL);
	expect(0, "ID", NULL, "viflist", "list", NULL);
	CU_ASSERT(strstr(last_out, "16383") != NULL);
	expect(0, "deleted", NULL, "viflist", "delete", "16383", NULL);
	expect(1, NULL, "does not exist", "viflist", "get", "16383", NULL);
	expect(1, NULL, "(ID)", "viflist", "set", "16384", "--vifs", "1", NULL);
	expect(2, NULL, "--vifs is required", "viflist", "set", "100", NULL);

	expect(0, "ring:vm10", NULL, "port", "list", NULL);
	CU_ASSERT(strstr(last_out, "VIF") != NULL);
	expect(0, "\"vif\": 10", NULL, "--json", "port", "list", NULL);
	expect(0, "DROP_UNKNOWN_VIF", NULL, "stats", NULL);
	CU_ASSERT(strstr(last_out, "control:") != NULL);
	expect(0, "\"drop_direction\": 0", NULL, "--json", "stats", NULL);
	expect(0, "default", NULL, "cluster", "list", NULL);
	expect(0, "[\n  \"default\"\n]", NULL, "--json", "cluster", "list", NULL);

	/* raw calls for scripts */
	expect(0, "\"default\"", NULL, "call", "cluster.list", NULL);
	expect(0, "\"native_vlan\": 10", NULL, "call", "profile.get",
	       "{\"name\":\"web\"}", NULL);
	expect(1, "-32601", "no method 'nope'", "call", "nope", NULL);
	expect(1, "-32602", "params must be an object", "call", "profile.get",
	       "[1]", NULL);
	expect(2, NULL, "params are not JSON", "call", "profile.get", "{oops", NULL);

	/* the command line itself */
	expect(0, "commands:", NULL, "--help", NULL);
	expect(2, NULL, "unknown command 'frobnicate'", "frobnicate", NULL);
	expect(2, NULL, "unknown verb 'explode'", "vif", "explode", NULL);
	expect(2, NULL, "a verb is needed", "vif", NULL);
	expect(2, NULL, "usage:", NULL);
	expect(2, NULL, "--timeout", "--timeout", "0", "stats", NULL);
	/* nobody listening */
	expect(3, NULL, "is fexpath running? socket /nonexistent/control.sock",
	       "--no-socket", "--socket", "/nonexistent/control.sock", "stats", NULL);
	setenv("FEXCTL_SOCKET", sock, 1);
	expect(0, "default", NULL, "--no-socket", "cluster", "list", NULL);
	unsetenv("FEXCTL_SOCKET");
}

/* ---------------------------------------------------------------- raw clients */

static int
raw_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_str(int fd, const char *s)
{
	size_t len = strlen(s);

	return send(fd, s, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* One line (without '\n') within timeout_ms; its length, 0 on EOF, -1. */
static int
read_line(int fd, char *buf, size_t len, int timeout_ms)
{
	size_t n = 0;

	while (n < len - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, timeout_ms) <= 0)
			return -1;
		r = recv(fd, buf + n, 1, 0);
		if (r <= 0)
			return n > 0 ? -1 : 0;
		if (buf[n] == '\n') {
			buf[n] = '\0';
			return (int)n;
		}
		n++;
	}
	return -1;
}

static const char ping[] = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"cluster.list\"}\n";

/* A fresh client gets an answer within 2 s. */
static bool
server_answers(void)
{
	char buf[256];
	int fd = raw_connect();
	bool ok;

	if (fd < 0)
		return false;
	ok = send_str(fd, ping) == 0 && read_line(fd, buf, sizeof(buf), 2000) > 0 &&
		strstr(buf, "\"result\":[\"default\"]") != NULL;
	close(fd);
	return ok;
}

static void
test_garbage(void)
{
	char buf[512];
	int fd = raw_connect();

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(send_str(fd, "\x01\x02garbage\xff\n") == 0);
	CU_ASSERT(read_line(fd, buf, sizeof(buf), 2000) > 0);
	CU_ASSERT(strstr(buf, "-32700") != NULL);
	/* two requests in one write, one split across writes */
	CU_ASSERT(send_str(fd, "[]\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"cl") == 0);
	CU_ASSERT(read_line(fd, buf, sizeof(buf), 2000) > 0);
	CU_ASSERT(strstr(buf, "-32600") != NULL);
	usleep(50000);
	CU_ASSERT(send_str(fd, "uster.list\"}\r\n\n") == 0);
	CU_ASSERT(read_line(fd, buf, sizeof(buf), 2000) > 0);
	CU_ASSERT(strstr(buf, "\"id\":2,\"result\"") != NULL);
	close(fd);
	CU_ASSERT(server_answers());
}

struct big_sender {
	int fd;
	size_t sent;
	int rc;
};

static void *
big_send(void *arg)
{
	struct big_sender *b = arg;
	static char chunk[64 * 1024];
	size_t total = 10u * 1024 * 1024;

	memset(chunk, 'x', sizeof(chunk));
	b->rc = 0;
	while (b->sent < total) {
		ssize_t w = send(b->fd, chunk, sizeof(chunk), MSG_NOSIGNAL);

		if (w < 0) {
			b->rc = -errno;
			return NULL;
		}
		b->sent += (size_t)w;
	}
	if (send(b->fd, "\n", 1, MSG_NOSIGNAL) != 1)
		b->rc = -errno;
	return NULL;
}

static void
test_huge_line(void)
{
	struct fex_ctl_counters before, after;
	struct big_sender b = { .sent = 0 };
	pthread_t t;
	char buf[512];
	int n;

	fex_ctl_counters(ctl, &before);
	b.fd = raw_connect();
	CU_ASSERT_FATAL(b.fd >= 0);
	CU_ASSERT_FATAL(pthread_create(&t, NULL, big_send, &b) == 0);
	/* the error comes after the first 64 KiB, long before the end */
	n = read_line(b.fd, buf, sizeof(buf), 5000);
	CU_ASSERT(n > 0);
	CU_ASSERT(strstr(buf, "-32600") != NULL && strstr(buf, "longer than 65536") != NULL);
	/* others are served while the rest streams in */
	CU_ASSERT(server_answers());
	pthread_join(t, NULL);
	CU_ASSERT(b.rc == 0);
	CU_ASSERT(b.sent == 10u * 1024 * 1024);
	/* after the newline the server closes the connection */
	CU_ASSERT(read_line(b.fd, buf, sizeof(buf), 5000) == 0);
	close(b.fd);
	fex_ctl_counters(ctl, &after);
	CU_ASSERT(after.oversized == before.oversized + 1);
	printf("\n  10 MiB line: error after the first 64 KiB, %zu bytes discarded, "
	       "connection closed\n", b.sent);
}

static void
test_many_clients(void)
{
	static int fds[MAX_CLIENTS + 10];
	struct fex_ctl_counters c;
	unsigned int i, answered = 0, refused = 0;
	char buf[512], req[128];

	/* 200 at once: every one is answered */
	for (i = 0; i < 200; i++) {
		fds[i] = raw_connect();
		CU_ASSERT_FATAL(fds[i] >= 0);
	}
	for (i = 0; i < 200; i++) {
		snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":%u,"
			 "\"method\":\"profile.get\",\"params\":{\"name\":\"web\"}}\n", i);
		CU_ASSERT(send_str(fds[i], req) == 0);
	}
	for (i = 0; i < 200; i++) {
		snprintf(req, sizeof(req), "\"id\":%u,\"result\"", i);
		if (read_line(fds[i], buf, sizeof(buf), 5000) > 0 &&
		    strstr(buf, req) != NULL)
			answered++;
	}
	CU_ASSERT(answered == 200);
	fex_ctl_counters(ctl, &c);
	CU_ASSERT(c.clients >= 200);
	printf("  200 concurrent clients: %u answered (%u connected at once)\n",
	       answered, c.clients);
	/* beyond max_clients: told so and closed */
	for (i = 200; i < MAX_CLIENTS + 10; i++) {
		fds[i] = raw_connect();
		CU_ASSERT_FATAL(fds[i] >= 0);
	}
	for (i = 200; i < MAX_CLIENTS + 10; i++) {
		CU_ASSERT(send_str(fds[i], ping) == 0 || i >= MAX_CLIENTS);
		if (read_line(fds[i], buf, sizeof(buf), 5000) > 0 &&
		    strstr(buf, "too many clients") != NULL)
			refused++;
	}
	CU_ASSERT(refused == 10);
	printf("  %u clients over the limit of %u: %u refused with -32003\n",
	       MAX_CLIENTS + 10 - 200, MAX_CLIENTS, refused);
	for (i = 0; i < MAX_CLIENTS + 10; i++)
		close(fds[i]);
	CU_ASSERT(server_answers());
}

/* One reply larger than max_output still reaches a client that reads. */
static void
test_big_reply(void)
{
	static char req[16384], buf[512 * 1024];
	unsigned int i, v;
	size_t off;
	int fd = raw_connect(), n;

	CU_ASSERT_FATAL(fd >= 0);
	for (i = 0; i < 20; i++) {
		off = (size_t)snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":%u,"
				       "\"method\":\"profile.set\",\"params\":{\"name\":"
				       "\"big%u\",\"vlans\":[1", i, i);
		for (v = 3; v <= 2000; v += 2)
			off += (size_t)snprintf(req + off, sizeof(req) - off, ",%u", v);
		snprintf(req + off, sizeof(req) - off, "]}}\n");
		CU_ASSERT(send_str(fd, req) == 0);
		CU_ASSERT(read_line(fd, buf, sizeof(buf), 5000) > 0);
		CU_ASSERT(strstr(buf, "\"result\"") != NULL);
	}
	CU_ASSERT(send_str(fd, "{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":"
			   "\"profile.list\"}\n") == 0);
	n = read_line(fd, buf, sizeof(buf), 5000);
	CU_ASSERT(n > MAX_OUTPUT);
	CU_ASSERT(strstr(buf, "\"id\":99,\"result\"") != NULL);
	printf("  one reply of %d bytes (cap %u) delivered\n", n, MAX_OUTPUT);
	for (i = 0; i < 20; i++) {
		snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":%u,\"method\":"
			 "\"profile.delete\",\"params\":{\"name\":\"big%u\"}}\n", i, i);
		CU_ASSERT(send_str(fd, req) == 0);
		CU_ASSERT(read_line(fd, buf, sizeof(buf), 5000) > 0);
	}
	close(fd);
}

static void
test_non_reader(void)
{
	struct fex_ctl_counters before, after;
	static const char req[] = "{\"jsonrpc\":\"2.0\",\"id\":1,"
		"\"method\":\"vif.stats\"}\n";
	uint64_t t0, worst = 0;
	unsigned int sent = 0, pings = 0, next_ping = 200;
	int fd, flags;
	bool dropped = false;

	fex_ctl_counters(ctl, &before);
	fd = raw_connect();
	CU_ASSERT_FATAL(fd >= 0);
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	t0 = now_ms();
	while (now_ms() - t0 < 20000) {
		ssize_t w = send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL);

		if (w < 0 && (errno == EPIPE || errno == ECONNRESET)) {
			dropped = true;
			break;
		}
		if (w < 0 && errno == EAGAIN) {
			usleep(1000);
		} else if (w > 0) {
			sent++;
		}
		if (sent >= next_ping) {
			uint64_t p0 = now_ms();

			next_ping += 200;
			CU_ASSERT(server_answers());
			pings++;
			if (now_ms() - p0 > worst)
				worst = now_ms() - p0;
		}
		fex_ctl_counters(ctl, &after);
		if (after.overflowed > before.overflowed) {
			dropped = true;
			break;
		}
	}
	close(fd);
	CU_ASSERT(dropped);
	fex_ctl_counters(ctl, &after);
	CU_ASSERT(after.overflowed == before.overflowed + 1);
	CU_ASSERT(server_answers());
	printf("  client that never reads: dropped after %u requests; %u pings "
	       "meanwhile, slowest %llu ms\n", sent, pings, (unsigned long long)worst);
}

static void
test_idle_and_half_close(void)
{
	struct fex_ctl_counters before, after;
	char buf[256];
	uint64_t t0;
	int fd, n;

	/* a client that sends its request and shuts down its side */
	fd = raw_connect();
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(send_str(fd, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"cluster.list\"}") == 0);
	shutdown(fd, SHUT_WR);
	CU_ASSERT(read_line(fd, buf, sizeof(buf), 2000) > 0);
	CU_ASSERT(strstr(buf, "\"id\":5,\"result\"") != NULL);
	CU_ASSERT(read_line(fd, buf, sizeof(buf), 2000) == 0);
	close(fd);

	/* an idle client is closed after IDLE_MS */
	fex_ctl_counters(ctl, &before);
	fd = raw_connect();
	CU_ASSERT_FATAL(fd >= 0);
	t0 = now_ms();
	n = read_line(fd, buf, sizeof(buf), IDLE_MS * 3);
	CU_ASSERT(n == 0);
	CU_ASSERT(now_ms() - t0 >= IDLE_MS - 50);
	close(fd);
	fex_ctl_counters(ctl, &after);
	CU_ASSERT(after.timed_out >= before.timed_out + 1);
	printf("  idle client closed after %llu ms (timeout %u ms)\n",
	       (unsigned long long)(now_ms() - t0), IDLE_MS);
}

static void
test_fds_back(void)
{
	struct fex_ctl_counters c;
	uint64_t t0 = now_ms();
	unsigned int fds;

	do {
		usleep(50000);
		fex_ctl_counters(ctl, &c);
		fds = count_fds();
	} while ((fds != fds_start || c.clients != 0) && now_ms() - t0 < 5000);
	printf("  fds: %u at start, %u now; %llu connections accepted, "
	       "%llu requests served\n", fds_start, fds,
	       (unsigned long long)c.accepted, (unsigned long long)c.requests);
	CU_ASSERT(fds == fds_start);
	CU_ASSERT(c.clients == 0);
}

/* What fexctl changed is what a restart restores. */
static void
test_state_saved(void)
{
	char err[256];
	char *before, *after;
	struct fex_ctl *again;

	before = tstate(ctl);
	fex_ctl_stop(ctl);
	CU_ASSERT(access(sock, F_OK) < 0);
	tctl_free(ctl);
	tports_reset();
	again = tctl_new(state, sock, NULL);
	CU_ASSERT_FATAL(again != NULL);
	CU_ASSERT(fex_ctl_restore(again, err, sizeof(err)) == 0);
	CU_ASSERT(fex_ctl_start(again, err, sizeof(err)) == 0);
	ctl = again;
	after = tstate(ctl);
	CU_ASSERT_STRING_EQUAL(before, after);
	CU_ASSERT(tports_open() == 2);
	free(before);
	free(after);
	expect(0, "ring:vm11", NULL, "vif", "list", NULL);
	expect(0, NULL, NULL, "vif", "disassociate", "11", NULL);
	CU_ASSERT(tports_open() == 1);
}

int
main(int argc, char **argv)
{
	struct fex_ctl_conf conf = { 0 };
	char err[256], cmd[300];
	CU_pSuite s;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-FEXCTL\n", argv[0]);
		return EXIT_FAILURE;
	}
	fexctl_bin = argv[1];
	if (fex_test_eal_init("test_fexctl") < 0 || mkdtemp(dir) == NULL)
		return EXIT_FAILURE;
	snprintf(sock, sizeof(sock), "%s/run/control.sock", dir);
	snprintf(state, sizeof(state), "%s/state.json", dir);
	conf.path = sock;
	conf.state_path = state;
	conf.idle_ms = IDLE_MS;
	conf.max_clients = MAX_CLIENTS;
	conf.max_output = MAX_OUTPUT;
	ctl = tctl_new_conf(&conf);
	if (ctl == NULL || fex_ctl_start(ctl, err, sizeof(err)) < 0) {
		fprintf(stderr, "cannot start the server: %s\n", err);
		return EXIT_FAILURE;
	}
	fds_start = count_fds();
	if (CU_initialize_registry() != CUE_SUCCESS)
		return EXIT_FAILURE;
	s = CU_add_suite("fexctl", NULL, NULL);
	CU_add_test(s, "fexctl profile set/get/list/delete, errors", test_profile_cmds);
	CU_add_test(s, "fexctl vif preassociate/associate/list/stats/disassociate",
		    test_vif_cmds);
	CU_add_test(s, "fexctl viflist, port list, stats, cluster list, call",
		    test_viflist_port_misc_cmds);
	CU_add_test(s, "server: garbage and split requests", test_garbage);
	CU_add_test(s, "server: a 10 MiB line", test_huge_line);
	CU_add_test(s, "server: 200 concurrent clients, over the limit",
		    test_many_clients);
	CU_add_test(s, "server: one reply over max_output", test_big_reply);
	CU_add_test(s, "server: a client that never reads", test_non_reader);
	CU_add_test(s, "server: half-closed and idle clients",
		    test_idle_and_half_close);
	CU_add_test(s, "server: fd count back to the start value", test_fds_back);
	CU_add_test(s, "state: what fexctl changed survives a restart",
		    test_state_saved);
	rc = fex_test_run();
	tctl_free(ctl);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return rc;
}
