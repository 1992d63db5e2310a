// libcurl's setopt/getinfo calls are variadic, which Swift cannot call: these typed wrappers are
// the only way the CurlHTTP module reaches them.
#ifndef KIAMO_CCURL_SHIM_H
#define KIAMO_CCURL_SHIM_H
#include <curl/curl.h>
#include <sys/socket.h>

static inline CURLcode kt_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode kt_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode kt_easy_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode kt_easy_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode kt_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode kt_easy_setopt_write_cb(CURL *h, size_t (*cb)(char *, size_t, size_t, void *)) { return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, cb); }
static inline CURLcode kt_easy_setopt_read_cb(CURL *h, size_t (*cb)(char *, size_t, size_t, void *)) { return curl_easy_setopt(h, CURLOPT_READFUNCTION, cb); }
static inline CURLcode kt_easy_setopt_seek_cb(CURL *h, int (*cb)(void *, curl_off_t, int)) { return curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, cb); }
static inline CURLcode kt_easy_setopt_header_cb(CURL *h, size_t (*cb)(char *, size_t, size_t, void *)) { return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, cb); }
static inline CURLcode kt_easy_setopt_xferinfo_cb(CURL *h, int (*cb)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t)) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, cb); }
static inline CURLcode kt_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode kt_easy_getinfo_ptr(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode kt_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode kt_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
static inline CURLcode kt_easy_setopt_debug_cb(CURL *h, int (*cb)(CURL *, curl_infotype, char *, size_t, void *)) { return curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, cb); }

// Sockets libcurl opens are not close-on-exec by default: a program that spawns children would
// hand them its connections (a child outliving the request keeps the connection open for the
// server). This opens them with SOCK_CLOEXEC, atomically, so no concurrent fork can catch one.
static curl_socket_t kt_open_cloexec_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *address) {
  (void)clientp; (void)purpose;
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}
static inline CURLcode kt_easy_setopt_cloexec_sockets(CURL *h) { return curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, kt_open_cloexec_socket); }

// Macros Swift cannot import (they expand to expressions of other macros), as typed constants.
static inline CURLcode kt_global_init_default(void) { return curl_global_init(CURL_GLOBAL_DEFAULT); }
static inline unsigned int kt_curlu_default_port(void) { return CURLU_DEFAULT_PORT; }
static inline size_t kt_curl_error_size(void) { return CURL_ERROR_SIZE; }
#endif
