# The one hmesh image: `hmesh controller` and `hmesh agent` in a cluster (helm/hybrid-mesh), every other
# subcommand too. It packages the jar the build made; it compiles nothing, so build first:
#
#   make build                                   # or: mvn -B -ntp -DskipTests package
#   docker build -t REGISTRY/hmesh:0.1.0 .
#
# DockerfileTest (helm/) checks the base image, the packages, the jar path and the entrypoint, since nothing can
# build this image on the development machines.

# Debian 12, as the build machines: the JNI library in the jar links the libbpf 1.1 and libelf this release
# ships, and the JRE is Debian's own OpenJDK 17.
FROM debian:bookworm-slim

# libbpf1, libelf1 and zlib1g: what libhmjni.so loads at run time. The man directory works around
# openjdk's post-install script on slim images, which has no man pages to link.
RUN mkdir -p /usr/share/man/man1 \
    && apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless libbpf1 libelf1 zlib1g \
    && rm -rf /var/lib/apt/lists/*

# The shaded jar carries every module, the JNI library and the BPF objects.
COPY cli/target/hmesh.jar /opt/hmesh/hmesh.jar

# Not root by default: the controller needs no privilege. The chart runs the agent as uid 0 with only the
# capabilities it needs.
USER 65532:65532

ENTRYPOINT ["java", "-jar", "/opt/hmesh/hmesh.jar"]
CMD ["--help"]
