#!/bin/sh
# ISC license. debian/ agrees with the tree, without building anything
# (make check-deb builds and tries the packages): debian/changelog's
# upstream version is package/info's; the shared library's package is
# named after the soname the Makefile gives the library, as Debian's
# policy has it (libselfpipe.so.X.Y: libselfpipeX.Y), and the packages
# that need it depend on that exact build; selfpipe takes the whole
# bindir and man1, so every program make install installs lands there.

. "$SP_SRC/tests/tap.sh"
cd "$SP_SRC" || exit 111
version=$(sed -n -e 's/^version=//p' package/info)
soname=$(printf 'sp-print:\n\t@echo $(SONAME)\n' | make -s --no-print-directory -f Makefile -f - sp-print)
libpkg=$(echo "$soname" | sed -e 's/\.so\./ /' -e 's/ //')

debver=$(sed -n -e '1s/^selfpipe (\([^)]*\)) .*/\1/p' debian/changelog)
case $debver in "$version"-[0-9]*) r=0 ;; *) r=1 ;; esac
t $r "debian/changelog: $debver, package/info's $version and a Debian revision"

packages=$(sed -n -e 's/^Package: //p' debian/control | tr '\n' ' ')
[ "$packages" = "selfpipe $libpkg libselfpipe-dev python3-selfpipe " ] ; t $? "debian/control: selfpipe $libpkg libselfpipe-dev python3-selfpipe (the library's package named for $soname; got: $packages)"
test -f "debian/$libpkg.install" && grep -qx 'usr/lib/${DEB_HOST_MULTIARCH}/libselfpipe.so.\*' "debian/$libpkg.install"
t $? "debian/$libpkg.install takes the shared library"
n=$(grep -c "^Depends: $libpkg (= \${binary:Version})," debian/control)
[ "$n" -eq 2 ] ; t $? "libselfpipe-dev and python3-selfpipe depend on $libpkg of the same build ($n of 2)"
[ "$(cat debian/selfpipe.install)" = "usr/bin
usr/share/man/man1" ] ; t $? "debian/selfpipe.install takes the whole bindir and man1: every program make install installs"
tap_done
