# Install dnsfix: make && sudo make install [PREFIX=/usr/local] [DESTDIR=staging]
# CONFIGURATION=debug installs the debug build (the tests stage an install that way).
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
CONFIGURATION ?= release
BINDIR = $(PREFIX)/bin
UNITDIR = $(PREFIX)/lib/systemd/system
MANDIR = $(PREFIX)/share/man/man1
BASHDIR = $(PREFIX)/share/bash-completion/completions
ZSHDIR = $(PREFIX)/share/zsh/site-functions
FISHDIR = $(PREFIX)/share/fish/vendor_completions.d
# Pacemaker looks for resource agents under its OCF root only, whatever the prefix.
OCFDIR ?= /usr/lib/ocf/resource.d/dnsfix
BUILT = .build/$(CONFIGURATION)/dnsfix
MANUAL = .build/manual/dnsfix.1

.PHONY: all build manual install uninstall

all: build manual

build:
	swift build -c $(CONFIGURATION) --product dnsfix

# swift-argument-parser's manual generator, from the same command definitions as --help.
manual: build
	swift build -c $(CONFIGURATION) --product generate-manual
	mkdir -p .build/manual
	.build/$(CONFIGURATION)/generate-manual $(BUILT) --output-directory .build/manual

install: all
	install -D -m 0755 $(BUILT) $(DESTDIR)$(BINDIR)/dnsfix
	install -D -m 0644 $(MANUAL) $(DESTDIR)$(MANDIR)/dnsfix.1
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/dnsfix
	install -m 0644 ops/dnsfix.toml.example $(DESTDIR)$(SYSCONFDIR)/dnsfix/dnsfix.toml.example
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' ops/systemd/dnsfix.service.in \
		> $(DESTDIR)$(UNITDIR)/dnsfix.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/dnsfix.service
	install -d -m 0755 $(DESTDIR)$(OCFDIR)
	sed -e 's|^OCF_RESKEY_binary_default=.*|OCF_RESKEY_binary_default="$(BINDIR)/dnsfix"|' ops/ocf/dnsname \
		> $(DESTDIR)$(OCFDIR)/dnsname
	chmod 0755 $(DESTDIR)$(OCFDIR)/dnsname
	install -d -m 0755 $(DESTDIR)$(BASHDIR) $(DESTDIR)$(ZSHDIR) $(DESTDIR)$(FISHDIR)
	$(BUILT) --generate-completion-script bash > $(DESTDIR)$(BASHDIR)/dnsfix
	$(BUILT) --generate-completion-script zsh > $(DESTDIR)$(ZSHDIR)/_dnsfix
	$(BUILT) --generate-completion-script fish > $(DESTDIR)$(FISHDIR)/dnsfix.fish

# The config directory and its files are the operator's: uninstall leaves them.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dnsfix $(DESTDIR)$(MANDIR)/dnsfix.1 $(DESTDIR)$(UNITDIR)/dnsfix.service \
		$(DESTDIR)$(BASHDIR)/dnsfix $(DESTDIR)$(ZSHDIR)/_dnsfix $(DESTDIR)$(FISHDIR)/dnsfix.fish \
		$(DESTDIR)$(SYSCONFDIR)/dnsfix/dnsfix.toml.example $(DESTDIR)$(OCFDIR)/dnsname
