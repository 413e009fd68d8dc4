/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A libvirt domain XML -> the domain's fexpath vNICs and their port
 * profiles (see fex_lv.h): the vhostuser interfaces with a socket in
 * vhost_dir, matched by MAC with the fex:vnic elements of <metadata>.
 * What would stop the domain from starting is collected in d->problems,
 * one line each, naming the MAC, so the hook can print them all at once.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "fex_lv.h"

static void
problem(struct fex_lv_domain *d, const char *fmt, ...)
{
	size_t used = strlen(d->problems);
	va_list ap;

	d->n_problems++;
	if (used + 2 >= sizeof(d->problems))
		return;
	va_start(ap, fmt);
	vsnprintf(d->problems + used, sizeof(d->problems) - used - 1, fmt, ap);
	va_end(ap);
	used = strlen(d->problems);
	d->problems[used] = '\n';
	d->problems[used + 1] = '\0';
}

/* An attribute as a C string (caller frees with xmlFree), or NULL. */
static char *
attr(xmlNodePtr n, const char *name)
{
	return n != NULL ? (char *)xmlGetProp(n, (const xmlChar *)name) : NULL;
}

static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

static bool
mac_norm(const char *in, char *out)
{
	unsigned int i;

	if (in == NULL || strlen(in) != FEX_LV_MAC_LEN)
		return false;
	for (i = 0; i < FEX_LV_MAC_LEN; i++) {
		if (i % 3 == 2 ? in[i] != ':' : !isxdigit((unsigned char)in[i]))
			return false;
		out[i] = (char)tolower((unsigned char)in[i]);
	}
	out[FEX_LV_MAC_LEN] = '\0';
	return true;
}

static bool
profile_name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > FEX_LV_PROFILE_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

bool
fex_lv_port_ours(const char *port, const char *vhost_dir)
{
	size_t n = strlen(vhost_dir);
	const char *sock;

	while (n > 1 && vhost_dir[n - 1] == '/')
		n--;
	if (strncmp(port, "vhost:", 6) != 0)
		return false;
	sock = port + 6;
	return strncmp(sock, vhost_dir, n) == 0 && sock[n] == '/' && sock[n + 1] != '\0' &&
	       strchr(sock + n + 1, '/') == NULL && strchr(sock + n + 1, ',') == NULL;
}

static bool
sock_ours(const char *sock, const char *vhost_dir)
{
	char port[FEX_LV_PATH_MAX + 16];

	snprintf(port, sizeof(port), "vhost:%s", sock);
	return fex_lv_port_ours(port, vhost_dir);
}

/* The vhostuser interfaces in vhost_dir. */
static void
parse_interfaces(xmlXPathContextPtr x, const char *vhost_dir, struct fex_lv_domain *d)
{
	xmlXPathObjectPtr o;
	int i, n;

	o = xmlXPathEvalExpression((const xmlChar *)
		"/domain/devices/interface[@type='vhostuser']", x);
	n = o != NULL && o->nodesetval != NULL ? o->nodesetval->nodeNr : 0;
	for (i = 0; i < n; i++) {
		xmlNodePtr ifc = o->nodesetval->nodeTab[i], src = child(ifc, "source");
		char *type = attr(src, "type"), *path = attr(src, "path"), *mode = attr(src, "mode");
		char *mac = attr(child(ifc, "mac"), "address");
		struct fex_lv_vnic *v;
		unsigned int j;

		if (path == NULL || (type != NULL && strcmp(type, "unix") != 0) ||
		    !sock_ours(path, vhost_dir))
			goto next;	/* another vhost-user backend's */
		if (d->n_vnics == FEX_LV_VNICS_MAX) {
			problem(d, "more than %d vNICs on fexpath's sockets", FEX_LV_VNICS_MAX);
			goto next;
		}
		v = &d->vnic[d->n_vnics];
		memset(v, 0, sizeof(*v));
		if (strlen(path) > FEX_LV_PATH_MAX - 6) {
			problem(d, "vNIC socket %s: the path is longer than %d bytes",
				path, FEX_LV_PATH_MAX - 6);
			goto next;
		}
		snprintf(v->sock, sizeof(v->sock), "%s", path);
		if (!mac_norm(mac, v->mac)) {
			problem(d, "vNIC on %s has no usable <mac address='...'/> (%s)", path,
				mac != NULL ? mac : "none");
			goto next;
		}
		for (j = 0; j < d->n_vnics; j++)
			if (strcmp(d->vnic[j].mac, v->mac) == 0)
				problem(d, "vNIC %s: two interfaces have this MAC", v->mac);
		v->server = mode != NULL && strcmp(mode, "server") == 0;
		if (!v->server)
			problem(d, "vNIC %s (%s): <source mode='%s'> must be mode='server' "
				"(QEMU listens, fexpath connects)", v->mac, path,
				mode != NULL ? mode : "");
		d->n_vnics++;
next:
		xmlFree(type);
		xmlFree(path);
		xmlFree(mode);
		xmlFree(mac);
	}
	xmlXPathFreeObject(o);
}

