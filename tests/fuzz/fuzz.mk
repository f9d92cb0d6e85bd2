# libFuzzer harnesses: built and run by `make fuzz` / `make fuzz-smoke`
# (Makefile.am), which call this GNU make file with:
#   srcdir          the source tree
#   FUZZ_CC         clang with -fsanitize=fuzzer (found by configure)
#   FUZZ_CPPFLAGS   include paths and defines of the library
#   FUZZ_LIBS       libyaml, PCRE2, libm
#   LIB_SOURCES     the library's sources (libtmdk/*.c, builtin_catalog.c from the build tree)
#   AR              the archiver
# and, for `smoke`, FUZZ_SECONDS (per harness). Everything it makes goes to
# tests/fuzz/build/ of the build tree. The library is compiled here, with
# coverage instrumentation and ASan+UBSan, separately from the libtool build,
# whose flags stay untouched.

B = tests/fuzz/build
FUZZ_SECONDS = 60
FUZZ_MAX_LEN = 65536
FUZZ_TIMEOUT = 10
FUZZ_RSS_MB = 2048
HARNESSES = dockerfile yaml detect catalog scan baseline config compose kustomize compiled

FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra -Wno-unused-parameter
LIB_OBJS = $(patsubst %.c,$(B)/obj/%.o,$(notdir $(filter %.c,$(LIB_SOURCES))))

vpath %.c $(sort $(dir $(LIB_SOURCES))) $(addprefix $(srcdir)/,$(sort $(dir $(LIB_SOURCES)))) $(srcdir)/tests/fuzz
vpath %.h $(srcdir)/tests/fuzz
vpath %.dict $(srcdir)/tests/fuzz

.PHONY: all smoke FORCE
.SECONDARY:

all: $(addprefix $(B)/fuzz-,$(HARNESSES)) $(B)/seeds/.stamp $(B)/scan.dict $(B)/catalog.dict $(B)/config.dict $(B)/kustomize.dict

$(B)/obj/%.o: %.c
	@mkdir -p $(B)/obj
	@echo "  FUZZCC   $@"
	@$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

-include $(LIB_OBJS:.o=.d)

$(B)/libtmdk-fuzz.a: $(LIB_OBJS)
	@echo "  AR       $@"
	@rm -f $@ && $(AR) rcs $@ $(LIB_OBJS)

# The configuration parser is tmdk-scan's (examples/scan/config.c, included by the harness).
$(B)/fuzz-config: $(srcdir)/examples/scan/config.c $(srcdir)/examples/scan/tmdk-scan.h

$(B)/fuzz-%: fuzz_%.c fuzz_common.h $(B)/libtmdk-fuzz.a
	@echo "  FUZZLD   $@"
	@$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(B)/libtmdk-fuzz.a $(FUZZ_LIBS) -o $@

# The seed generator needs no fuzzer runtime: the sanitizers provide the
# coverage callbacks' defaults.
$(B)/make_seeds: make_seeds.c fuzz_common.h $(B)/libtmdk-fuzz.a
	@echo "  FUZZLD   $@"
	@$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) $< $(B)/libtmdk-fuzz.a $(FUZZ_LIBS) -o $@

