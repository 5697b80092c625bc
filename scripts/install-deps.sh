#!/bin/bash
# Install what council-milter needs to build, test and run its demo, on
# Debian 12, if anything is missing. Safe to run again: with everything in
# place it does nothing and does not touch apt at all.
set -euo pipefail

packages=(
	build-essential cmake pkg-config
	libmilter-dev libgmime-3.0-dev libconfig-dev libcmocka-dev libjson-glib-dev libxml2-dev
	wordnet-base	# the verb lexicon behind the text rules (policy/lexicon.c)
	libicu-dev	# Unicode confusables and properties: disguised words in policy/disguise.c
	libidn2-dev	# international (IDNA) domain names compared in one form
	libpoppler-glib-dev	# PDF attachments read for confidential markings (extractor/pdf.c)
	libarchive-dev	# the zip of Office and OpenDocument attachments (extractor/zip.c)
	libsodium-dev	# Argon2id password hashes and random tokens of the web page's sign-in
	libmicrohttpd-dev	# a small HTTP(S) server: the Clerk's web page and the metrics endpoint
	postfix swaks python3 valgrind clang
	time		# GNU time: peak RSS of the judge in bench/hostile-scaling.sh
	chromium chromium-driver python3-selenium	# the web page's test in a real browser
	systemd procps man-db groff-base	# systemd-analyze (and /bin/kill), man, groff: the units and man pages
	debhelper lintian	# the Debian packages: dpkg-buildpackage (dpkg-dev) and their check (ops_debian_package)
	m4 libsasl2-modules	# e2e_sendmail: Sendmail's .cf from its m4 files; SMTP AUTH (PLAIN) through Cyrus SASL
)

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#packages[@]} packages are installed"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing ${missing[*]}; run this as root (sudo $0)" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
# Postfix must not configure (or start) a system mail server of its own:
# the tests and the demo run private instances.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q "${missing[@]}"
