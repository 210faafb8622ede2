/* ISC license. */

#include "sprun.h"

sprun_state sprun ;
