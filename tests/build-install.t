#!/bin/sh
# ISC license. make install, as a user does it: a copy of the tree
# configured with a --prefix of its own, built and installed; what is
# installed is where configure said; doc/examples/server.c compiles
# against the installed library with nothing but what
# `pkg-config --cflags --libs selfpipe` says (and skalibs, which it
# uses itself), and runs; the installed selfpipe-run runs, and so does
# a selfpipe-bind, selfpipe-listenfds chain; DESTDIR
# stages the same files under another root.

. "$SP_SRC/tests/tap.sh"
command -v pkg-config >/dev/null 2>&1 || { echo "not ok 1 - pkg-config is installed (apt-get install pkgconf)" ; exit 1 ; }
scratch=$(mktemp -d) || exit 111
trap 'rm -rf "$scratch"' EXIT
version=$(sed -n 's/^version=//p' "$SP_SRC/package/info")
major_minor=$(echo "$version" | cut -d. -f1-2)
prefix=$scratch/usr

mkdir "$scratch/tree"
tar -C "$SP_SRC" --exclude='./build*' --exclude=./config.mak --exclude=./.git --exclude='./selfpipe-*.tar.gz' -cf - . \
  | tar -C "$scratch/tree" -xf - || exit 111
( cd "$scratch/tree" && ./configure --prefix="$prefix" --pythondir="$scratch/py" && make -j2 && make install ) \
  > "$scratch/log" 2>&1
t $? "configure --prefix, make, make install" "$scratch/log"

missing=
for f in bin/selfpipe-run lib/libselfpipe.a "lib/libselfpipe.so.$version" "lib/libselfpipe.so.$major_minor" lib/libselfpipe.so \
  include/selfpipe/selfpipe.h lib/pkgconfig/selfpipe.pc share/man/man1/selfpipe-run.1 share/man/man3/selfpipe.3 ; do
  test -e "$prefix/$f" || missing="$missing $f"
done
test -z "$missing" ; t $? "installed under the prefix: the program, both libraries, the soname links, the header, selfpipe.pc, the man pages${missing:+ (missing:$missing)}"
test -f "$scratch/py/self_pipe/__init__.py" ; t $? "the Python module under --pythondir"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs selfpipe 2>"$scratch/pc.err")
t $? "pkg-config --cflags --libs selfpipe: $flags" "$scratch/pc.err"
pkg-config --modversion selfpipe | grep -qx "$version" ; t $? "pkg-config --modversion selfpipe: $version"

# skalibs too: the example uses it for its own loop
cc -o "$scratch/server" "$SP_SRC/doc/examples/server.c" $flags -lskarnet > "$scratch/cc.log" 2>&1
t $? "doc/examples/server.c compiles against the installed library with pkg-config's flags" "$scratch/cc.log"
LD_LIBRARY_PATH="$prefix/lib" ldd "$scratch/server" 2>/dev/null | grep -q "libselfpipe.so.$major_minor => $prefix/lib/" 
t $? "  and links the installed libselfpipe.so.$major_minor"
LD_LIBRARY_PATH="$prefix/lib" "$scratch/server" "$scratch/sock" 2>"$scratch/server.err" &
pid=$!
i=0 ; limit=$(( $(scaled 10) * 10 ))
while [ ! -S "$scratch/sock" ] && [ $i -lt $limit ] && kill -0 $pid 2>/dev/null ; do sleep 0.1 ; i=$((i + 1)) ; done
test -S "$scratch/sock" ; t $? "  it runs: its socket is there" "$scratch/server.err"
kill -TERM $pid 2>/dev/null ; wait $pid ; rc=$?
[ $rc -eq 0 ] ; t $? "  and SIGTERM, through the installed library's self-pipe, ends it with 0 (exit $rc)" "$scratch/server.err"

[ "$("$prefix/bin/selfpipe-run" -V)" = "selfpipe-run $version" ] ; t $? "the installed selfpipe-run -V: selfpipe-run $version"
"$prefix/bin/selfpipe-run" -v 0 sh -c 'exit 3' ; rc=$?
[ $rc -eq 3 ] ; t $? "the installed selfpipe-run runs a child and exits with its code (exit $rc)"

missing=
for f in bin/selfpipe-gen bin/selfpipe-bind bin/selfpipe-listenfds share/man/man1/selfpipe-gen.1 share/man/man1/selfpipe-bind.1 share/man/man1/selfpipe-listenfds.1 ; do
  test -e "$prefix/$f" || missing="$missing $f"
done
test -z "$missing" ; t $? "installed: selfpipe-gen, selfpipe-bind, selfpipe-listenfds and their man pages${missing:+ (missing:$missing)}"
out=$("$prefix/bin/selfpipe-bind" -u "$scratch/chain.sock" "$prefix/bin/selfpipe-listenfds" -D nginx sh -c 'echo "$NGINX"' 2>&1)
[ "$out" = "3;" ] ; t $? "the installed chain selfpipe-bind -u path selfpipe-listenfds -D nginx: NGINX=$out"

( cd "$scratch/tree" && make install DESTDIR="$scratch/dest" ) > "$scratch/log" 2>&1
t $? "make install DESTDIR=..." "$scratch/log"
( cd "$prefix" && find . -type f -o -type l | sort ) > "$scratch/a"
( cd "$scratch/dest$prefix" && find . -type f -o -type l | sort ) > "$scratch/b"
find "$scratch/dest" \( -path "$scratch/dest$prefix" -o -path "$scratch/dest$scratch/py" \) -prune -o -type f -print > "$scratch/outside"
cmp -s "$scratch/a" "$scratch/b" && ! test -s "$scratch/outside" && test -f "$scratch/dest$scratch/py/self_pipe/__init__.py"
t $? "  stages the same files under DESTDIR, and nothing outside the prefix and the Python directory" "$scratch/outside"
tap_done
