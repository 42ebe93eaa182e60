// Link-only stand-ins for the LDAP and RTMP client libraries in the portable sdcadm-install
// (cmake/PortableInstaller.cmake, docs/porting.md "Why two libraries are not linked").
//
// Why: Debian's static libcurl.a is built with LDAP (libcurl_la-openldap.o) and RTMP
// (libcurl_la-curl_rtmp.o), and curl's protocol table (url.c) references both handlers, so
// their functions must resolve. The real libraries cannot be linked statically on Debian 12:
// libldap.a needs libsasl2.a, whose built-in plugins need MySQL, PostgreSQL, Berkeley DB and
// MIT GSS-API symbols, and both libldap.a and librtmp.a need GnuTLS, whose PKCS#11 code needs
// p11-kit, which Debian ships without a static archive.
//
// Why this is safe: sdcadm-install allows curl only "http,https" (CURLOPT_PROTOCOLS_STR,
// common/http_client.cpp) and follows no redirects, so curl refuses ldap:// and rtmp:// URLs
// before it reaches these handlers, and curl_global_init initialises neither library. This
// is what `./configure --disable-ldap --without-librtmp` would build. Should one be called
// anyway, it says so and aborts: a loud failure, never a silent wrong answer.
//
// The names are exactly the undefined LDAP/BER/RTMP symbols of Debian 12's libcurl.a
// (`nm -u` of its openldap and curl_rtmp objects); a newer libcurl.a that needs another one
// fails the link naming it.
#include <cstdio>
#include <cstdlib>

namespace {
[[noreturn]] void not_built_in(const char* function) {
  std::fprintf(stderr,
               "sdcadm-install: internal error: %s was called, but the portable installer is built "
               "without LDAP and RTMP (docs/porting.md); please report this\n",
               function);
  std::abort();
}
}  // namespace

// Each stand-in takes no arguments: C callers pass theirs in registers and the function,
// which never returns, does not read them.
#define SDCB_NOT_BUILT_IN(name) \
  extern "C" void name();       \
  extern "C" void name() { not_built_in(#name); }

// OpenLDAP (libldap, liblber), called by curl's openldap.c.
SDCB_NOT_BUILT_IN(ber_bvfree)
SDCB_NOT_BUILT_IN(ber_free)
SDCB_NOT_BUILT_IN(ber_memfree)
SDCB_NOT_BUILT_IN(ber_sockbuf_add_io)
SDCB_NOT_BUILT_IN(ldap_abandon_ext)
SDCB_NOT_BUILT_IN(ldap_err2string)
SDCB_NOT_BUILT_IN(ldap_free_urldesc)
SDCB_NOT_BUILT_IN(ldap_get_attribute_ber)
SDCB_NOT_BUILT_IN(ldap_get_dn_ber)
SDCB_NOT_BUILT_IN(ldap_get_option)
SDCB_NOT_BUILT_IN(ldap_init_fd)
SDCB_NOT_BUILT_IN(ldap_memfree)
SDCB_NOT_BUILT_IN(ldap_msgfree)
SDCB_NOT_BUILT_IN(ldap_msgtype)
SDCB_NOT_BUILT_IN(ldap_parse_result)
SDCB_NOT_BUILT_IN(ldap_parse_sasl_bind_result)
SDCB_NOT_BUILT_IN(ldap_pvt_url_scheme2proto)
SDCB_NOT_BUILT_IN(ldap_result)
SDCB_NOT_BUILT_IN(ldap_sasl_bind)
SDCB_NOT_BUILT_IN(ldap_search_ext)
SDCB_NOT_BUILT_IN(ldap_set_option)
SDCB_NOT_BUILT_IN(ldap_start_tls)
SDCB_NOT_BUILT_IN(ldap_unbind_ext)
SDCB_NOT_BUILT_IN(ldap_url_parse)

// librtmp, called by curl's curl_rtmp.c.
SDCB_NOT_BUILT_IN(RTMP_Alloc)
SDCB_NOT_BUILT_IN(RTMP_Close)
SDCB_NOT_BUILT_IN(RTMP_Connect1)
SDCB_NOT_BUILT_IN(RTMP_ConnectStream)
SDCB_NOT_BUILT_IN(RTMP_Free)
SDCB_NOT_BUILT_IN(RTMP_Init)
SDCB_NOT_BUILT_IN(RTMP_Read)
SDCB_NOT_BUILT_IN(RTMP_SetBufferMS)
SDCB_NOT_BUILT_IN(RTMP_SetupURL)
SDCB_NOT_BUILT_IN(RTMP_Write)
