/* ISC license. */

#include <string.h>

#include "spsock.h"

 /* What -n is for each: 0 a usage error, 1 optional names, 2 required. */

static spsock_dialect const dialects[] =
{
  { .name = "systemd", .names = 1, .env = &spsock_systemd },
  { .name = "nginx", .names = 0, .env = &spsock_nginx },
  { .name = "php-fpm", .names = 1, .env = &spsock_phpfpm },
  { .name = "haproxy", .names = 2, .env = &spsock_haproxy },
  { .name = "einhorn", .names = 0, .env = &spsock_einhorn },
  { .name = "argv", .names = 0, .env = &spsock_argv },
  { .name = 0, .names = 0, .env = 0 }
} ;

spsock_dialect const *spsock_dialect_find (char const *name)
{
  for (spsock_dialect const *d = dialects ; d->name ; d++)
    if (!strcmp(d->name, name)) return d ;
  spsock_dieusage("-D ", name, ": not a dialect (systemd, nginx, php-fpm, haproxy, einhorn, argv)") ;
}
