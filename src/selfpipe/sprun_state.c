/* ISC license. */

#include "sprun.h"

sprun_state sprun ;
sprun_gens const *sprun_gen_ops = 0 ;
