/* ISC license. */

#include <stdint.h>
#include <string.h>
#include <time.h>

#include <skalibs/types.h>

#include "sprun.h"

 /*
    JSON for the log lines. A string from anywhere (a command name, a
    hook's path, a pidfile's contents) becomes a valid JSON string
    whatever its bytes: quotes, backslashes and control characters are
    escaped, and a byte that does not start a valid UTF-8 sequence
    becomes \ufffd, so that a strict parser takes every line. Nothing
    is written past max: a string too long is cut between two
    characters, and ends with "...".
 */

 /* how many bytes the valid UTF-8 sequence at s has, 0 if it is not one */
static size_t utf8_len (unsigned char const *s, size_t n)
{
  unsigned char c = s[0] ;
  size_t need ;
  unsigned char lo = 0x80, hi = 0xbf ;
  if (c < 0x80) return 1 ;
  if (c >= 0xc2 && c <= 0xdf) need = 2 ;
  else if (c >= 0xe0 && c <= 0xef) need = 3 ;
  else if (c >= 0xf0 && c <= 0xf4) need = 4 ;
  else return 0 ;
  /* no overlong forms, no surrogates, nothing past U+10FFFF */
  if (c == 0xe0) lo = 0xa0 ;
  else if (c == 0xed) hi = 0x9f ;
  else if (c == 0xf0) lo = 0x90 ;
  else if (c == 0xf4) hi = 0x8f ;
  if (n < need || s[1] < lo || s[1] > hi) return 0 ;
  for (size_t i = 2 ; i < need ; i++) if (s[i] < 0x80 || s[i] > 0xbf) return 0 ;
  return need ;
}

 /* the escaped form of the character at s into e; its length in *in */
static size_t escape (char *e, unsigned char const *s, size_t n, size_t *in)
{
  static char const hex[] = "0123456789abcdef" ;
  unsigned char c = s[0] ;
  size_t k = utf8_len(s, n) ;
  *in = k ? k : 1 ;
  if (!k) { memcpy(e, "\\ufffd", 6) ; return 6 ; }
  if (k > 1) { memcpy(e, s, k) ; return k ; }
  switch (c)
  {
    case '"' : case '\\' : e[0] = '\\' ; e[1] = (char)c ; return 2 ;
    case '\n' : memcpy(e, "\\n", 2) ; return 2 ;
    case '\r' : memcpy(e, "\\r", 2) ; return 2 ;
    case '\t' : memcpy(e, "\\t", 2) ; return 2 ;
    default : break ;
  }
  if (c >= 0x20 && c != 0x7f) { e[0] = (char)c ; return 1 ; }
  memcpy(e, "\\u00", 4) ; e[4] = hex[c >> 4] ; e[5] = hex[c & 15] ;
  return 6 ;
}

size_t sprun_json_str (char *s, size_t len, size_t max, char const *src, size_t n)
{
  unsigned char const *u = (unsigned char const *)src ;
  size_t i = 0 ;
  if (len + 5 > max) return len ;
  s[len++] = '"' ;
  while (i < n)
  {
    char e[6] ;
    size_t in ;
    size_t k = escape(e, u + i, n - i, &in) ;
    /* room for this one, and for "..." and the quote after it */
    if (len + k + 4 > max)
    {
      memcpy(s + len, "...", 3) ; len += 3 ;
      break ;
    }
    memcpy(s + len, e, k) ; len += k ;
    i += in ;
  }
  s[len++] = '"' ;
  return len ;
}

 /* ,"key": with no comma right after the object's brace; a
    fragment (len 0) starts with its comma. Keys are ours, plain ASCII. */
size_t sprun_json_key (char *s, size_t len, size_t max, char const *key)
{
  size_t k = strlen(key) ;
  if (len + k + 4 + 5 > max) return len ;
  if (!len || s[len - 1] != '{') s[len++] = ',' ;
  s[len++] = '"' ;
  memcpy(s + len, key, k) ; len += k ;
  s[len++] = '"' ;
  s[len++] = ':' ;
  return len ;
}

size_t sprun_json_strfield (char *s, size_t len, size_t max, char const *key, char const *value)
{
  size_t k = sprun_json_key(s, len, max, key) ;
  if (k == len) return len ;
  return sprun_json_str(s, k, max, value, strlen(value)) ;
}

/* a number, true, false: written as they are */
size_t sprun_json_litfield (char *s, size_t len, size_t max, char const *key, char const *lit)
{
  size_t n = strlen(lit) ;
  size_t k ;
  if (len + strlen(key) + 4 + n > max) return len ;
  k = sprun_json_key(s, len, max, key) ;
  if (k == len) return len ;
  memcpy(s + k, lit, n) ;
  return k + n ;
}

size_t sprun_json_intfield (char *s, size_t len, size_t max, char const *key, long long value)
{
  char fmt[UINT64_FMT + 1] ;
  size_t n = value < 0 ? 1 : 0 ;
  if (value < 0) fmt[0] = '-' ;
  n += uint64_fmt(fmt + n, value < 0 ? -(uint64_t)value : (uint64_t)value) ;
  fmt[n] = 0 ;
  return sprun_json_litfield(s, len, max, key, fmt) ;
}

 /* now, in RFC 3339 with nanoseconds, UTC: 2026-12-02T17:53:28.123456789Z */
/* digits by hand: strftime drags in the whole printf (floating point
   included), which is most of a static build's size */
static size_t put (char *s, unsigned int v, unsigned int width)
{
  for (unsigned int i = width ; i-- ; v /= 10) s[i] = '0' + (char)(v % 10) ;
  return width ;
}

size_t sprun_json_time (char *s)
{
  struct timespec ts ;
  struct tm tm ;
  size_t n = 0 ;
  if (clock_gettime(CLOCK_REALTIME, &ts) < 0 || !gmtime_r(&ts.tv_sec, &tm)
   || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) return (s[0] = 0, 0) ;
  n += put(s + n, (unsigned int)(tm.tm_year + 1900), 4) ; s[n++] = '-' ;
  n += put(s + n, (unsigned int)tm.tm_mon + 1, 2) ; s[n++] = '-' ;
  n += put(s + n, (unsigned int)tm.tm_mday, 2) ; s[n++] = 'T' ;
  n += put(s + n, (unsigned int)tm.tm_hour, 2) ; s[n++] = ':' ;
  n += put(s + n, (unsigned int)tm.tm_min, 2) ; s[n++] = ':' ;
  n += put(s + n, (unsigned int)tm.tm_sec, 2) ; s[n++] = '.' ;
  n += put(s + n, (unsigned int)ts.tv_nsec, 9) ;
  s[n++] = 'Z' ;
  s[n] = 0 ;
  return n ;
}
