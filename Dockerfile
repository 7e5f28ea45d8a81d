# Dockerfile — storage-scanner in a container (docs/deployment.md, "Containers").
#
#   docker build -t storage-scanner .
#   docker run --rm -v /data:/data storage-scanner scan --path /data --output /data/scan.parquet
#
# The build stage runs exactly the steps CI runs (scripts/install_deps.sh, then
# scripts/build_release.sh, then cmake --install; tests/release/test_container_recipes.py
# checks that every RUN here is one of them). The result is the portable binary, which needs
# nothing but the C library, so the runtime stage installs no package at all.
# --build-arg SSCAN_GIT_REVISION=... names the revision when the build context has no .git.

FROM debian:bookworm AS build
WORKDIR /src
COPY . .
RUN scripts/install_deps.sh
ARG SSCAN_GIT_REVISION=
# The cache mount keeps zig and the built dependencies between image builds.
RUN --mount=type=cache,target=/root/.cache/storage-scanner \
    SSCAN_CMAKE_ARGS="-DSSCAN_GIT_REVISION=${SSCAN_GIT_REVISION}" scripts/build_release.sh
RUN cmake --install build/portable --prefix /opt/storage-scanner

FROM debian:bookworm-slim
COPY --from=build /opt/storage-scanner/ /usr/local/
ENTRYPOINT ["storage-scanner"]