/* Every fex:vnic under <metadata>, at any depth (see fex_lv.h). */
static void
parse_metadata(xmlXPathContextPtr x, struct fex_lv_domain *d)
{
	bool seen[FEX_LV_VNICS_MAX] = { false };
	xmlXPathObjectPtr o;
	int i, n;

	o = xmlXPathEvalExpression((const xmlChar *)"/domain/metadata//fex:vnic", x);
	n = o != NULL && o->nodesetval != NULL ? o->nodesetval->nodeNr : 0;
	for (i = 0; i < n; i++) {
		xmlNodePtr e = o->nodesetval->nodeTab[i];
		char *mac = attr(e, "mac"), *prof = attr(e, "profileid"), *vif = attr(e, "vif");
		char m[FEX_LV_MAC_LEN + 1];
		struct fex_lv_vnic *v = NULL;
		unsigned int j;

		if (!mac_norm(mac, m)) {
			problem(d, "<fex:vnic mac='%s'>: not a MAC like 52:54:00:66:00:01",
				mac != NULL ? mac : "");
			goto next;
		}
		for (j = 0; j < d->n_vnics; j++)
			if (strcmp(d->vnic[j].mac, m) == 0)
				v = &d->vnic[j];
		if (v == NULL)
			goto next;	/* no such vNIC (any more): nothing to do */
		if (seen[v - d->vnic]) {
			problem(d, "vNIC %s: two <fex:vnic> elements name this MAC", m);
			goto next;
		}
		seen[v - d->vnic] = true;
		v->has_meta = true;
		if (prof == NULL || !profile_name_ok(prof))
			problem(d, "vNIC %s: <fex:vnic profileid='%s'> is not a port profile name "
				"(1-%d of A-Z a-z 0-9 . _ -)", m, prof != NULL ? prof : "",
				FEX_LV_PROFILE_MAX);
		else
			snprintf(v->profile, sizeof(v->profile), "%s", prof);
		if (vif != NULL) {
			char *end;
			long id = strtol(vif, &end, 10);

			if (*vif == '\0' || *end != '\0' || id < 1 || id > 4095)
				problem(d, "vNIC %s: <fex:vnic vif='%s'> is not allowed; allowed: "
					"1..4095, or no vif (fexpath picks one)", m, vif);
			else
				v->vif = (unsigned int)id;
		}
next:
		xmlFree(mac);
		xmlFree(prof);
		xmlFree(vif);
	}
	xmlXPathFreeObject(o);
	for (i = 0; i < (int)d->n_vnics; i++) {
		unsigned int j;

		if (!d->vnic[i].has_meta)
			problem(d, "vNIC %s (%s) has no <fex:vnic xmlns:fex=\"%s\" mac=\"%s\" "
				"profileid=\"...\"/> in the domain's <metadata>: fexpath does not "
				"know its port profile", d->vnic[i].mac, d->vnic[i].sock, FEX_LV_NS,
				d->vnic[i].mac);
		for (j = 0; j < (unsigned int)i; j++)
			if (d->vnic[i].vif != 0 && d->vnic[i].vif == d->vnic[j].vif)
				problem(d, "vNICs %s and %s: both say vif='%u'", d->vnic[j].mac,
					d->vnic[i].mac, d->vnic[i].vif);
	}
}

static void
text_of(xmlXPathContextPtr x, const char *expr, char *out, size_t len)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, x);

	out[0] = '\0';
	if (o != NULL && o->nodesetval != NULL && o->nodesetval->nodeNr > 0) {
		xmlChar *t = xmlNodeGetContent(o->nodesetval->nodeTab[0]);

		snprintf(out, len, "%s", t != NULL ? (const char *)t : "");
		xmlFree(t);
	}
	xmlXPathFreeObject(o);
}

int
fex_lv_parse(const char *xml, size_t xml_len, const char *vhost_dir,
	     struct fex_lv_domain *d, char *err, size_t len)
{
	xmlXPathContextPtr x = NULL;
	xmlDocPtr doc;
	size_t i;
	int rc = -1;

	memset(d, 0, sizeof(*d));
	doc = xmlReadMemory(xml, (int)xml_len, "domain.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		snprintf(err, len, "the domain XML does not parse");
		return -1;
	}
	x = xmlXPathNewContext(doc);
	if (x == NULL || xmlXPathRegisterNs(x, (const xmlChar *)"fex",
					    (const xmlChar *)FEX_LV_NS) != 0) {
		snprintf(err, len, "out of memory");
		goto out_free_doc;
	}
	text_of(x, "/domain/name", d->name, sizeof(d->name));
	text_of(x, "/domain/uuid", d->uuid, sizeof(d->uuid));
	if (strlen(d->uuid) != FEX_LV_UUID_LEN) {
		snprintf(err, len, "the domain XML has no <uuid> (a <domain> element?)");
		goto out_free_doc;
	}
	for (i = 0; i < FEX_LV_UUID_LEN; i++)
		d->uuid[i] = (char)tolower((unsigned char)d->uuid[i]);
	parse_interfaces(x, vhost_dir, d);
	parse_metadata(x, d);
	rc = 0;
out_free_doc:
	xmlXPathFreeContext(x);
	xmlFreeDoc(doc);
	return rc;
}
