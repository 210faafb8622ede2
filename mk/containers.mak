# ISC license. The OCI image and the tests under a real engine (podman).
#  make image             localhost/selfpipe-run:VERSION (tools/image): FROM
#                         scratch + the static musl runner
#  make check-containers  the musl runner, then tests/int-podman-*.t: the
#                         runner as PID 1 under podman and runc, private
#                         storage and configuration (tests/podlib.py);
#                         .ci/run calls it. Under make check the same
#                         tests run too, and skip, saying why, when no
#                         container can start or no musl runner is built.

image:
	sh tools/image

check-containers: musl
	SP_ONLY='int-podman*.t' SP_CHECK_QUICK=1 sh tests/check

CLEAN_FILES += build-image
PHONY_TARGETS += image check-containers
