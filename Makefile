# Hybrid Mesh: one command per task. Every target installs the system packages it needs first
# (scripts/install-deps.sh; as root it installs, otherwise it prints the apt-get line and stops).
MVN ?= mvn
MVN_FLAGS ?= -B -ntp
REQUIRE_KERNEL ?= $(if $(CI),true,false)

.PHONY: build test unit bench demo deps clean crds helm-test image

deps:
	@./scripts/install-deps.sh

## build: everything (BPF objects, JNI library, jars), no tests
build: deps
	$(MVN) $(MVN_FLAGS) -DskipTests install

## test: every test tier (unit, integration, kernel), then the list of skipped tests with their reasons;
## with REQUIRE_KERNEL=true (CI sets it) a missing requirement fails its test instead of skipping it, and any
## skipped test fails the build. Old reports go first, so that only this run's are read.
test: deps
	./scripts/prepare-kernel.sh
	rm -rf */target/surefire-reports */target/failsafe-reports
	$(MVN) $(MVN_FLAGS) -Dhmesh.requireKernel=$(REQUIRE_KERNEL) install
	java scripts/SkippedTests.java $(if $(filter true,$(REQUIRE_KERNEL)),--fail-on-skip) .

## unit: the fast tier only (no root, no network)
unit: deps
	$(MVN) $(MVN_FLAGS) -DskipITs install

## demo: a whole mesh on this machine (root): frontend and backend over OpenSSL TLS, payments on Java's
## own TLS, each probed and given its data path; the Observer API on localhost:4245 until Ctrl-C
demo: build
	./scripts/prepare-kernel.sh
	./hmesh demo

## bench: the benchmarks (JMH event paths and the sidecar access-log path; TCP throughput with and without the TC programs; HTTPS
## with and without the TLS uprobes, and through an HAProxy hop; plaintext HTTP with and without the socket hooks, and the
## same hop; a uprobe hit per first-instruction class; what each half of a TLS probe pair costs; a socket hook per syscall; the browser UI's map paint and live
## page in headless Chromium) (root)
bench: build
	./bench/run-event-path.sh
	./bench/als-throughput.sh
	./bench/tc-throughput.sh
	./bench/tls-overhead.sh
	./bench/plaintext-overhead.sh
	./bench/uprobe-cost.sh
	./bench/probe-shapes.sh
	./bench/syscall-hooks.sh
	./bench/fuzz.sh
	./bench/ui.sh

## crds: regenerate crds/ from the model classes in api/ (never edit crds/ by hand), and the chart's copy
crds:
	$(MVN) $(MVN_FLAGS) -q -pl api -Pcrds process-classes
	cp crds/*.yml helm/hybrid-mesh/crds/

## helm-test: the chart rendered and linted by a real Helm engine (helm-java), its RBAC, CRDs and the Dockerfile
helm-test:
	$(MVN) $(MVN_FLAGS) -pl helm -am verify -Dtest='Chart*Test,Dockerfile*Test' -Dit.test='Chart*IT' \
	  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false

## image: the hmesh container image (needs a Docker engine); IMAGE=registry/hmesh:tag to name it
IMAGE ?= hybrid-mesh/hmesh:0.1.0
image: build
	docker build -t $(IMAGE) .

clean:
	$(MVN) $(MVN_FLAGS) -q clean
	$(MAKE) -C bpf clean
