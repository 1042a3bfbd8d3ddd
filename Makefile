# Hybrid Mesh: one command per task. Every target installs the system packages it needs first
# (scripts/install-deps.sh; as root it installs, otherwise it prints the apt-get line and stops).
MVN ?= mvn
MVN_FLAGS ?= -B -ntp
REQUIRE_KERNEL ?= $(if $(CI),true,false)

.PHONY: build test unit bench demo deps clean crds

deps:
	@./scripts/install-deps.sh

## build: everything (BPF objects, JNI library, jars), no tests
build: deps
	$(MVN) $(MVN_FLAGS) -DskipTests install

## test: every test tier (unit, integration, kernel); kernel tests fail instead of skipping when
## REQUIRE_KERNEL=true (CI sets it)
test: deps
	./scripts/prepare-kernel.sh
	$(MVN) $(MVN_FLAGS) -Dhmesh.requireKernel=$(REQUIRE_KERNEL) install

## unit: the fast tier only (no root, no network)
unit: deps
	$(MVN) $(MVN_FLAGS) -DskipITs install

## demo: two namespaces, nginx (HTTP and HTTPS) and curl, the agent serving the Observer API and
## hmesh observe -f showing its flows (root)
demo: build
	./scripts/demo-standalone.sh

## bench: the benchmarks (JMH event paths; TCP throughput with and without the TC programs; HTTPS
## with and without the TLS uprobes, and through an HAProxy hop) (root)
bench: build
	./bench/run-event-path.sh
	./bench/tc-throughput.sh
	./bench/tls-overhead.sh

## crds: regenerate crds/ from the model classes in api/ (never edit crds/ by hand)
crds:
	$(MVN) $(MVN_FLAGS) -q -pl api -Pcrds process-classes

clean:
	$(MVN) $(MVN_FLAGS) -q clean
	$(MAKE) -C bpf clean