# Seed corpora, framed per harness: the fixtures, the demo, the catalogs
# (one pattern per seed) and the built-in catalog's examples.
SEED_INPUTS = $(sort $(shell find $(srcdir)/tests/fixtures $(srcdir)/examples/demo -type f))
SEED_CATALOGS = $(sort $(wildcard $(srcdir)/patterns/*.yaml))
SEED_OWN = $(wildcard $(srcdir)/tests/fuzz/seeds/*)
$(B)/seeds/.stamp: $(B)/make_seeds $(SEED_INPUTS) $(SEED_CATALOGS) $(SEED_OWN)
	@rm -rf $(B)/seeds
	@ASAN_OPTIONS=detect_leaks=1 $(B)/make_seeds $(B)/seeds $(SEED_INPUTS) --catalogs $(SEED_CATALOGS)
	@mkdir -p $(B)/seeds/baseline $(B)/seeds/config
	@cp $(srcdir)/tests/fuzz/seeds/baseline.json $(srcdir)/tests/fuzz/seeds/baseline.sarif $(B)/seeds/baseline/
	@cp $(srcdir)/tests/fuzz/seeds/config.yaml $(B)/seeds/config/
	@mkdir -p $(B)/seeds/compose
	@cp $(srcdir)/tests/fuzz/seeds/compose-parts.yaml $(B)/seeds/compose/
	@for d in $(srcdir)/tests/fixtures/compose-merge/*/; do \
		n=$$(basename $$d); f=$$d/compose.yaml; [ -f $$f ] || f=$$d/docker-compose.yml; [ -f $$f ] || continue; \
		{ cat $$f; for o in compose.override.yaml docker-compose.override.yml; do \
			if [ -f $$d/$$o ]; then echo '#---'; cat $$d/$$o; fi; done; } > $(B)/seeds/compose/$$n; \
	done
	@mkdir -p $(B)/seeds/kustomize && cp $(srcdir)/tests/fuzz/seeds/kustomize-*.txt $(B)/seeds/kustomize/
	@touch $@

# libFuzzer takes one dictionary: the scan sees Dockerfiles and YAML, the
# catalog harness YAML and the match language.
$(B)/scan.dict: dockerfile.dict yaml.dict
	@cat $^ > $@
$(B)/catalog.dict: yaml.dict catalog.dict
	@cat $^ > $@
$(B)/config.dict: yaml.dict config.dict
	@cat $^ > $@
$(B)/kustomize.dict: yaml.dict kustomize.dict
	@cat $^ > $@

dict_dockerfile = $(srcdir)/tests/fuzz/dockerfile.dict
dict_yaml = $(srcdir)/tests/fuzz/yaml.dict
dict_detect = $(srcdir)/tests/fuzz/yaml.dict
dict_catalog = $(B)/catalog.dict
dict_scan = $(B)/scan.dict
dict_baseline = $(srcdir)/tests/fuzz/yaml.dict
dict_config = $(B)/config.dict
dict_compose = $(srcdir)/tests/fuzz/yaml.dict
dict_kustomize = $(B)/kustomize.dict
dict_compiled = $(srcdir)/tests/fuzz/compiled.dict

# One bounded run per harness; any crash, leak, timeout (one input over
# FUZZ_TIMEOUT seconds) or out-of-memory (over FUZZ_RSS_MB) fails it, and the
# input is kept in $(B)/crashes/. New inputs accumulate in $(B)/corpus/NAME.
smoke: $(addprefix smoke-,$(HARNESSES))

smoke-%: $(B)/fuzz-% $(B)/seeds/.stamp $(B)/scan.dict $(B)/catalog.dict $(B)/config.dict $(B)/kustomize.dict FORCE
	@mkdir -p $(B)/corpus/$* $(B)/crashes
	@echo "fuzz-$*: $(FUZZ_SECONDS) s"
	@if $(B)/fuzz-$* -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) -timeout=$(FUZZ_TIMEOUT) \
		-rss_limit_mb=$(FUZZ_RSS_MB) -malloc_limit_mb=$(FUZZ_RSS_MB) -dict=$(dict_$*) -print_final_stats=1 \
		-artifact_prefix=$(B)/crashes/$*- $(B)/corpus/$* $(B)/seeds/$* > $(B)/smoke-$*.log 2>&1; then \
		echo "fuzz-$*: ok: $$(grep -E '^#[0-9]+.*(DONE|pulse)' $(B)/smoke-$*.log | tail -n 1)"; \
	else \
		tail -n 40 $(B)/smoke-$*.log; \
		echo "fuzz-$*: FAILED (log: $(B)/smoke-$*.log, input: $(B)/crashes/)"; exit 1; \
	fi
